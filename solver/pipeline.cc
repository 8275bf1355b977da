#include "solver/pipeline.h"

#include "lightbody/version.h"
#include "meshes/model.h"
#include "post/mesh_view.h"
#include "post/results.h"
#include "post/writers.h"
#include "solver/cholmod_factor.h"
#include "solver/elastic_problem.h"

#include <deal.II/base/multithread_info.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace lightbody
{
  namespace fs = std::filesystem;

  RunOutcome::RunOutcome()                      = default;
  RunOutcome::~RunOutcome()                     = default;
  RunOutcome::RunOutcome(RunOutcome &&) noexcept = default;

  RunOutcome run_case(const Case &c, const RunOptions &options, StageLog &log)
  {
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
    out.solution = solve_load_cases(*out.model, out.case_data, log, solver);
    {
      StageLog::Scope t(log, "post");
      out.results = compute_results(*out.solution, out.case_data);
    }
    return out;
  }

  void write_folder_atomically(const std::string                            &out_dir,
                               const std::function<void(const fs::path &)> &write)
  {
    const fs::path target = fs::absolute(fs::path(out_dir)).lexically_normal();
    const fs::path parent = target.parent_path();
    fs::create_directories(parent);
    const std::string prefix = "." + target.filename().string() + ".partial-";
    const fs::path    tmp    = parent / (prefix + std::to_string(getpid()));
    // Left-overs of runs that were killed while writing (their process is gone).
    for (const auto &e : fs::directory_iterator(parent))
      {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0)
          continue;
        const long pid = std::atol(name.c_str() + prefix.size());
        if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
          fs::remove_all(e.path());
      }
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    try
      {
        write(tmp);
      }
    catch (...)
      {
        fs::remove_all(tmp);
        throw;
      }
    // Swap in atomically: with an existing folder the two are exchanged in one step (the old
    // results now sit in the temporary name and are removed); at no moment is the target missing
    // or half written.
    if (fs::exists(target))
      {
        if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
          throw std::runtime_error("cannot replace " + target.string() + ": " +
                                   std::strerror(errno));
        fs::remove_all(tmp);
      }
    else
      fs::rename(tmp, target);
  }

  void write_results(const RunOutcome &outcome, const StageLog &log, const std::string &out_dir,
                     const std::string &renderer)
  {
    write_folder_atomically(out_dir, [&](const fs::path &tmp) {
      const Results &r = *outcome.results;
      for (unsigned i = 0; i < r.load_cases.size(); ++i)
        write_vtu(r, i, (tmp / (file_stem(r.load_cases[i].name) + ".vtu")).string());
      write_pvd(r, (tmp / "results.pvd").string());
      // The exact case as run and the program that ran it, for anyone who finds the folder.
      std::ofstream(tmp / "case.yaml") << "# lightbody " << version << ", from "
                                       << outcome.case_data.file << " with overrides applied\n"
                                       << outcome.case_data.effective_yaml << "\n";
      // The picture of the governing load case, for report.md.
      Picture   picture;
      const int gov = governing_load_case(r);
      if (gov >= 0)
        {
          const auto        &g    = r.load_cases[gov];
          const std::string  name = file_stem(g.name);
          const Vec3 spot = r.design.checked ? g.max_utilization_location_mm : g.max_von_mises_location_mm;
          picture = render_picture(renderer, (tmp / (name + ".vtu")).string(),
                                   (tmp / (name + "_von_mises.png")).string(),
                                   outcome.case_data.name + ": " + g.name, &spot);
        }
      write_report_json(r, outcome.case_data, log, picture, (tmp / "report.json").string());
      write_report_md(r, outcome.case_data, picture, (tmp / "report.md").string());
    });
  }

  MeshQuality mesh_case(const Case &c, const std::string &out_dir, StageLog &log)
  {
    std::unique_ptr<Model> model;
    {
      StageLog::Scope t(log, "mesh");
      model = build_model(c);
    }
    const MeshQuality q = mesh_quality(*model);
    StageLog::Scope   t(log, "write");
    write_folder_atomically(out_dir, [&](const fs::path &tmp) {
      write_mesh_view(*model, c, q, tmp.string());
      std::ofstream(tmp / "case.yaml") << "# lightbody " << version << ", from " << c.file
                                       << " with overrides applied\n"
                                       << c.effective_yaml << "\n";
    });
    return q;
  }
} // namespace lightbody
