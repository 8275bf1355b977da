#include "app/pipeline.h"

#include "lightbody/version.h"
#include "meshes/model.h"
#include "meshes/surfaces.h"
#include "input/case_reader.h"
#include "input/errors.h"
#include "post/ccx_export.h"
#include "post/mesh_view.h"
#include "post/result_folder.h"
#include "post/results.h"
#include "post/reports.h"
#include "post/vtk_writer.h"
#include "app/mpi_world.h"
#include "solver/cholmod_factor.h"
#include "solver/distributed_factor.h"
#include "solver/elastic_problem.h"

#include <deal.II/base/multithread_info.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace lightbody
{
  namespace fs = std::filesystem;

  RunOutcome::RunOutcome()                       = default;
  RunOutcome::~RunOutcome()                      = default;
  RunOutcome::RunOutcome(RunOutcome &&) noexcept = default;
  RunOutcome &RunOutcome::operator=(RunOutcome &&other) noexcept
  {
    if (this != &other)
      {
        // What refers to the model goes first.
        results.reset();
        solution.reset();
        model.reset();
        case_data = std::move(other.case_data);
        model     = std::move(other.model);
        solution  = std::move(other.solution);
        results   = std::move(other.results);
        together  = other.together;
      }
    return *this;
  }

  namespace
  {
    // Peak memory per DoF of a run, measured on the plates and example bodies (README,
    // Benchmark: 7.4 to 12 kB per DoF): 6 kB lies below all of them, so the check before meshing
    // refuses only models that cannot fit. Meshing alone (triangulation, DoFs, geometry) takes
    // far less.
    constexpr double run_bytes_per_dof  = 6e3;
    constexpr double mesh_bytes_per_dof = 1e3;
    // What each process of an MPI launch holds whole whatever their number (the mesh, its DoF
    // numbering, the constraints, loads and displacements): measured 0.45 kB per DoF beside the
    // libraries (bench/mpi_benchmark.py, default tank at 202 k DoFs, fixed part of the fit
    // through N = 2 and 4, 2026-12-05); the rest of a run is spread over the processes.
    constexpr double whole_bytes_per_dof = 0.3e3;

    // Refuses a model too large for the memory before any of it is built. Under an MPI launch
    // the check is per process: its share of the run beside what it holds whole, against
    // --max-memory (per process) or its share of what its machine has available.
    // (`spread`: the run's, whose solve is spread over the processes; meshing is not)
    void check_model_size(const Case &c, double bytes_per_dof, double limit_bytes, StageLog &log,
                          bool spread = false)
    {
      const ModelSize size      = estimate_model_size(c);
      const int       processes = spread ? distributed_processes() : 1;
      const double    need      = processes > 1
                                    ? size.dofs * (whole_bytes_per_dof + bytes_per_dof / processes)
                                    : size.dofs * bytes_per_dof;
      const double    available = memory_limit(limit_bytes);
      char            line[200];
      std::snprintf(line, sizeof line,
                    "model: about %.0f elements, %.0f DoFs (estimated before meshing; %s%s)",
                    size.elements, size.dofs,
                    memory_known(available) ? (memory_text(available) + " may be used").c_str()
                                            : "the memory available unknown",
                    memory_known(available) && processes > 1 ? " by each process" : "");
      log.message(line);
      const std::string each =
        processes > 1 ? " on each of the " + std::to_string(processes) + " processes" : "";
      if (need > available)
        throw ModelError("the model would have about " +
                         std::to_string(static_cast<long long>(size.dofs)) +
                         " DoFs and would need about " + memory_text(need) + each + " but only " +
                         memory_text(available) +
                         " may be used; use a coarser mesh (mesh.size, parts.NAME.mesh_size) or "
                         "fewer layers, or run on a machine with more memory" +
                         (processes > 1 ? " or on more processes" : ""));
    }
  } // namespace

  namespace
  {
    // Convergence evidence: load cases above this utilization are re-solved on a mesh finer by
    // refinement_factor in every part; a governing value that grows by more than
    // convergence_tolerance is flagged (a stress that converges changes by a few per cent at
    // most between such meshes: the default tank on its saddle bedding 0.421 -> 0.424).
    constexpr double near_limit            = 0.7;
    constexpr double refinement_factor     = 0.70710678118654752; // 1 / sqrt(2)
    constexpr double convergence_tolerance = 0.05;

    // The load cases to re-solve on the finer mesh (none: ev says why).
    std::vector<unsigned> convergence_cases(RunOutcome &out)
    {
      ResultData          &r  = *out.results;
      ConvergenceEvidence &ev = r.convergence;
      const Case          &c  = out.case_data;
      if (!r.design.checked)
        return {};
      ev.mesh_size_mm      = c.mesh.size_mm;
      ev.fine_mesh_size_mm = refinement_factor * c.mesh.size_mm;
      if (!c.criteria.convergence_check)
        {
          ev.state = ConvergenceEvidence::State::off;
          return {};
        }
      std::vector<unsigned> which;
      for (unsigned i = 0; i < r.load_cases.size(); ++i)
        if (r.load_cases[i].max_utilization > near_limit)
          which.push_back(i);
      if (which.empty())
        {
          ev.state = ConvergenceEvidence::State::not_needed;
          char text[80];
          std::snprintf(text, sizeof text, "every load case's utilization is at most %.2g",
                        near_limit);
          ev.note = text;
        }
      return which;
    }

    // The SPMD run (several processes, `follower`: not rank 0): rank 0 alone post-processes, and
    // says which load cases the others re-solve with it.
    void check_convergence(RunOutcome &out, const RunOptions &options, StageLog &log, bool together,
                           bool follower)
    {
      std::vector<unsigned> which;
      if (!follower)
        which = convergence_cases(out);
      if (together)
        {
          long count = static_cast<long>(which.size());
          from_rank0(count);
          which.resize(static_cast<std::size_t>(count));
          for (unsigned &i : which)
            {
              long v = i;
              from_rank0(v);
              i = static_cast<unsigned>(v);
            }
        }
      if (which.empty())
        return;
      const Case &c    = out.case_data;
      Case        fine = c;
      fine.load_cases.clear();
      for (unsigned i : which)
        fine.load_cases.push_back(c.load_cases[i]);
      const double fine_mesh_size_mm  = refinement_factor * c.mesh.size_mm;
      fine.mesh.size_mm               = fine_mesh_size_mm;
      fine.criteria.convergence_check = false;
      // The evidence is about the stresses: no buckling or vibration on the finer mesh.
      fine.modal.reset();
      for (auto &lc : fine.load_cases)
        lc.buckling_modes = 0;
      fine.mesh.max_angle_rad *= refinement_factor;
      for (auto &p : fine.parts)
        if (p.mesh_size)
          *p.mesh_size *= refinement_factor;
      std::string names;
      for (const auto &lc : fine.load_cases)
        names += (names.empty() ? "" : ", ") + lc.name;
      char line[200];
      std::snprintf(line, sizeof line,
                    "convergence: re-solving at mesh.size %.1f mm: ", fine.mesh.size_mm);
      log.message(line + names);
      std::unique_ptr<RunOutcome> refined;
      ResultData                 *r  = out.results.get();
      ConvergenceEvidence        *ev = r ? &r->convergence : nullptr;
      try
        {
          refined = std::make_unique<RunOutcome>(run_case(fine, options, log));
        }
      catch (const ModelError &e)
        {
          if (ev)
            {
              ev->state = ConvergenceEvidence::State::not_possible;
              ev->note  = e.what();
            }
          return;
        }
      if (follower)
        return;
      ev->state = ConvergenceEvidence::State::checked;
      for (unsigned k = 0; k < which.size(); ++k)
        {
          const LoadCaseResult &a = r->load_cases[which[k]];
          const LoadCaseResult &b = refined->results->load_cases[k];
          ConvergenceCheck      cc;
          cc.load_case   = a.name;
          cc.coarse      = a.max_utilization;
          cc.fine        = b.max_utilization;
          cc.change      = (cc.fine - cc.coarse) / cc.coarse;
          cc.part        = b.max_utilization_part;
          cc.location_mm = b.max_utilization_location_mm;
          cc.singular    = cc.change > convergence_tolerance;
          ev->cases.push_back(cc);
        }
    }
  } // namespace

  RunOutcome run_case(const Case &c, const RunOptions &options, StageLog &log)
  {
    check_model_size(c, run_bytes_per_dof, options.memory_limit_bytes, log, true);
    if (options.threads > 0)
      {
        dealii::MultithreadInfo::set_thread_limit(options.threads);
        set_blas_threads(options.threads);
      }
    RunOutcome out;
    out.case_data = c;
    {
      StageLog::Scope t(log, "mesh");
      out.model = build_model(out.case_data);
    }
    SolverOptions solver;
    solver.memory_limit_bytes = options.memory_limit_bytes;
    solver.ordering_cache     = options.ordering_cache;
    solver.reuse_structure    = options.reuse_structure;
    solver.linear_solver      = options.linear_solver;
    // Under mpirun every process runs this (the SPMD run): the solve together, the stresses of
    // each process's band of cells, then rank 0 alone goes on with the post-processing (the
    // others only follow its convergence check); their outcome has no results.
    const MpiWorld &world = mpi_world();
    solver.together       = world.size > 1;
    const bool follower   = solver.together && world.rank > 0;
    out.together          = solver.together;
    out.solution          = solve_load_cases(*out.model, out.case_data, log, solver);
    // Each process works the stresses of its band of cells from rank 0's displacements (the
    // iterative solver's solves are rank 0's), where every process has the model's DoFs and
    // load cases; else rank 0 works them all.
    // (LIGHTBODY_SPREAD_POST=0, bench/mpi_benchmark.py --post-peer only: rank 0 computes every
    // band, as before the stresses were spread.)
    static const bool spread_post = [] {
      const char *given = std::getenv("LIGHTBODY_SPREAD_POST");
      return !given || std::string(given) != "0";
    }();
    const bool spread = solver.together && spread_post &&
                        same_on_every_process(out.solution->dof_handler.n_dofs()) &&
                        same_on_every_process(out.solution->load_cases.size());
    if (spread)
      {
        log.message("the stresses computed by the " + std::to_string(world.size) +
                    " processes, each its band of cells");
        for (LoadCaseSolution &l : out.solution->load_cases)
          {
            if (follower)
              l.displacement.reinit(out.solution->dof_handler.n_dofs());
            from_rank0(l.displacement.data(), l.displacement.size());
          }
      }
    std::exception_ptr failure;
    try
      {
        StageLog::Scope t(log, "post");
        if (spread || !follower)
          out.results = compute_results(*out.solution, out.case_data, spread);
        if (out.together && !follower)
          out.results->field_file_extension = ".pvtu";
      }
    catch (...)
      {
        failure = std::current_exception();
      }
    if (solver.together)
      {
        long failed = failure ? 1 : 0;
        from_rank0(failed);
        if (failed && follower)
          throw ModelError("stopped: process 0 failed");
      }
    if (failure)
      std::rethrow_exception(failure);
    check_convergence(out, options, log, solver.together, follower);
    if (!follower)
      out.results->verdict = make_verdict(*out.results, out.case_data);
    return out;
  }

  namespace
  {
    // The SPMD run's point-field files: each process writes the piece of its band of cells
    // (pieces/<file>_<rank>.vtu, with the cells around it as ghost cells) and rank 0 the
    // <file>.pvtu that records them. Rank 0 sends the folder it writes into, then each file's
    // name and fields; an empty message ends (or, as the folder, means nothing is written).
    const std::string pieces_folder = "pieces";

    class PieceWriter
    {
    public:
      // nodes: the scalar quadratic numbering (rank 0's Results::node_handler); null: made here,
      // the same numbering.
      PieceWriter(const Model &model, const fs::path &dir,
                  const dealii::DoFHandler<3> *nodes = nullptr)
        : model_(model), dir_(dir), rank_(mpi_world().rank), processes_(mpi_world().size)
      {
        if (!nodes)
          {
            own_nodes_ = std::make_unique<dealii::DoFHandler<3>>(model.triangulation);
            own_nodes_->distribute_dofs(fe_);
          }
        nodes_ = nodes ? nodes : own_nodes_.get();
        const auto [first, last] =
          cell_share(model.triangulation.n_active_cells(), rank_, processes_);
        band_ = {first, last};
      }
      // This process's piece of file `stem` (fields: the fields, or the message that holds
      // them); a failure is kept for the end, the messages still taken.
      template <class Fields>
      void write(const std::string &stem, const Fields &fields)
      {
        if (failure_)
          return;
        try
          {
            if constexpr (std::is_same_v<Fields, VtuFields>)
              write_vtu(model_, *nodes_, fields, (dir_ / piece(stem, rank_)).string(), &band_);
            else
              write_vtu(model_, *nodes_, deserialise(fields), (dir_ / piece(stem, rank_)).string(),
                        &band_);
          }
        catch (...)
          {
            failure_ = std::current_exception();
          }
      }
      // Rank 0: the file's fields to the others, its own piece and the record.
      void send(const std::string &stem, const VtuFields &f)
      {
        std::string message = stem + '\n' + serialise(f);
        from_rank0(message);
        write(stem, f);
        std::vector<std::string> pieces;
        for (int r = 0; r < processes_; ++r)
          pieces.push_back(piece(stem, r));
        write_pvtu(f, pieces, (dir_ / (stem + ".pvtu")).string());
      }
      // The others: the files rank 0 sends, until the empty message.
      void receive()
      {
        for (std::string message; from_rank0(message), !message.empty(); message.clear())
          {
            const auto end = message.find('\n');
            write(message.substr(0, end), message.substr(end + 1));
          }
      }
      // The end of the files (rank 0: the empty message); throws if a process failed.
      void finish()
      {
        if (rank_ == 0)
          {
            std::string end;
            from_rank0(end);
          }
        const bool all = every_process(!failure_);
        if (failure_)
          std::rethrow_exception(failure_);
        if (!all)
          throw std::runtime_error("another process could not write its piece of the .vtu files "
                                   "into " +
                                   dir_.string() +
                                   " (the result folder must be on a "
                                   "file system all processes of the launch share)");
      }

    private:
      static std::string piece(const std::string &stem, int rank)
      {
        return pieces_folder + "/" + stem + "_" + std::to_string(rank) + ".vtu";
      }
      const Model                           &model_;
      fs::path                               dir_;
      dealii::FE_Q<3>                        fe_{2};
      std::unique_ptr<dealii::DoFHandler<3>> own_nodes_;
      const dealii::DoFHandler<3>           *nodes_;
      int                                    rank_, processes_;
      CellBand                               band_;
      std::exception_ptr                     failure_;
    };
  } // namespace

  void write_result_pieces(const RunOutcome &outcome)
  {
    std::string dir;
    from_rank0(dir);
    if (dir.empty())
      return; // (rank 0 writes no point fields, or could not start)
    PieceWriter pieces(*outcome.model, dir);
    pieces.receive();
    try
      {
        pieces.finish();
      }
    catch (...)
      {
        // (rank 0 reports that this process failed)
      }
  }

  void check_shared_result_folder(const std::string &out_dir)
  {
    const bool  leader = mpi_world().rank == 0;
    std::string probe  = leader ? make_sharing_probe(out_dir) : std::string();
    from_rank0(probe);
    std::error_code ec;
    const bool      seen = probe.empty() || std::filesystem::is_directory(probe, ec);
    const bool      all  = every_process(seen);
    if (leader)
      remove_sharing_probe(probe);
    if (all)
      return;
    const std::string where = std::filesystem::path(probe).parent_path().string();
    throw OutputFolderError(
      "--out " + out_dir + ": " +
      (seen ? std::string("another process of the launch")
            : "this process (rank " + std::to_string(mpi_world().rank) + ")") +
      " does not see the folder \"" + where +
      "\" that rank 0 writes the result beside (a folder rank 0 made there is not there for it): "
      "each process writes its pieces of the .vtu files into the result folder, so it must be on "
      "a file system all processes of the launch share; give --out such a folder (or "
      "--output summary: rank 0 alone writes); nothing was written");
  }

  void check_field_names(const std::vector<std::string> &fields)
  {
    const auto &known = result_field_names();
    for (const auto &f : fields)
      if (std::none_of(known.begin(), known.end(), [&](const std::string &k) {
            return name_matches(f, k) || name_matches(k, f);
          }))
        {
          std::string list;
          for (const auto &k : known)
            list += (list.empty() ? "" : ", ") + k;
          throw std::invalid_argument("--fields: \"" + f +
                                      "\" names no result field (fields: " + list + ")");
        }
  }

  void write_results(const RunOutcome &outcome, const StageLog &log, const std::string &out_dir,
                     const std::string &renderer, OutputLevel level,
                     const std::vector<std::string> &fields)
  {
    using Clock = std::chrono::steady_clock;
    auto since  = [](Clock::time_point t) {
      return std::chrono::duration<double>(Clock::now() - t).count();
    };
    // The SPMD run: every process writes its piece of each point-field file; the others learn
    // where (or that nothing is written) before anything can fail here.
    const bool pieces = outcome.together && level != OutputLevel::summary;
    bool       told   = false;
    try
      {
        write_folder_atomically(out_dir, outcome.case_data.input_files, [&](const fs::path &tmp) {
          const Results &r          = *outcome.results;
          StageLog       timed      = log;
          const char    *no_picture = level == OutputLevel::summary
                                        ? "no picture (--output summary: no .vtu files either)"
                                        : "no picture (--output fields)";
          auto           vtu        = [&](unsigned i) {
            return tmp / (file_stem(r.load_cases[i].name) + r.field_file_extension);
          };

          // The governing load case (for report.md's picture) and the lowest buckling mode.
          const int gov    = governing_load_case(r);
          int       lowest = -1;
          for (unsigned i = 0; i < r.load_cases.size(); ++i)
            if (!r.load_cases[i].buckling.load_factors.empty() &&
                (lowest < 0 || r.load_cases[i].buckling.load_factors[0] <
                                 r.load_cases[lowest].buckling.load_factors[0]))
              lowest = static_cast<int>(i);
          // The pictures are rendered from the .vtu files (`full` only): each starts as soon as its
          // file is written, in another process, while the remaining files are written.
          const FieldSelection  selection{fields};
          Picture               picture, buckling;
          std::future<Picture>  picture_job, buckling_job;
          std::vector<unsigned> order;
          for (int first : {gov, lowest})
            if (first >= 0 && std::find(order.begin(), order.end(), first) == order.end())
              order.push_back(static_cast<unsigned>(first));
          for (unsigned i = 0; i < r.load_cases.size(); ++i)
            if (std::find(order.begin(), order.end(), i) == order.end())
              order.push_back(i);
          const auto picture_start  = Clock::now();
          double     fields_s       = 0;
          auto       start_pictures = [&](unsigned written) {
            if (level != OutputLevel::full)
              return;
            if (gov >= 0 && written == static_cast<unsigned>(gov))
              {
                const auto &g = r.load_cases[gov];
                const Vec3  spot =
                  r.design.checked ? g.max_utilization_location_mm : g.max_von_mises_location_mm;
                picture_job = std::async(std::launch::async, [&, spot] {
                  return render_picture(renderer, vtu(gov).string(),
                                              (tmp / (file_stem(g.name) + "_von_mises.png")).string(),
                                              outcome.case_data.name + ": " + g.name, &spot);
                });
              }
            if (lowest >= 0 && written == static_cast<unsigned>(lowest))
              {
                const auto &b = r.load_cases[lowest].buckling;
                char        title[300];
                std::snprintf(title, sizeof title, "%s: %s, buckling mode 1, load factor %.3g",
                                    outcome.case_data.name.c_str(), r.load_cases[lowest].name.c_str(),
                                    b.load_factors[0]);
                buckling_job = std::async(std::launch::async, [&, title = std::string(title)] {
                  return render_picture(
                          renderer, vtu(lowest).string(),
                          (tmp / (file_stem(r.load_cases[lowest].name) + "_buckling_mode_1.png"))
                            .string(),
                          title, &b.peaks[0].location_mm, 120, "buckling_mode_1");
                });
              }
          };
          if (level != OutputLevel::summary)
            {
              // The pictures need their case's von Mises stress and buckling mode.
              FieldSelection with_pictures = selection;
              if (!fields.empty() && level == OutputLevel::full)
                with_pictures.patterns.insert(
                  with_pictures.patterns.end(),
                  {"von_mises_MPa", "displacement_mm", "buckling_mode_1"});
              auto selected = [&](unsigned i) {
                return static_cast<int>(i) == gov || static_cast<int>(i) == lowest ? with_pictures
                                                                                   : selection;
              };
              const auto start = Clock::now();
              if (pieces)
                {
                  fs::create_directory(tmp / pieces_folder);
                  std::string dir = tmp.string();
                  from_rank0(dir);
                  told = true;
                  PieceWriter writer(*outcome.model, tmp, &r.node_handler);
                  try
                    {
                      for (unsigned i : order)
                        writer.send(file_stem(r.load_cases[i].name),
                                    load_case_fields(r, i, selected(i)));
                      if (r.modal)
                        writer.send("modal", modal_fields(r));
                    }
                  catch (...)
                    {
                      try
                        {
                          writer.finish();
                        }
                      catch (...)
                        {
                        }
                      throw;
                    }
                  writer.finish();
                  // (the pictures read the pieces: they start when all are written)
                  for (unsigned i : order)
                    start_pictures(i);
                }
              else
                {
                  for (unsigned i : order)
                    {
                      write_vtu(r, i, vtu(i).string(), selected(i));
                      start_pictures(i);
                    }
                  if (r.modal)
                    write_modal_vtu(r, (tmp / "modal.vtu").string());
                }
              write_pvd(r, (tmp / "results.pvd").string());
              fields_s = since(start);
              timed.record("write_fields", fields_s);
            }
          // The exact case as run and the program that ran it, for anyone who finds the folder.
          write_text_file(tmp / "case.yaml", "# lightbody " + std::string(version) + ", from " +
                                               outcome.case_data.file +
                                               " with overrides applied\n" +
                                               outcome.case_data.effective_yaml + "\n");
          if (picture_job.valid())
            picture = picture_job.get();
          else if (gov >= 0)
            {
              picture.message = no_picture;
              picture.fields  = level == OutputLevel::fields;
            }
          if (buckling_job.valid())
            buckling = buckling_job.get();
          else if (lowest >= 0)
            buckling.message = no_picture;
          if (level == OutputLevel::full && (gov >= 0 || lowest >= 0))
            timed.record("picture", since(picture_start));
          write_report_json(r, outcome.case_data, timed, picture, (tmp / "report.json").string(),
                            lowest >= 0 ? &buckling : nullptr);
          write_report_md(r, outcome.case_data, picture, (tmp / "report.md").string(),
                          lowest >= 0 ? &buckling : nullptr);
        });
      }
    catch (...)
      {
        if (pieces && !told)
          {
            std::string nothing;
            from_rank0(nothing);
          }
        throw;
      }
  }

  MeshQuality mesh_case(const Case &c, const std::string &out_dir, StageLog &log)
  {
    check_model_size(c, mesh_bytes_per_dof, 0, log);
    std::unique_ptr<Model> model;
    {
      StageLog::Scope t(log, "mesh");
      model = build_model(c);
    }
    MeshQuality q = mesh_quality(*model);
    q.warnings    = model->warnings;
    StageLog::Scope t(log, "write");
    write_folder_atomically(out_dir, c.input_files, [&](const fs::path &tmp) {
      write_mesh_view(*model, c, q, tmp.string());
      write_text_file(tmp / "case.yaml", "# lightbody " + std::string(version) + ", from " +
                                           c.file + " with overrides applied\n" + c.effective_yaml +
                                           "\n");
    });
    return q;
  }

  std::string export_ccx(const Case &c, const std::string &out_dir, StageLog &log)
  {
    check_model_size(c, mesh_bytes_per_dof, 0, log);
    std::unique_ptr<Model> model;
    {
      StageLog::Scope t(log, "mesh");
      model = build_model(c);
    }
    const std::string deck = file_stem(c.name) + ".inp";
    StageLog::Scope   t(log, "write");
    write_folder_atomically(out_dir, c.input_files, [&](const fs::path &tmp) {
      write_ccx_deck(*model, c, (tmp / deck).string());
      write_text_file(tmp / "case.yaml", "# lightbody " + std::string(version) + ", from " +
                                           c.file + " with overrides applied\n" + c.effective_yaml +
                                           "\n");
    });
    return (fs::path(out_dir) / deck).string();
  }
} // namespace lightbody
