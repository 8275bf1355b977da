#include "solver/elastic_problem.h"

#include "solver/cell_lines.h"
#include "solver/cholmod_factor.h"
#include "solver/condensed_assembly.h"
#include "solver/distributed_factor.h"
#include "solver/eigen_analysis.h"
#include "solver/fingerprint.h"
#include "solver/iterative_solver.h"
#include "input/errors.h"
#include "solver/loads.h"
#include "solver/shell_element.h"
#include "solver/supports.h"
#include "solver/ties.h"

#include <deal.II/base/multithread_info.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/work_stream.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <tuple>
#include <cstdlib>
#include <fstream>
#include <list>
#include <map>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  Solution::Solution(const Model &m) : model(m), fe(FE_Q<3>(2), 3), dof_handler(m.triangulation) {}

  namespace
  {
    constexpr unsigned cell_dofs = ShellStrains::n_cell_dofs; // displacement DoFs of a cell

    // Element stiffness of the solid-shell (solver/shell_element.h), isotropic linear
    // elasticity, integrated with the 3 x 3 x 3 Gauss rule.
    class ElementStiffness
    {
    public:
      // straight: by active cell, whether its through-thickness lines are held straight
      // (mesh.fibres; empty: none is), its constant transverse shear then taking the shear
      // correction factor 5/6 (the energy of the parabolic shear stress that carries the same
      // shear force).
      ElementStiffness(const Model &model, const std::vector<bool> &straight)
        : model_(model), strains_(model, QGauss<3>(3)), straight_(straight)
      {
      }

      // Returns the smallest JxW: a non-positive value is an inverted element.
      double compute(const Triangulation<3>::cell_iterator &cell, FullMatrix<double> &K)
      {
        const double    min_jxw  = strains_.reinit(cell);
        const Material &m        = model_.parts[cell->material_id()].material;
        const bool      straight = !straight_.empty() && straight_[cell->active_cell_index()];
        strains_.stiffness(m.lame_lambda(), m.lame_mu(), K, straight ? 5.0 / 6.0 : 1.0);
        return min_jxw;
      }

    private:
      const Model             &model_;
      ShellStrains             strains_;
      const std::vector<bool> &straight_;
    };

    struct CopyData
    {
      FullMatrix<double>                   K{cell_dofs, cell_dofs};
      std::vector<types::global_dof_index> dofs = std::vector<types::global_dof_index>(cell_dofs);
      double                               min_jxw = 1;
      unsigned                             cell    = 0;
    };

    // The matrix structures of the last runs in this process that kept theirs
    // (reuse_structure): up to four, for a point's static, modal and convergence-check
    // structures, by the fingerprint of their DoFs and constraints, most recent first.
    class KeptStructures
    {
    public:
      std::shared_ptr<const SparsityPattern> find(uint64_t fingerprint)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto it = kept_.begin(); it != kept_.end(); ++it)
          if (it->first == fingerprint)
            {
              kept_.splice(kept_.begin(), kept_, it);
              return kept_.front().second;
            }
        return nullptr;
      }
      void keep(uint64_t fingerprint, std::shared_ptr<const SparsityPattern> pattern)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        kept_.emplace_front(fingerprint, std::move(pattern));
        if (kept_.size() > 4)
          kept_.pop_back();
      }

    private:
      std::mutex                                                             mutex_;
      std::list<std::pair<uint64_t, std::shared_ptr<const SparsityPattern>>> kept_;
    };
    KeptStructures &kept_structures()
    {
      static KeptStructures kept;
      return kept;
    }

    std::string point_text(const Point<3> &p)
    {
      std::ostringstream s;
      s.precision(1);
      s << std::fixed << "(" << p[0] << ", " << p[1] << ", " << p[2] << ") mm";
      return s.str();
    }

    // A wall 5000 times thinner than the body loses its stiffness to round-off (a 0.001 mm
    // plate of 300 mm: its clamped edge, 0.001 mm deep, holds no rotation in double precision;
    // the twisted beam of MacNeal and Harder 0.001 thick and 12 long, 24 x 4 elements, is
    // singular, 12 x 2 balances its loads to 1.2 only): the messages of a body that is not held
    // say so beside the usual causes.
    std::string thin_wall_hint(const Model &model)
    {
      const PartMesh *thinnest = nullptr;
      for (const auto &p : model.parts)
        if (p.thickness > 0 && (!thinnest || p.thickness < thinnest->thickness))
          thinnest = &p;
      if (!thinnest || !(model.size > 5e3 * thinnest->thickness))
        return "";
      char sizes[120];
      std::snprintf(sizes, sizeof sizes, "%g mm against a body of %.0f mm", thinnest->thickness,
                    model.size);
      return "; or part \"" + thinnest->name + "\" is too thin for the body (" + sizes +
             "): its stiffness is lost in round-off; check its thickness";
    }

    class ElasticProblem
    {
    public:
      ElasticProblem(const Model &model, const Case &c, StageLog &log, const SolverOptions &options)
        : model_(model), case_(c), log_(log), options_(options),
          solution_(std::make_unique<Solution>(model)),
          together_(options.together && distributed_processes() > 1), rank_(distributed_rank())
      {
      }

      // The SPMD run (together_): every process runs these same steps, each collective call
      // made by all. Where rank 0 goes on alone (the iterative solver, chosen or taken when the
      // shared factor would not fit), the others serve its commands and leave here.
      std::unique_ptr<Solution> run()
      {
        if (!together_)
          return run_sets();
        try
          {
            if (options_.linear_solver == LinearSolver::iterative)
              go_on_alone();
            auto s = run_sets();
            release_servers(0);
            return s;
          }
        catch (const HandedOver &)
          {
            return std::move(solution_);
          }
        catch (...)
          {
            release_servers(1);
            throw;
          }
      }

    private:
      std::unique_ptr<Solution> run_sets()
      {
        setup_system();
        assemble_loads();
        // Load cases held by the same supports share one factor; each set is solved in turn.
        std::map<std::vector<unsigned>, std::vector<unsigned>> sets;
        for (unsigned i = 0; i < case_.load_cases.size(); ++i)
          sets[support_set(case_.load_cases[i])].push_back(i);
        solution_->support_sets = sets.size();
        unsigned k              = 0;
        for (const auto &[supports, cases] : sets)
          {
            if (sets.size() > 1)
              {
                std::string names;
                for (unsigned i : supports)
                  names += (names.empty() ? "" : ", ") + solution_->supports[i].name;
                log_.message("support set " + std::to_string(++k) + " of " +
                             std::to_string(sets.size()) + ": " + names);
              }
            active_       = supports;
            active_cases_ = cases;
            for (unsigned i : cases)
              solution_->load_cases[i].supports = supports;
            build_constraints();
            assemble_system();
            factorise();
            solve();
            buckling();
            compute_reactions();
          }
        if (case_.modal)
          vibration();
        return std::move(solution_);
      }

      const Model                           &model_;
      const Case                            &case_;
      StageLog                              &log_;
      SolverOptions                          options_;
      std::unique_ptr<Solution>              solution_;
      std::shared_ptr<const SparsityPattern> sparsity_;
      SparseMatrix<double>                   stiffness_;
      std::unique_ptr<SparseCholesky>        cholesky_;
      std::unique_ptr<DistributedCholesky>   distributed_; // under mpirun: MUMPS over the ranks
      std::unique_ptr<IterativeSolver>       iterative_;   // CG with algebraic multigrid
      std::vector<types::global_dof_index>   line_order_;  // its DoF numbering: new -> old
      AffineConstraints<double>              constraints_;
      // The ties' and straight fibres' constraints as made (before close(), which folds a
      // supported master into the inhomogeneity): DoF, then its masters; for the reactions.
      std::vector<
        std::pair<types::global_dof_index, std::vector<std::pair<types::global_dof_index, double>>>>
                                 chains_;
      std::vector<bool>          straight_cells_; // by active cell: its centre line is straight
      std::vector<Point<3>>      support_points_;
      std::vector<unsigned char> component_;
      std::vector<unsigned>      active_;        // supports of the set being solved
      std::vector<unsigned>      active_cases_;  // its load cases
      Vector<double>             lifting_;       // -K g of prescribed displacements g
      std::vector<double>        diagonal_;      // |K_ii| of the set's matrix, for round_off_N
      bool                       modal_ = false; // the modal support set is being built
      // The SPMD run: every process of the launch runs this solve; `alone_`: rank 0 has gone on
      // alone (the others serve it). This process's cells, its share of the matrix (their sums)
      // while the processes assemble together, and the matrix of an eigen analysis (K_G or M)
      // spread over the processes.
      const bool                                       together_;
      const int                                        rank_;
      bool                                             alone_ = false;
      std::vector<DoFHandler<3>::active_cell_iterator> share_cells_;
      SparsityPattern                                  share_pattern_;
      SparseMatrix<double>                             share_;
      std::unique_ptr<DistributedCholesky>             eigen_matrix_;
      // Vibration: the shift s of K + s M, and (one process, or rank 0 alone) the mass matrix.
      double               shift_ = 0;
      SparseMatrix<double> serial_mass_;
      // The matrix spread over the processes from each one's share (collective).
      // (share is freed once read)
      std::unique_ptr<DistributedCholesky> shared_matrix(SparseMatrix<double> &share,
                                                         int                   index) const;
      // Rank 0's (or one process's) whole mass matrix of the modal set, added with the shift.
      void assemble_serial_mass();
      // The processes still work together (not rank 0 alone).
      bool lockstep() const { return together_ && !alone_; }
      // Thrown on ranks 1..N-1 when rank 0 has gone on alone and released them: their part of
      // the solve is over.
      struct HandedOver
      {
      };
      // From here on rank 0 works alone: it leads the others, which serve it until it releases
      // them (then HandedOver, or the ModelError of rank 0's failure).
      void go_on_alone()
      {
        alone_ = true;
        if (rank_ == 0)
          return lead_servers();
        follow(nullptr);
        throw HandedOver{};
      }
      // Ranks 1..N-1: serve rank 0 (the solves and products of `shared`, the products of
      // `others`) until it releases them; a failure of rank 0 (which reports it) stops them too.
      void follow(DistributedCholesky                      *shared,
                  const std::vector<DistributedCholesky *> &others = {})
      {
        if (serve_rank0(shared, others) != 0)
          throw ModelError("stopped: process 0 failed");
      }
      // Runs `work` on rank 0 while the others serve the shared factor's solves and products
      // (and those of `others`: an eigen analysis's matrices, eigen_matrix_ unless given).
      template <class Work>
      void on_rank0(Work work, std::vector<DistributedCholesky *> others = {})
      {
        if (!lockstep())
          return work();
        if (others.empty())
          others.push_back(eigen_matrix_.get());
        if (rank_ > 0)
          return follow(distributed_.get(), others);
        lead_servers();
        try
          {
            work();
          }
        catch (...)
          {
            release_servers(1);
            throw;
          }
        release_servers(0);
      }
      void factorise_together();
      // The numeric factorisation of the shared factor (distributed_) after its analysis, said
      // in the log (`how` the matrix was made); throws ModelError if it fails.
      void factorise_shared(double bytes, double analysis_seconds, const char *how);
      // The shared factor's analysis (begun at `start` with making the matrix) in the
      // statistics; returns MUMPS's memory estimate and the time.
      std::pair<double, double> analyse_shared(std::chrono::steady_clock::time_point start);

      std::vector<unsigned> support_set(const LoadCaseSpec &lc) const;
      // " in load cases a, b" when the case has more than one support set, for messages.
      std::string cases_text() const
      {
        if (solution_->support_sets < 2)
          return "";
        std::string names;
        for (unsigned i : active_cases_)
          names += (names.empty() ? "" : ", ") + solution_->load_cases[i].name;
        return " in load cases " + names;
      }
      void setup_system();
      void select_supports();
      void build_constraints();
      void apply_ties();
      void straight_fibres();
      void make_sparsity();
      void assemble_system();
      // A piece of an elastic support: a spring's 1 x 1 stiffness at one DoF, a bedding's face
      // matrix at the DoFs of the face's nodes.
      struct Spring
      {
        unsigned                             support; // index into case_.supports
        std::vector<types::global_dof_index> dofs;
        FullMatrix<double>                   k;
      };
      std::vector<Spring> springs_; // the active set's, as assembled, for their reactions
      std::vector<Spring> elastic_blocks() const;
      void                assemble_loads();
      void                check_rigid_body_modes() const;
      void                factorise();
      void                factorise_distributed();
      // The iterative solver instead of a factorisation; `why` is said in the log.
      void prepare_iterative(const std::string &why);
      // Solves K x = b in place with the iterative solver; throws ModelError if it does not
      // converge (`what` names the solve).
      void iterative_solve(double *b, double tolerance, const std::string &what) const;
      // The direct solver's factor would need `bytes`: "" if it fits in what may be used, else
      // (automatic choice) why the iterative solver is to be used, or a ModelError (direct solver
      // chosen). `extra` is the part of `bytes` an eigen analysis keeps.
      std::string too_large_for_direct(double bytes, double extra, const char *where) const;
      // (--max-memory is per process; without it, the processes of a launch on one machine
      // share what it has available)
      double memory_available() const { return memory_limit(options_.memory_limit_bytes); }
      // What this run may still add: the limit less what the process holds now (the machine's
      // available memory already leaves it out).
      double memory_left() const
      {
        return memory_available() -
               (options_.memory_limit_bytes > 0 ? resident_memory_bytes() : 0.0);
      }
      bool analyse_with_cache();
      bool analyse_with_ordering_cache(uint64_t fingerprint);
      void solve();
      void compute_reactions();
      void buckling();
      // The buckling analyses of `cases` side by side: on one process's CHOLMOD factor, or on the
      // factor shared by the processes (the SPMD run: rank 0's eigen solves in threads, each
      // step's solves of all of them one solve phase of MUMPS).
      void buckling_together(const std::vector<unsigned> &cases);
      // The SPMD run: each process's share of K_G of load case l spread over the processes, the
      // servers' matrix `index` (collective); `range` the stresses over all processes.
      std::unique_ptr<DistributedCholesky>
      shared_geometric_stiffness(const LoadCaseSolution &l, int index, StressRange &range) const;
      // At most this many buckling analyses side by side (memory: each its K_G and basis).
      static constexpr std::size_t together_buckling = 4;
      // Whether a support set's buckling analyses may run side by side
      // (LIGHTBODY_BUCKLING_TOGETHER=0, bench/buckling_benchmark.py --side-by-side only: one
      // after the other).
      static bool side_by_side()
      {
        static const bool together = [] {
          const char *given = std::getenv("LIGHTBODY_BUCKLING_TOGETHER");
          return !given || std::string(given) != "0";
        }();
        return together;
      }
      // Whether the SPMD run's eigen analyses spread their Lanczos bases over the processes
      // (LIGHTBODY_SPREAD_BASIS=0, bench/mpi_benchmark.py --basis-peer only: whole on rank 0).
      static bool spread_basis()
      {
        static const bool spread = [] {
          const char *given = std::getenv("LIGHTBODY_SPREAD_BASIS");
          return !given || std::string(given) != "0";
        }();
        return spread;
      }
      // How many eigen analyses the SPMD run makes at once on the shared factor: the set's
      // buckling analyses side by side (at most four; rank 0's threads ask for the solves, which
      // needs MPI's serialized threads), else one.
      std::size_t shared_eigen_group() const
      {
        if (modal_ || !side_by_side() || !distributed_threads())
          return 1;
        return std::clamp<std::size_t>(buckling_cases().size(), 1, together_buckling);
      }
      // What rank 0 chose for the set (factorise_together: shared_eigen_group where its memory
      // allows, else 1; the same on every process).
      std::size_t eigen_group_ = 1;
      // The set's load cases with a buckling analysis.
      std::vector<unsigned> buckling_cases() const
      {
        std::vector<unsigned> cases;
        for (unsigned i : active_cases_)
          if (case_.load_cases[i].buckling_modes > 0)
            cases.push_back(i);
        return cases;
      }
      // How many buckling analyses run side by side: the run's threads, at most four.
      static std::size_t buckling_group()
      {
        return std::clamp<std::size_t>(MultithreadInfo::n_threads(), 1, together_buckling);
      }
      // What the set's buckling analyses hold beside the factor (those made at once).
      double buckling_bytes() const
      {
        return static_cast<double>(std::min(buckling_cases().size(), buckling_group())) *
               GeometricStiffness::analysis_bytes(model_.triangulation.n_active_cells(),
                                                  solution_->statistics.dofs, eigen_modes());
      }
      // The most modes an eigen analysis of the set asks for (0: none).
      unsigned eigen_modes() const
      {
        if (modal_)
          return case_.modal->modes;
        unsigned modes = 0;
        for (unsigned i : buckling_cases())
          modes = std::max(modes, case_.load_cases[i].buckling_modes);
        return modes;
      }
      void log_buckling(const LoadCaseSolution &l, bool compression,
                        const std::string &solver_note);
      // How far an eigen analysis has come, said every options_.progress_seconds while it runs
      // ("<what>: 120 products, 2 of 3 modes converged, 63 s"; from the thread that runs it).
      EigenProgress eigen_progress(const std::string &what, unsigned modes) const
      {
        using clock        = std::chrono::steady_clock;
        const double every = options_.progress_seconds;
        if (!(every >= 0))
          return {};
        const auto start = clock::now();
        return [this, what, modes, every, start, last = start](unsigned products,
                                                               unsigned converged) mutable {
          const auto now = clock::now();
          if (std::chrono::duration<double>(now - last).count() < every)
            return;
          last = now;
          char line[160];
          std::snprintf(line, sizeof(line), ": %u products, %u of %u modes converged, %.0f s",
                        products, converged, modes,
                        std::chrono::duration<double>(now - start).count());
          static std::mutex           one_line_at_a_time;
          std::lock_guard<std::mutex> lock(one_line_at_a_time);
          log_.message(what + line);
        };
      }
      void vibration();
      // B of an eigen analysis: `serial` (one process, or rank 0 alone), or products with the
      // matrix spread over the processes (eigen_matrix_).
      PencilMatrix pencil(const SparseMatrix<double> &serial) const
      {
        if (!lockstep())
          return PencilMatrix(serial);
        return PencilMatrix([this](const double *x, double *y) { eigen_matrix_->multiply(x, y); });
      }
      // Runs `factorise` (the numeric factorisation) and counts its time and `flops()` (asked
      // after it); one of more than 20 Gflop says its time and rate. Returns what it returned.
      template <class Factorise, class Flops>
      auto numeric_factorisation(Factorise factorise, Flops flops)
      {
        const auto   start  = std::chrono::steady_clock::now();
        const auto   result = factorise();
        const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        solution_->statistics.factor_seconds += seconds;
        solution_->statistics.factor_flops += flops();
        if (flops() > 2e10 && seconds > 0)
          {
            char line[120];
            std::snprintf(line, sizeof(line), "factorised in %.2f s (%.1f Gflop/s)", seconds,
                          1e-9 * flops() / seconds);
            log_.message(line);
          }
        return result;
      }
      // The factor of the set for the eigen solver.
      FactoredMatrix factored() const
      {
        FactoredMatrix f;
        f.n = solution_->dof_handler.n_dofs();
        if (distributed_)
          {
            f.solve         = [this](double *x) { distributed_->solve(x); };
            f.solve_columns = [this](double *x, std::size_t k) { distributed_->solve(x, k); };
            if (lockstep()) // (rank 0's, while the others serve: the matrix is theirs and its own)
              {
                f.multiply = [this](const double *x, double *y) { distributed_->multiply(x, y); };
                // (the Lanczos bases spread over the processes by the factor's rows)
                if (spread_basis())
                  f.basis = [this](long columns) {
                    return distributed_->lanczos_basis(columns, true);
                  };
              }
            else
              f.multiply = [this](const double *x, double *y) {
                PencilMatrix(stiffness_).vmult(x, y, stiffness_.m());
              };
          }
        else if (iterative_)
          {
            // The eigen solver takes the solves as exact: they are made tighter than a load
            // case's (a tenth of its residual: eigenvalues to 1e-7 of the direct solver's on the
            // plates of the tests).
            f.solve = [this](double *x) {
              iterative_solve(x, 0.1 * options_.iterative_tolerance, "the eigen analysis");
            };
            f.multiply = [this](const double *x, double *y) {
              PencilMatrix(stiffness_).vmult(x, y, stiffness_.m());
            };
          }
        else
          f.cholesky = cholesky_.get();
        return f;
      }
      // An eigen analysis follows the factorisation: the matrix structure is kept for it.
      bool keep_pattern() const { return modal_ || !buckling_cases().empty(); }
      // Whether K's structure stays beside the (CHOLMOD) factor for the eigen analysis's matrix:
      // the mass (K_G is the cells' matrices, GeometricStiffness: the default tank's 0.2 GB of
      // structure goes before its factor).
      bool keep_pattern_beside_factor() const { return modal_; }
    };

    void ElasticProblem::setup_system()
    {
      StageLog::Scope t(log_, "setup");
      Solution       &s = *solution_;
      s.dof_handler.distribute_dofs(s.fe);
      s.statistics.dofs = s.dof_handler.n_dofs();
      support_points_.resize(s.dof_handler.n_dofs());
      component_.resize(s.dof_handler.n_dofs());
      DoFTools::map_dofs_to_support_points(*model_.mapping, s.dof_handler, support_points_);
      std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(dofs);
          for (unsigned i = 0; i < dofs.size(); ++i)
            component_[dofs[i]] = s.fe.system_to_component_index(i).first;
        }
      select_supports();
      log_.message("model: " + std::to_string(model_.parts.size()) + " parts, " +
                   std::to_string(model_.joints.size()) + " joints, " +
                   std::to_string(model_.triangulation.n_active_cells()) + " elements, " +
                   std::to_string(s.statistics.dofs) + " DOFs");
    }

    std::vector<unsigned> ElasticProblem::support_set(const LoadCaseSpec &lc) const
    {
      std::vector<unsigned> set;
      for (unsigned i = 0; i < case_.supports.size(); ++i)
        if (lc.supports.empty() || std::find(lc.supports.begin(), lc.supports.end(),
                                             case_.supports[i].name) != lc.supports.end())
          set.push_back(i);
      for (const auto &name : lc.supports)
        if (std::none_of(case_.supports.begin(), case_.supports.end(),
                         [&](const SupportSpec &sp) { return sp.name == name; }))
          throw InputError(lc.where, "load_cases." + lc.name + ".supports",
                           "no support named \"" + name + "\"");
      return set;
    }

    // The nodes of every support, once.
    void ElasticProblem::select_supports()
    {
      Solution &s = *solution_;
      for (const auto &spec : case_.supports)
        {
          SupportDofs sd;
          sd.name    = spec.name;
          sd.elastic = spec.elastic();
          const std::vector<bool> selected =
            select_support(model_, s.dof_handler, support_points_, spec, case_);
          // Rigid supports hold their fixed components, elastic ones those with a stiffness.
          const Vec3 k = spec.bedding ? *spec.bedding : spec.spring ? *spec.spring : Vec3{0, 0, 0};
          for (std::size_t d = 0; d < selected.size(); ++d)
            if (selected[d] && (spec.elastic() ? k[component_[d]] > 0 : spec.fixed[component_[d]]))
              sd.dofs.push_back(d);
          if (sd.dofs.empty())
            throw InputError(spec.where, "supports." + spec.name,
                             "selects no nodes of the model (check the region against the "
                             "geometry)");
          if (std::string w =
                hinge_warning(model_, s.dof_handler, support_points_, spec, case_, selected);
              !w.empty())
            s.warnings.push_back(std::move(w));
          s.supports.push_back(std::move(sd));
        }
    }

    // Constraints of the active support set and the ties, and the matrix structure.
    void ElasticProblem::build_constraints()
    {
      StageLog::Scope t(log_, "setup");
      Solution       &s = *solution_;
      constraints_.clear();
      chains_.clear();
      straight_cells_.clear();
      for (unsigned i : active_)
        {
          const SupportSpec &spec = case_.supports[i];
          if (spec.elastic())
            continue;
          for (auto d : s.supports[i].dofs)
            if (!constraints_.is_constrained(d))
              {
                constraints_.add_line(d);
                if (!modal_ && spec.displacement && (*spec.displacement)[component_[d]] != 0)
                  constraints_.set_inhomogeneity(d, (*spec.displacement)[component_[d]]);
              }
        }
      apply_ties();
      if (case_.mesh.straight_fibres)
        straight_fibres();
      for (const auto &line : constraints_.get_lines())
        if (!line.entries.empty())
          chains_.emplace_back(line.index, line.entries);
      constraints_.close();

      // A part of a multi-part model that is neither joined nor supported would only show up as
      // a singular matrix: name it instead.
      if (model_.parts.size() > 1 && !(modal_ && case_.modal->free))
        {
          std::vector<bool> held(model_.parts.size(), false);
          for (const auto &j : model_.joints)
            for (unsigned p = 0; p < model_.parts.size(); ++p)
              if (model_.parts[p].name == j.part_a || model_.parts[p].name == j.part_b)
                held[p] = true;
          std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
          for (const auto &cell : s.dof_handler.active_cell_iterators())
            if (!held[cell->material_id()])
              {
                cell->get_dof_indices(dofs);
                for (auto d : dofs)
                  if (constraints_.is_constrained(d))
                    {
                      held[cell->material_id()] = true;
                      break;
                    }
              }
          for (unsigned p = 0; p < held.size(); ++p)
            if (!held[p])
              throw ModelError("part \"" + model_.parts[p].name +
                               "\" is joined to no other part and not supported; check that its "
                               "edges meet the neighbouring parts");
        }
      if (lockstep())
        {
          // Each process its share (assemble_system), also of an eigen analysis's matrix.
          sparsity_.reset();
          stiffness_.clear();
          return;
        }
      make_sparsity();
      stiffness_.reinit(*sparsity_);
      s.statistics.matrix_nonzeros = sparsity_->n_nonzero_elements();
    }

    // The matrix structure of the DoFs and constraints, or the one kept from an earlier run in
    // this process with the same (SolverOptions::reuse_structure).
    void ElasticProblem::make_sparsity()
    {
      Solution   &s = *solution_;
      Fingerprint f;
      if (options_.reuse_structure)
        {
          f.feed(s.dof_handler.n_dofs());
          std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
          for (const auto &cell : s.dof_handler.active_cell_iterators())
            {
              cell->get_dof_indices(dofs);
              for (auto d : dofs)
                f.feed(d);
            }
          for (const auto &line : constraints_.get_lines())
            {
              f.feed(line.index);
              f.feed(line.entries.size());
              for (const auto &e : line.entries)
                f.feed(e.first);
            }
          if ((sparsity_ = kept_structures().find(f.value)))
            {
              ++s.statistics.structures_reused;
              return;
            }
        }
      DynamicSparsityPattern dsp(s.dof_handler.n_dofs());
      DoFTools::make_sparsity_pattern(s.dof_handler, dsp, constraints_, false);
      auto pattern = std::make_shared<SparsityPattern>();
      pattern->copy_from(dsp);
      sparsity_ = pattern;
      if (options_.reuse_structure)
        kept_structures().keep(f.value, sparsity_);
    }

    // mesh.fibres straight: each through-thickness line of a single-layer part stays straight in
    // the wall's plane: its middle node moves with the line through its ends plus a stretch along
    // the line (the quadratic thickness change that keeps bending free of Poisson locking), two
    // constraints per middle node (the seven-parameter shell kinematics, Buechter, Ramm and
    // Roehl 1994). A middle node that a support or a tie holds, or that is not the middle of the
    // same line in every cell, keeps its three DoFs. A cell whose centre line is straight (a
    // line along a support or joint may not be) takes the shear correction (straight_cells_).
    void ElasticProblem::straight_fibres()
    {
      Solution                            &s = *solution_;
      const CellLines                      cell_lines(s.fe);
      std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
      const std::size_t                    nodes = s.dof_handler.n_dofs() / 3;
      auto                                 node  = [&](const CellLines::Line &line, unsigned k) {
        return static_cast<unsigned>(dofs[line[3 * k]] / 3);
      };
      // For each node: the two ends of its line when it is a middle node (the same in every
      // cell), or a mark that it is not.
      constexpr unsigned                   none = std::numeric_limits<unsigned>::max();
      std::vector<std::array<unsigned, 2>> ends(nodes, {{none, none}});
      std::vector<bool>                    excluded(nodes, false);
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          const unsigned index  = cell->active_cell_index();
          const bool     single = model_.parts[cell->material_id()].layers == 1;
          cell->get_dof_indices(dofs);
          for (const auto &line : cell_lines.along(model_.thickness_axis(index)))
            {
              const unsigned first = node(line, 0), middle = node(line, 1), last = node(line, 2);
              excluded[first] = excluded[last] = true;
              if (!single)
                excluded[middle] = true;
              auto &e = ends[middle];
              if (e[0] == none)
                e = {{first, last}};
              else if (!((e[0] == first && e[1] == last) || (e[0] == last && e[1] == first)))
                excluded[middle] = true;
            }
        }
      // Nodes of the set's supports, rigid or elastic, keep their DoFs: a support's reaction is
      // then the force on its own nodes.
      std::vector<bool> held(s.dof_handler.n_dofs(), false);
      for (unsigned i : active_)
        for (auto d : s.supports[i].dofs)
          held[d] = true;
      std::vector<bool> straight(nodes, false);
      for (unsigned v = 0; v < nodes; ++v)
        {
          if (excluded[v] || ends[v][0] == none)
            continue;
          const types::global_dof_index m = 3 * types::global_dof_index(v);
          if (held[m] || held[m + 1] || held[m + 2] || constraints_.is_constrained(m) ||
              constraints_.is_constrained(m + 1) || constraints_.is_constrained(m + 2))
            continue;
          const types::global_dof_index a = 3 * types::global_dof_index(ends[v][0]),
                                        b = 3 * types::global_dof_index(ends[v][1]);
          const Tensor<1, 3> d            = support_points_[a] - support_points_[b];
          // The middle node's place on the line (a rigid rotation must pass the constraint): off
          // the line, it keeps its DoFs.
          const Tensor<1, 3> r = support_points_[m] - support_points_[b];
          const double       f = (r * d) / (d * d);
          if ((r - f * d).norm() > 1e-6 * d.norm())
            continue;
          unsigned k = 0;
          for (unsigned c = 1; c < 3; ++c)
            if (std::abs(d[c]) > std::abs(d[k]))
              k = c;
          for (unsigned j = 0; j < 3; ++j)
            if (j != k)
              {
                const double c = d[j] / d[k];
                constraints_.add_line(m + j);
                constraints_.add_entries(
                  m + j,
                  {{a + j, f}, {b + j, 1 - f}, {m + k, c}, {a + k, -f * c}, {b + k, -(1 - f) * c}});
              }
          straight[v] = true;
        }
      straight_cells_.assign(model_.triangulation.n_active_cells(), false);
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          const unsigned index = cell->active_cell_index();
          cell->get_dof_indices(dofs);
          straight_cells_[index] =
            straight[node(cell_lines.along(model_.thickness_axis(index))[4], 1)];
        }
    }

    void ElasticProblem::apply_ties()
    {
      Solution &s = *solution_;
      add_tie_constraints(model_, s.dof_handler, s.fe, constraints_, tie_basis_from_environment());
    }

    // The stiffness with the constraints (ties condensed where their lines are long), the
    // elastic supports and, for prescribed displacements, their forces on the right-hand side
    // (lifting_). In one process the whole matrix; in the SPMD run each process's share: the
    // elements of its band of cells (the active cells in order, N equal bands), rank 0 adding the
    // elastic supports, the lifting summed over the processes; the rows go to their owners in
    // factorise_together.
    void ElasticProblem::assemble_system()
    {
      StageLog::Scope   t(log_, "assemble");
      const Solution   &s      = *solution_;
      const std::size_t n      = s.dof_handler.n_dofs();
      const bool        share  = lockstep();
      const int         rank   = share ? rank_ : 0;
      const auto [first, last] = cell_share(model_.triangulation.n_active_cells(), rank,
                                            share ? distributed_processes() : 1);
      std::vector<DoFHandler<3>::active_cell_iterator> &cells = share_cells_;
      cells.clear();
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        if (const unsigned i = cell->active_cell_index(); i >= first && i < last)
          cells.push_back(cell);
      // Elastic supports: a bedding k (N/mm^3 per global direction) integrated over the exact
      // footprint, springs (N/mm) shared among the support's nodes (elastic_blocks).
      springs_ = elastic_blocks();
      if (share)
        {
          DynamicSparsityPattern               dsp(n);
          std::vector<types::global_dof_index> dofs(cell_dofs);
          for (const auto &cell : cells)
            {
              cell->get_dof_indices(dofs);
              constraints_.add_entries_local_to_global(dofs, dsp, false);
            }
          if (rank == 0)
            for (const Spring &b : springs_)
              constraints_.add_entries_local_to_global(b.dofs, dsp, false);
          share_.clear();
          share_pattern_.copy_from(dsp);
          share_.reinit(share_pattern_);
        }
      SparseMatrix<double> &target = share ? share_ : stiffness_;
      ElementStiffness      scratch(model_, straight_cells_);
      CopyData              copy;
      double                worst_jxw  = 1;
      unsigned              worst_cell = 0;
      // Prescribed displacements: the known values' forces move to the right-hand side.
      const bool           prescribed = constraints_.has_inhomogeneities();
      const Vector<double> zero(cell_dofs);
      lifting_.reinit(prescribed ? n : 0);
      // Ties: the cells' matrices without the constraints, condensed once (CondensedAssembly).
      std::optional<CondensedAssembly> condensed;
      if (CondensedAssembly::needed(constraints_))
        condensed.emplace(s.dof_handler, share ? &cells : nullptr);
      WorkStream::run(
        cells.cbegin(), cells.cend(),
        [](const auto &it, ElementStiffness &sc, CopyData &cd) {
          const DoFHandler<3>::active_cell_iterator &cell = *it;
          cd.min_jxw                                      = sc.compute(cell, cd.K);
          cd.cell                                         = cell->active_cell_index();
          cell->get_dof_indices(cd.dofs);
        },
        [&](const CopyData &cd) {
          if (cd.min_jxw < worst_jxw)
            worst_jxw = cd.min_jxw, worst_cell = cd.cell;
          if (condensed)
            condensed->add(cd.K, cd.dofs);
          else if (prescribed)
            constraints_.distribute_local_to_global(cd.K, zero, cd.dofs, target, lifting_);
          else
            constraints_.distribute_local_to_global(cd.K, cd.dofs, target);
        },
        scratch, copy);
      if (condensed)
        condensed->condense(constraints_, target, prescribed ? &lifting_ : nullptr);
      condensed.reset();
      if (rank == 0)
        for (const Spring &b : springs_)
          {
            if (prescribed) // the springs' forces at the prescribed values move to the right side
              constraints_.distribute_local_to_global(b.k, Vector<double>(b.dofs.size()), b.dofs,
                                                      target, lifting_);
            else
              constraints_.distribute_local_to_global(b.k, b.dofs, target);
          }
      if (share)
        {
          if (prescribed)
            sum_over_processes(lifting_.data(), lifting_.size());
          min_over_processes(worst_jxw, worst_cell);
        }
      else
        {
          // (the shared matrix's diagonal comes from the processes, factorise_together)
          diagonal_.resize(n);
          for (std::size_t i = 0; i < n; ++i)
            diagonal_[i] = std::abs(stiffness_.diag_element(i));
        }
      if (worst_jxw <= 0)
        {
          const Triangulation<3>::active_cell_iterator cell(&model_.triangulation, 0, worst_cell);
          throw ModelError("part \"" + model_.parts[cell->material_id()].name +
                           "\": inverted or degenerate element near " + point_text(cell->center()) +
                           "; check the part's geometry");
        }
    }

    // A bedding's face matrices: int_A k_c N_i N_j dA on the faces of its surface (inside its
    // box), with a composite face rule so that the held area does not depend on where the mesh
    // lines fall; springs (N/mm) shared equally among the support's nodes.
    std::vector<ElasticProblem::Spring> ElasticProblem::elastic_blocks() const
    {
      const Solution     &s = *solution_;
      std::vector<Spring> blocks;
      // A face matrix restricted to the DoFs with a stiffness (the face's nodes).
      const auto keep = [&](unsigned support, const FullMatrix<double> &k,
                            const std::vector<types::global_dof_index> &dofs) {
        std::vector<unsigned> used;
        for (unsigned i = 0; i < dofs.size(); ++i)
          for (unsigned j = 0; j < dofs.size(); ++j)
            if (k(i, j) != 0)
              {
                used.push_back(i);
                break;
              }
        Spring b{support, std::vector<types::global_dof_index>(used.size()),
                 FullMatrix<double>(used.size(), used.size())};
        for (unsigned i = 0; i < used.size(); ++i)
          {
            b.dofs[i] = dofs[used[i]];
            for (unsigned j = 0; j < used.size(); ++j)
              b.k(i, j) = k(used[i], used[j]);
          }
        blocks.push_back(std::move(b));
      };
      // 8 x 8 sub-squares of 3 x 3 Gauss points per face: the footprint's edge is resolved to
      // 1/24 of the element size.
      // (Made on the first bedding only: with its 576 points on every face it takes about 15 ms,
      // a fifth of a small model's whole solve.)
      const QIterated<2>                   rule(QGauss<1>(3), 8);
      std::optional<FEFaceValues<3>>       face_values;
      FullMatrix<double>                   local(cell_dofs, cell_dofs);
      std::vector<types::global_dof_index> dofs(cell_dofs);
      for (unsigned i : active_)
        {
          const SupportSpec &spec = case_.supports[i];
          if (spec.spring)
            {
              std::array<unsigned, 3> nodes{{0, 0, 0}};
              for (auto d : s.supports[i].dofs)
                ++nodes[component_[d]];
              for (auto d : s.supports[i].dofs)
                {
                  Spring b{i, {d}, FullMatrix<double>(1, 1)};
                  b.k(0, 0) = (*spec.spring)[component_[d]] / nodes[component_[d]];
                  blocks.push_back(std::move(b));
                }
            }
          if (!spec.bedding)
            continue;
          if (!face_values)
            face_values.emplace(*model_.mapping, s.fe, rule,
                                update_values | update_quadrature_points | update_JxW_values);
          FEFaceValues<3> &fv = *face_values;
          for (const RegionSpec *region : support_regions(spec, case_))
            {
              const auto it = model_.surfaces.find(region->surface);
              if (region->kind != RegionSpec::Kind::surface || it == model_.surfaces.end())
                continue;
              for (const FaceRef &f : it->second)
                {
                  const DoFHandler<3>::active_cell_iterator cell(&model_.triangulation, 0, f.cell,
                                                                 &s.dof_handler);
                  fv.reinit(cell, f.face);
                  local    = 0;
                  bool any = false;
                  for (unsigned q = 0; q < rule.size(); ++q)
                    {
                      const Point<3> &x  = fv.quadrature_point(q);
                      bool            in = true;
                      for (unsigned k = 0; k < 3 && region->in_box; ++k)
                        in = in && x[k] >= region->box_min[k] && x[k] <= region->box_max[k];
                      if (!in)
                        continue;
                      any = true;
                      for (unsigned a = 0; a < cell_dofs; ++a)
                        {
                          const unsigned c  = s.fe.system_to_component_index(a).first;
                          const double   Na = fv.shape_value(a, q);
                          if (Na == 0)
                            continue;
                          const double kw = (*spec.bedding)[c] * Na * fv.JxW(q);
                          for (unsigned b = 0; b < cell_dofs; ++b)
                            if (s.fe.system_to_component_index(b).first == c)
                              local(a, b) += kw * fv.shape_value(b, q);
                        }
                    }
                  if (!any)
                    continue;
                  cell->get_dof_indices(dofs);
                  keep(i, local, dofs);
                }
            }
        }
      return blocks;
    }

    void ElasticProblem::assemble_loads()
    {
      StageLog::Scope t(log_, "loads");
      // The body force's integrals once for all the load cases with an acceleration.
      const bool any_body_force =
        std::any_of(case_.load_cases.begin(), case_.load_cases.end(), has_body_force);
      const Vector<double> body_weights =
        any_body_force ? body_force_weights(model_, *solution_) : Vector<double>();
      for (const auto &lc : case_.load_cases)
        {
          LoadCaseSolution l;
          l.name = lc.name;
          l.load = assemble_load_vector(model_, *solution_, lc, support_points_, component_,
                                        any_body_force ? &body_weights : nullptr);
          solution_->load_cases.push_back(std::move(l));
        }
    }

    // A support set that leaves a rigid-body motion free is found here, before factorising, and
    // named in the engineer's terms.
    void ElasticProblem::check_rigid_body_modes() const
    {
      const Solution &s = *solution_;
      Point<3>        centre;
      std::size_t     n = 0;
      for (unsigned i : active_)
        for (auto d : s.supports[i].dofs)
          centre += support_points_[d], ++n;
      Eigen::Matrix<double, 6, 6> M = Eigen::Matrix<double, 6, 6>::Zero();
      if (n > 0)
        {
          centre /= n;
          const double L = std::max(model_.size, 1.0);
          for (unsigned i : active_)
            for (auto d : s.supports[i].dofs)
              {
                Eigen::Matrix<double, 6, 1> r = Eigen::Matrix<double, 6, 1>::Zero();
                const unsigned              c = component_[d];
                const Tensor<1, 3>          x = (support_points_[d] - centre) / L;
                r[c]                          = 1;
                // Rotation k moves the node by e_k x x; its component c:
                Tensor<1, 3> e_c;
                e_c[c] = 1;
                for (unsigned k = 0; k < 3; ++k)
                  {
                    Tensor<1, 3> e_k;
                    e_k[k]   = 1;
                    r[3 + k] = cross_product_3d(e_k, x) * e_c;
                  }
                M += r * r.transpose();
              }
        }
      Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 6, 6>> eig(M);
      const double             top = std::max(eig.eigenvalues().maxCoeff(), 1e-300);
      std::vector<std::string> free;
      const char              *axis[3] = {"x", "y", "z"};
      for (int k = 0; k < 6; ++k)
        if (n == 0 || eig.eigenvalues()[k] < 1e-10 * top)
          {
            const auto v  = eig.eigenvectors().col(k);
            const int  at = [&] {
              int best = 0;
              for (int i = 1; i < 6; ++i)
                if (std::abs(v[i]) > std::abs(v[best]))
                  best = i;
              return best;
            }();
            free.push_back(std::string(at < 3 ? "translation along " : "rotation about ") +
                           axis[at % 3]);
          }
      if (!free.empty())
        {
          std::string list;
          for (const auto &f : free)
            list += (list.empty() ? "" : ", ") + f;
          throw ModelError("the body is free to move (" + list + ")" + cases_text() +
                           ": the supports do not hold it; add or extend supports" +
                           thin_wall_hint(model_));
        }
    }

    // The symbolic analysis: the symbolic factor kept in this process for this matrix structure
    // (SolverOptions::reuse_structure), else with the ordering cache. Returns whether the
    // ordering was reused.
    bool ElasticProblem::analyse_with_cache()
    {
      SolverStatistics &st = solution_->statistics;
      ++st.orderings;
      const uint64_t fingerprint = cholesky_->structure_fingerprint();
      if (options_.reuse_structure)
        {
          const double bytes = cholesky_->reuse_symbolic(fingerprint);
          if (bytes > 0)
            {
              st.factor_bytes = bytes;
              ++st.orderings_reused;
              ++st.symbolic_reused;
              return true;
            }
        }
      const bool reused = analyse_with_ordering_cache(fingerprint);
      if (options_.reuse_structure)
        cholesky_->keep_symbolic(fingerprint);
      return reused;
    }

    // The symbolic analysis with the ordering from options_.ordering_cache where it holds one
    // for this matrix structure (stored there otherwise). Returns whether it was reused.
    bool ElasticProblem::analyse_with_ordering_cache(uint64_t fingerprint)
    {
      namespace fs         = std::filesystem;
      SolverStatistics &st = solution_->statistics;
      if (options_.ordering_cache.empty())
        {
          st.factor_bytes = cholesky_->analyse();
          return false;
        }
      const std::size_t n = cholesky_->size();
      char              name[64];
      std::snprintf(name, sizeof(name), "ordering-%016llx.bin",
                    static_cast<unsigned long long>(fingerprint));
      const fs::path       file = fs::path(options_.ordering_cache) / name;
      std::vector<int64_t> order;
      {
        std::ifstream in(file, std::ios::binary);
        uint64_t      size = 0;
        if (in && in.read(reinterpret_cast<char *>(&size), sizeof(size)) && size == n)
          {
            order.resize(n);
            if (!in.read(reinterpret_cast<char *>(order.data()), n * sizeof(int64_t)))
              order.clear();
          }
      }
      // Only a whole permutation of 0..n-1 is used.
      if (!order.empty())
        {
          std::vector<char> seen(n, 0);
          for (const int64_t v : order)
            if (v < 0 || static_cast<std::size_t>(v) >= n || seen[v]++)
              {
                order.clear();
                break;
              }
        }
      if (!order.empty())
        {
          st.factor_bytes = cholesky_->analyse(&order);
          ++st.orderings_reused;
          return true;
        }
      st.factor_bytes = cholesky_->analyse();
      // Stored for the next run: written beside and renamed, so that a run reading it at the
      // same time sees the whole file or none. A cache that cannot be written is only slower.
      std::error_code ec;
      fs::create_directories(options_.ordering_cache, ec);
      const fs::path tmp = file.string() + ".tmp" + std::to_string(::getpid());
      {
        std::ofstream        out(tmp, std::ios::binary);
        const uint64_t       size     = n;
        std::vector<int64_t> computed = cholesky_->ordering();
        out.write(reinterpret_cast<const char *>(&size), sizeof(size));
        out.write(reinterpret_cast<const char *>(computed.data()), n * sizeof(int64_t));
        if (!out)
          {
            out.close();
            fs::remove(tmp, ec);
            return false;
          }
      }
      fs::rename(tmp, file, ec);
      if (ec)
        fs::remove(tmp, ec);
      return false;
    }

    void ElasticProblem::factorise()
    {
      StageLog::Scope t(log_, "factorise");
      if (!modal_)
        check_rigid_body_modes();
      if (options_.linear_solver == LinearSolver::iterative)
        return prepare_iterative("chosen (--solver iterative)");
      // Under mpirun the factorisation is shared by the processes: made together, or (rank 0
      // alone) from rank 0's whole matrix.
      if (lockstep())
        return factorise_together();
      if (leading_servers())
        return factorise_distributed();
      cholesky_ = std::make_unique<SparseCholesky>();
      // Lower triangle in compressed columns: row i of the symmetric matrix, entries j >= i,
      // is column i of the lower triangle.
      const std::size_t n   = stiffness_.m();
      std::size_t       nnz = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (auto it = stiffness_.begin(i); it != stiffness_.end(i); ++it)
          nnz += it->column() >= i;
      cholesky_->allocate(n, nnz);
      int64_t    *p = cholesky_->col_ptr(), *ri = cholesky_->row_index();
      double     *x = cholesky_->values();
      std::size_t k = 0;
      std::vector<std::pair<int64_t, double>> column;
      for (std::size_t i = 0; i < n; ++i)
        {
          p[i] = k;
          column.clear();
          for (auto it = stiffness_.begin(i); it != stiffness_.end(i); ++it)
            if (it->column() >= i)
              column.emplace_back(it->column(), it->value());
          std::sort(column.begin(), column.end());
          for (const auto &[r, v] : column)
            ri[k] = r, x[k] = v, ++k;
        }
      p[n] = k;
      // (K itself is kept until the analysis has said whether its factor fits: if not, the
      // iterative solver takes it.)
      const bool automatic = options_.linear_solver == LinearSolver::automatic;
      if (!automatic)
        {
          stiffness_.clear();
          if (!keep_pattern_beside_factor())
            sparsity_.reset();
        }

      // A vibration analysis keeps a second matrix (M) and its Lanczos basis beside the factor,
      // a buckling analysis the cells' K_G and its basis.
      const double extra          = modal_
                                      ? 12.0 * static_cast<double>(solution_->statistics.matrix_nonzeros) +
                                 lanczos_bytes(eigen_modes(), solution_->statistics.dofs)
                                      : buckling_bytes();
      const auto   analysis_start = std::chrono::steady_clock::now();
      const bool   reused         = analyse_with_cache();
      const double bytes          = solution_->statistics.factor_bytes + extra;
      const double analysis_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - analysis_start).count();
      solution_->statistics.ordering_seconds += analysis_seconds;
      if (const std::string why = too_large_for_direct(bytes, extra, ""); !why.empty())
        {
          cholesky_.reset();
          return prepare_iterative(why);
        }
      if (automatic)
        {
          stiffness_.clear();
          if (!keep_pattern_beside_factor())
            sparsity_.reset();
        }
      {
        char line[240];
        std::snprintf(line, sizeof(line),
                      "matrix: %.1f M nonzeros (lower half), %zu constrained DoFs; factor: %.1f M "
                      "nonzeros, %.1f Gflop (%s %.2f s)",
                      1e-6 * static_cast<double>(k),
                      static_cast<std::size_t>(constraints_.n_constraints()),
                      1e-6 * cholesky_->factor_nonzeros(), 1e-9 * cholesky_->flops(),
                      (reused ? std::string("ordering reused, analysis")
                              : "ordering (" + cholesky_->ordering_method() + ") and analysis")
                        .c_str(),
                      analysis_seconds);
        log_.message(line);
      }
      // A factorisation of more than 20 Gflop takes seconds: say how long, from the machine's
      // DGEMM rate (measured once, 0.1 s) and the rate reached so far; at first 40 % of DGEMM's
      // from 100 Gflop, else a quarter (the larger factors have the larger supernodes; measured
      // 2026-12-04, bench/factor_benchmark.py --only default, medians of 3: default tank 204
      // Gflop at 47 %, van 167 Gflop at 43 %, tipper 73 Gflop at 27 % of DGEMM's 97-99 Gflop/s).
      auto &stats = solution_->statistics;
      if (cholesky_->flops() > 2e10)
        {
          stats.dgemm_rate  = dgemm_rate();
          const double rate = stats.factor_seconds > 0 ? stats.factor_flops / stats.factor_seconds
                              : cholesky_->flops() >= 1e11 ? 0.4 * stats.dgemm_rate
                                                           : 0.25 * stats.dgemm_rate;
          if (rate > 0)
            {
              char line[160];
              std::snprintf(line, sizeof(line),
                            "factorising: about %.0f s (%.1f Gflop at %.1f Gflop/s; DGEMM %.1f "
                            "Gflop/s)",
                            cholesky_->flops() / rate, 1e-9 * cholesky_->flops(), 1e-9 * rate,
                            1e-9 * stats.dgemm_rate);
              log_.message(line);
            }
        }
      const long failed = numeric_factorisation([&] { return cholesky_->factorise(); },
                                                [&] { return cholesky_->flops(); });
      if (cholesky_->busy_cores_of_others() >= 0 && cholesky_->factor_threads() < blas_threads())
        {
          char line[200];
          std::snprintf(line, sizeof(line),
                        "factorised on %d BLAS thread%s of %d: other processes kept %.1f cores "
                        "busy",
                        cholesky_->factor_threads(), cholesky_->factor_threads() == 1 ? "" : "s",
                        blas_threads(), cholesky_->busy_cores_of_others());
          log_.message(line);
        }
      cholesky_->release_matrix();
      if (failed >= 0)
        {
          throw ModelError(
            "the stiffness matrix is singular at the node " + point_text(support_points_[failed]) +
            " (" + std::string(1, "xyz"[component_[failed]]) + " direction)" + cases_text() +
            ": part of the body is not held (a part joined to nothing, "
            "or a mechanism)" +
            thin_wall_hint(model_));
        }
      solution_->statistics.factor_nonzeros = cholesky_->factor_nonzeros();
    }

    // The factorisation shared by the processes of an MPI launch (MUMPS through PETSc): the
    // whole matrix goes from this process (rank 0) into it.
    void ElasticProblem::factorise_distributed()
    {
      SolverStatistics    &stats = solution_->statistics;
      const std::size_t    n     = stiffness_.m();
      std::vector<int64_t> row_ptr(n + 1, 0);
      std::vector<int>     columns;
      std::vector<double>  values;
      columns.reserve(stiffness_.n_nonzero_elements());
      values.reserve(stiffness_.n_nonzero_elements());
      for (std::size_t i = 0; i < n; ++i)
        {
          for (auto it = stiffness_.begin(i); it != stiffness_.end(i); ++it)
            {
              columns.push_back(static_cast<int>(it->column()));
              values.push_back(it->value());
            }
          row_ptr[i + 1] = static_cast<int64_t>(columns.size());
        }
      // An eigen analysis follows: it needs K (or K + s M) itself beside the factor, which has no
      // triangular halves.
      const bool automatic = options_.linear_solver == LinearSolver::automatic;
      if (!keep_pattern() && !automatic)
        {
          stiffness_.clear();
          sparsity_.reset();
        }
      distributed_              = std::make_unique<DistributedCholesky>();
      const auto analysis_start = std::chrono::steady_clock::now();
      distributed_->set_matrix(n, row_ptr, columns, values);
      std::vector<int>().swap(columns);
      std::vector<double>().swap(values);
      const auto [bytes, analysis_seconds] = analyse_shared(analysis_start);
      // (the matrix kept for the eigen analysis, and its Lanczos basis with the products with A)
      const double kept = keep_pattern() ? 24.0 * sparsity_->n_nonzero_elements() +
                                             2 * lanczos_bytes(eigen_modes(), n)
                                         : 0.0;
      if (const std::string why =
            too_large_for_direct(bytes + kept, kept, " on one of the processes");
          !why.empty())
        {
          distributed_.reset();
          return prepare_iterative(why);
        }
      if (!keep_pattern() && automatic)
        {
          stiffness_.clear();
          sparsity_.reset();
        }
      stats.matrix_nonzeros = static_cast<std::size_t>(row_ptr[n]);
      factorise_shared(bytes, analysis_seconds, "");
    }

    // The SPMD run: the factorisation made by all processes together. Each hands its share (with
    // the shifted mass of a vibration analysis) to the processes owning the rows;
    // MUMPS orders and factorises the matrix spread over them. Where the factor would not fit,
    // rank 0 goes on alone with the iterative solver (the others serve it).
    void ElasticProblem::factorise_together()
    {
      SolverStatistics &stats          = solution_->statistics;
      const auto        analysis_start = std::chrono::steady_clock::now();
      distributed_                     = shared_matrix(share_, 0);
      stats.matrix_nonzeros            = static_cast<std::size_t>(distributed_->nonzeros());
      share_.clear();
      if (!keep_pattern())
        share_pattern_.reinit(0, 0, 0);
      const auto [bytes, analysis_seconds] = analyse_shared(analysis_start);
      // Rank 0 says whether the factor fits (its memory and options): 0 it does, 1 the iterative
      // solver instead, 2 neither (rank 0 throws the error).
      // (the eigen analysis's matrix, spread like K: its upper half and diagonal, 12 bytes an
      // entry; and rank 0's rows of the Lanczos basis and of its products with A, spread like
      // K, with a step's vectors whole (LIGHTBODY_SPREAD_BASIS=0: the basis whole, twice what it
      // is on one process's CHOLMOD factor))
      const double dofs  = static_cast<double>(solution_->dof_handler.n_dofs());
      const double basis = spread_basis()
                             ? spread_lanczos_bytes(eigen_modes(), solution_->dof_handler.n_dofs(),
                                                    distributed_processes())
                             : 2 * lanczos_bytes(eigen_modes(), solution_->dof_handler.n_dofs());
      // (each of the analyses made at once: the set's buckling analyses side by side where that
      // fits, else one after the other)
      const auto kept_by = [&](long group) {
        return keep_pattern()
                 ? static_cast<double>(group) *
                     (6.0 * (stats.matrix_nonzeros + dofs) / distributed_processes() + basis)
                 : 0.0;
      };
      long               group = static_cast<long>(shared_eigen_group());
      std::string        why;
      std::exception_ptr failure;
      long               decision = 0;
      if (rank_ == 0)
        try
          {
            if (group > 1)
              try
                {
                  if (!too_large_for_direct(bytes + kept_by(group), kept_by(group), "").empty())
                    group = 1;
                }
              catch (const ModelError &)
                {
                  group = 1;
                }
            const double kept = kept_by(group);
            why      = too_large_for_direct(bytes + kept, kept, " on one of the processes");
            decision = why.empty() ? 0 : 1;
          }
        catch (const ModelError &)
          {
            failure  = std::current_exception();
            decision = 2;
          }
      from_rank0(decision);
      from_rank0(group);
      eigen_group_ = static_cast<std::size_t>(group);
      if (decision == 0 && keep_pattern() && spread_basis())
        log_.message("the eigen analyses' Lanczos bases spread over the " +
                     std::to_string(distributed_processes()) + " processes by the factor's rows");
      if (decision == 0 && eigen_group_ < shared_eigen_group())
        log_.message("the buckling analyses of the set one after the other: side by side they "
                     "would not fit in the memory");
      if (decision == 2)
        {
          if (failure)
            std::rethrow_exception(failure);
          throw ModelError("stopped: the factor does not fit (process 0 says why)");
        }
      if (decision == 1)
        {
          distributed_.reset();
          eigen_matrix_.reset();
          go_on_alone(); // (ranks 1..N-1 leave here)
          // Rank 0's whole matrix for the iterative solver.
          if (!sparsity_)
            make_sparsity();
          stiffness_.reinit(*sparsity_);
          stats.matrix_nonzeros = sparsity_->n_nonzero_elements();
          assemble_system();
          if (modal_)
            assemble_serial_mass();
          return prepare_iterative(why);
        }
      factorise_shared(bytes, analysis_seconds,
                       ", each process assembling its share of the elements");
      diagonal_ = distributed_->absolute_diagonal();
    }

    std::pair<double, double>
    ElasticProblem::analyse_shared(std::chrono::steady_clock::time_point start)
    {
      SolverStatistics &stats = solution_->statistics;
      const double      bytes = distributed_->analyse();
      const double      seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++stats.orderings;
      stats.ordering_seconds += seconds;
      stats.factor_bytes     = bytes;
      stats.factor_solver    = "MUMPS";
      stats.factor_processes = distributed_->processes();
      return {bytes, seconds};
    }

    void ElasticProblem::factorise_shared(double bytes, double analysis_seconds, const char *how)
    {
      {
        char line[300];
        std::snprintf(line, sizeof(line),
                      "matrix: %.1f M nonzeros (both halves%s), %zu constrained DoFs; factor "
                      "(MUMPS over %d processes): %.1f M nonzeros, %.1f Gflop, %s per process at "
                      "most (ordering and analysis %.2f s)",
                      1e-6 * static_cast<double>(solution_->statistics.matrix_nonzeros), how,
                      static_cast<std::size_t>(constraints_.n_constraints()),
                      distributed_->processes(), 1e-6 * distributed_->factor_nonzeros(),
                      1e-9 * distributed_->flops(), memory_text(bytes).c_str(), analysis_seconds);
        log_.message(line);
      }
      const int failed = numeric_factorisation([&] { return distributed_->factorise(); },
                                               [&] { return distributed_->flops(); });
      if (failed == 1)
        throw ModelError("the stiffness matrix is singular" + cases_text() +
                         ": part of the body is not held (a part joined to nothing, or a "
                         "mechanism)");
      if (failed == 2)
        throw ModelError("the factorisation ran out of memory on one of the processes; use more "
                         "processes, a coarser mesh (mesh.size, parts.NAME.mesh_size) or "
                         "machines with more memory");
      if (failed != 0)
        throw ModelError("the distributed factorisation (MUMPS) failed" + cases_text() + " (" +
                         distributed_->mumps_status() + ")");
      solution_->statistics.factor_nonzeros = distributed_->factor_nonzeros();
    }

    std::unique_ptr<DistributedCholesky> ElasticProblem::shared_matrix(SparseMatrix<double> &share,
                                                                       int index) const
    {
      auto shared = std::make_unique<DistributedCholesky>(index);
      shared->set_shares(
        solution_->dof_handler.n_dofs(),
        [&](std::size_t i, const std::function<void(int64_t, double)> &add) {
          for (auto it = share.begin(i); it != share.end(i); ++it)
            // (the structure's diagonal of a row outside this process's elements)
            if (!(it->column() == i && it->value() == 0))
              add(static_cast<int64_t>(it->column()), it->value());
        },
        [&] { share.clear(); });
      return shared;
    }

    void ElasticProblem::assemble_serial_mass()
    {
      serial_mass_.reinit(*sparsity_);
      assemble_mass(model_, *solution_, *case_.modal, constraints_, serial_mass_);
      stiffness_.add(shift_, serial_mass_);
    }

    std::string ElasticProblem::too_large_for_direct(double bytes, double extra,
                                                     const char *where) const
    {
      // With --max-memory, what the run holds counts against it (the machine's available memory
      // already leaves it out), less the stiffness matrix that the direct path frees next.
      double held = 0;
      if (options_.memory_limit_bytes > 0)
        {
          const double nonzeros =
            options_.linear_solver == LinearSolver::automatic && !stiffness_.empty()
              ? static_cast<double>(stiffness_.n_nonzero_elements())
              : 0.0;
          held = std::max(0.0, resident_memory_bytes() -
                                 (keep_pattern_beside_factor() ? 8.0 : 12.0) * nonzeros);
        }
      const double available = memory_available() - held;
      if (bytes <= available)
        return "";
      const std::string need = "the factorisation would need about " + memory_text(bytes) +
                               (extra > 0 ? " (with the buckling or vibration matrix)" : "") +
                               where + " but only " + memory_text(std::max(0.0, available)) +
                               " may be used" +
                               (held > 0 ? " (--max-memory " + memory_text(memory_available()) +
                                             " less the " + memory_text(held) + " the run holds)"
                                         : std::string());
      if (options_.linear_solver == LinearSolver::automatic)
        return "instead of the direct solver: " + need;
      throw ModelError(need + "; use the iterative solver (--solver iterative), " +
                       (together_ ? "more processes, " : "") +
                       "a coarser mesh (mesh.size, parts.NAME.mesh_size) or fewer layers, or run "
                       "on a machine with more memory");
    }

    // The nodes of the model grouped by through-thickness line (the nodes of a line are stiffly
    // coupled through the thin wall): their DoFs, line after line, in blocks of three nodes
    // (nine DoFs). A line of another length (several element layers; two lines that share a
    // node where parts meet) is filled up to a whole number of blocks with placeholder DoFs
    // (numbers::invalid_dof_index). Returns the numbering (new -> old, or a placeholder).
    std::vector<types::global_dof_index> through_thickness_lines(const Solution &s)
    {
      const std::size_t     nodes = s.dof_handler.n_dofs() / 3;
      std::vector<unsigned> parent(nodes);
      std::iota(parent.begin(), parent.end(), 0u);
      auto find = [&](unsigned a) {
        while (parent[a] != a)
          a = parent[a] = parent[parent[a]];
        return a;
      };
      const CellLines                      cell_lines(s.fe);
      std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(dofs);
          for (const auto &line :
               cell_lines.along(s.model.thickness_axis(cell->active_cell_index())))
            for (unsigned k = 1; k < 3; ++k)
              parent[find(static_cast<unsigned>(dofs[line[3 * k]] / 3))] =
                find(static_cast<unsigned>(dofs[line[0]] / 3));
        }
      std::vector<std::vector<unsigned>> lines;
      std::vector<int>                   line_of(nodes, -1);
      for (unsigned v = 0; v < nodes; ++v)
        {
          const unsigned r = find(v);
          if (line_of[r] < 0)
            {
              line_of[r] = static_cast<int>(lines.size());
              lines.emplace_back();
            }
          lines[line_of[r]].push_back(v);
        }
      std::vector<types::global_dof_index> order;
      order.reserve(3 * nodes + 3 * lines.size());
      for (const auto &line : lines)
        {
          for (unsigned v : line)
            for (unsigned c = 0; c < 3; ++c)
              order.push_back(3 * types::global_dof_index(v) + c);
          while (order.size() % 9 != 0)
            order.push_back(numbers::invalid_dof_index);
        }
      return order;
    }

    void ElasticProblem::prepare_iterative(const std::string &why)
    {
      SolverStatistics &st = solution_->statistics;
      const std::size_t n  = stiffness_.m();
      // The rigid-body modes need every node's three DoFs together: deal.II numbers the DoFs of
      // a vector-valued element node by node (no renumbering is made).
      for (std::size_t d = 0; d < n; ++d)
        {
          const std::size_t first = d - d % 3;
          if (component_[d] != d % 3 || support_points_[d].distance(support_points_[first]) > 0)
            throw std::logic_error("the DoFs are not numbered node by node");
        }
      // The solver's numbering: through-thickness lines together, so that the multigrid
      // coarsens them as one (a shell's node with its rotations) and its smoother solves them
      // as blocks.
      line_order_                            = through_thickness_lines(*solution_);
      const std::size_t                    m = line_order_.size();
      std::vector<types::global_dof_index> position(n);
      // (A placeholder takes no part in the rigid-body modes: NaN.)
      std::vector<double> coordinates(m, std::numeric_limits<double>::quiet_NaN());
      double              diagonal = 0;
      for (std::size_t i = 0; i < m; ++i)
        if (line_order_[i] != numbers::invalid_dof_index)
          {
            position[line_order_[i]] = i;
            coordinates[i]           = support_points_[line_order_[i]][i % 3];
            diagonal += std::abs(stiffness_.diag_element(line_order_[i]));
          }
      diagonal /= std::max<std::size_t>(n, 1);
      iterative_ = std::make_unique<IterativeSolver>();
      // What the solver will add to what the run holds (K too if an eigen analysis keeps it),
      // said with the choice, and a warning where it may not fit. (The subdomains are also the
      // leaner smoother: the line blocks' multigrid of many levels needs more.)
      const std::size_t subdomain = options_.iterative_subdomain_dofs;
      const double      adds =
        static_cast<double>(m) *
          IterativeSolver::added_bytes_per_dof(subdomain, iterative_->processes()) +
        (keep_pattern() && sparsity_ ? 12.0 * sparsity_->n_nonzero_elements() : 0.0);
      const double may_add = memory_left();
      log_.message("linear solver: conjugate gradients with algebraic multigrid (PETSc GAMG, "
                   "rigid-body modes, " +
                   (subdomain > 0
                      ? "exact solves on subdomains of " + std::to_string(subdomain) + " DoFs"
                      : std::string("line blocks")) +
                   "; about " + memory_text(adds) + " more), " + why);
      if (adds > may_add)
        log_.message("warning: the iterative solver may need more memory than the " +
                     memory_text(std::max(may_add, 0.0)) + " left for this run");
      const double setup = iterative_->set_matrix(
        m,
        [&](std::size_t i, std::vector<int> &columns, std::vector<double> &values) {
          columns.clear();
          values.clear();
          const auto row = line_order_[i];
          // A placeholder: its own equation, x = 0.
          if (row == numbers::invalid_dof_index)
            {
              columns.push_back(static_cast<int>(i));
              values.push_back(diagonal);
              return;
            }
          for (auto it = stiffness_.begin(row); it != stiffness_.end(row); ++it)
            {
              columns.push_back(static_cast<int>(position[it->column()]));
              values.push_back(it->value());
            }
        },
        coordinates, 9, subdomain,
        [&] {
          // K itself goes once PETSc holds its copy, before the preconditioner is made (an eigen
          // analysis multiplies by it: kept).
          if (!keep_pattern())
            {
              stiffness_.clear();
              sparsity_.reset();
            }
        });
      st.factor_solver    = "CG+GAMG";
      st.factor_processes = iterative_->processes();
      st.iterative.preconditioner_seconds += setup;
      st.iterative.levels          = iterative_->levels();
      st.iterative.grid_complexity = iterative_->grid_complexity();
      st.iterative.subdomain_dofs  = iterative_->subdomain_dofs();
      char line[240];
      std::snprintf(line, sizeof(line),
                    "preconditioner: %d levels, grid complexity %.2f, %zu placeholder DoFs, set "
                    "up in %.2f s over %d process%s",
                    iterative_->levels(), iterative_->grid_complexity(), m - n, setup,
                    iterative_->processes(), iterative_->processes() > 1 ? "es" : "");
      log_.message(line);
    }

    void ElasticProblem::iterative_solve(double *b, double tolerance, const std::string &what) const
    {
      SolverStatistics   &st    = solution_->statistics;
      const auto          start = std::chrono::steady_clock::now();
      const std::size_t   m     = line_order_.size();
      std::vector<double> x(m, 0.0);
      for (std::size_t i = 0; i < m; ++i)
        if (line_order_[i] != numbers::invalid_dof_index)
          x[i] = b[line_order_[i]];
      const IterativeOutcome out =
        iterative_->solve(x.data(), tolerance, options_.iterative_max_iterations);
      for (std::size_t i = 0; i < m; ++i)
        if (line_order_[i] != numbers::invalid_dof_index)
          b[line_order_[i]] = x[i];
      const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++st.iterative.solves;
      st.iterative.iterations_max =
        std::max(st.iterative.iterations_max, static_cast<unsigned>(out.iterations));
      st.iterative.iterations_total += out.iterations;
      st.iterative.seconds += seconds;
      st.iterative.residual_max = std::max(st.iterative.residual_max, out.residual);
      if (!out.converged)
        {
          char text[160];
          std::snprintf(text, sizeof(text),
                        ": the iterative solver did not converge in %d iterations (relative "
                        "residual %.2e, asked %.1e)",
                        out.iterations, out.residual, tolerance);
          throw ModelError(what + text + cases_text() +
                           "; use the direct solver (--solver direct), with more memory or more "
                           "processes, or a coarser mesh");
        }
      if (what.rfind("load case", 0) == 0)
        {
          char text[160];
          std::snprintf(text, sizeof(text), ": %d iterations (relative residual %.1e) in %.2f s",
                        out.iterations, out.residual, seconds);
          log_.message(what + text);
        }
    }

    void ElasticProblem::solve()
    {
      StageLog::Scope t(log_, "solve");
      const auto      right_hand_side = [&](const LoadCaseSolution &l) {
        Vector<double> b = l.load;
        constraints_.condense(b);
        if (lifting_.size() == b.size())
          b += lifting_;
        return b;
      };
      const auto keep = [&](LoadCaseSolution &l, Vector<double> &&u) {
        constraints_.distribute(u);
        for (double v : u)
          if (!std::isfinite(v))
            throw ModelError("load case \"" + l.name + "\": the solution is not finite");
        double round_off = 0;
        for (std::size_t d = 0; d < u.size(); ++d)
          round_off += diagonal_[d] * std::abs(u[d]);
        l.round_off_N  = std::numeric_limits<double>::epsilon() * round_off;
        l.displacement = std::move(u);
      };
      if (!iterative_)
        {
          // The direct factor (CHOLMOD's, or MUMPS's shared by the processes): the load cases
          // eight at a time, each solve one pass over the factor for all of them (CHOLMOD, the
          // default tank's six: 0.3 s against 0.9 s one by one).
          const std::size_t n = solution_->dof_handler.n_dofs();
          for (std::size_t first = 0; first < active_cases_.size(); first += 8)
            {
              const std::size_t   count = std::min<std::size_t>(8, active_cases_.size() - first);
              std::vector<double> columns(n * count);
              for (std::size_t k = 0; k < count; ++k)
                {
                  const Vector<double> b =
                    right_hand_side(solution_->load_cases[active_cases_[first + k]]);
                  std::copy(b.begin(), b.end(), columns.begin() + k * n);
                }
              if (distributed_)
                distributed_->solve(columns.data(), count);
              else
                cholesky_->solve(columns.data(), count);
              for (std::size_t k = 0; k < count; ++k)
                keep(solution_->load_cases[active_cases_[first + k]],
                     Vector<double>(columns.begin() + k * n, columns.begin() + (k + 1) * n));
            }
          return;
        }
      for (unsigned i : active_cases_)
        {
          LoadCaseSolution &l = solution_->load_cases[i];
          Vector<double>    b = right_hand_side(l);
          iterative_solve(b.data(), options_.iterative_tolerance, "load case \"" + l.name + "\"");
          keep(l, std::move(b));
        }
    }

    // Reactions at the supported DoFs (the global matrix with its constrained rows is gone by
    // now). A rigid support's: K u + K_s u - f from the element matrices of the cells around it
    // and the springs there, with what the DoFs that ties and straight fibres make follow it
    // pass on. An elastic support's: its springs' forces, -K_s u, wherever they act (also at a
    // DoF that a rigid support holds or that a tie makes follow others).
    void ElasticProblem::compute_reactions()
    {
      if (lockstep() && rank_ > 0)
        {
          // (rank 0's part: the SPMD run's Solution is rank 0's; the factor is freed together)
          springs_.clear();
          distributed_.reset();
          return;
        }
      StageLog::Scope   t(log_, "reactions");
      Solution         &s = *solution_;
      const std::size_t n = s.dof_handler.n_dofs();
      std::vector<bool> rigid(n, false);
      bool              elastic = false;
      for (unsigned i : active_)
        if (case_.supports[i].elastic())
          elastic = true;
        else
          for (auto d : s.supports[i].dofs)
            rigid[d] = true;
      // A following DoF passes its share of the forces (K u - f and the springs' K_s u) on to
      // its masters (the constraints as made, chains_). Wanted: the rigidly held DoFs and every
      // following DoF whose masters, at any depth, include one.
      std::vector<bool> wanted = rigid;
      for (bool grown = true; grown;)
        {
          grown = false;
          for (const auto &[slave, masters] : chains_)
            if (!wanted[slave] && std::any_of(masters.begin(), masters.end(),
                                              [&](const auto &e) { return wanted[e.first]; }))
              wanted[slave] = grown = true;
        }
      // The order to pass the shares on: a DoF after every DoF that passes some to it.
      std::vector<std::size_t> order;
      {
        std::vector<unsigned>    incoming(n, 0);
        std::vector<std::size_t> line_of(n, chains_.size());
        for (std::size_t k = 0; k < chains_.size(); ++k)
          if (wanted[chains_[k].first])
            {
              line_of[chains_[k].first] = k;
              for (const auto &[master, weight] : chains_[k].second)
                incoming[master] += wanted[master];
            }
        for (std::size_t k = 0; k < chains_.size(); ++k)
          if (wanted[chains_[k].first] && incoming[chains_[k].first] == 0)
            order.push_back(k);
        for (std::size_t next = 0; next < order.size(); ++next)
          for (const auto &[master, weight] : chains_[order[next]].second)
            if (wanted[master] && --incoming[master] == 0 && line_of[master] < chains_.size())
              order.push_back(line_of[master]);
      }
      for (unsigned i : active_cases_)
        {
          s.load_cases[i].reaction.reinit(n);
          s.load_cases[i].spring_reaction.reinit(0);
          s.load_cases[i].spring_force.clear();
        }
      ElementStiffness                     element(model_, straight_cells_);
      FullMatrix<double>                   K(cell_dofs, cell_dofs);
      std::vector<types::global_dof_index> dofs(cell_dofs);
      Vector<double>                       u(cell_dofs), f(cell_dofs);
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(dofs);
          if (std::none_of(dofs.begin(), dofs.end(), [&](auto d) { return wanted[d]; }))
            continue;
          element.compute(cell, K);
          for (unsigned c : active_cases_)
            {
              LoadCaseSolution &l = s.load_cases[c];
              for (unsigned i = 0; i < cell_dofs; ++i)
                u[i] = l.displacement[dofs[i]];
              K.vmult(f, u);
              for (unsigned i = 0; i < cell_dofs; ++i)
                if (wanted[dofs[i]])
                  l.reaction[dofs[i]] += f[i];
            }
        }
      // The springs' forces K_s u, per load case, at each DoF and per support.
      std::vector<Vector<double>>                     spring(active_cases_.size());
      std::vector<std::vector<std::array<double, 3>>> own(active_cases_.size());
      if (elastic)
        {
          for (auto &v : spring)
            v.reinit(n);
          for (auto &v : own)
            v.assign(s.supports.size(), {{0, 0, 0}});
          Vector<double> x, ku;
          for (const Spring &block : springs_)
            {
              x.reinit(block.dofs.size());
              ku.reinit(block.dofs.size());
              for (unsigned j = 0; j < active_cases_.size(); ++j)
                {
                  for (unsigned i = 0; i < block.dofs.size(); ++i)
                    x[i] = s.load_cases[active_cases_[j]].displacement[block.dofs[i]];
                  block.k.vmult(ku, x);
                  for (unsigned i = 0; i < block.dofs.size(); ++i)
                    {
                      spring[j][block.dofs[i]] += ku[i];
                      own[j][block.support][component_[block.dofs[i]]] -= ku[i];
                    }
                }
            }
        }
      for (unsigned j = 0; j < active_cases_.size(); ++j)
        {
          const LoadCaseSolution &l        = s.load_cases[active_cases_[j]];
          Vector<double>         &reaction = s.load_cases[active_cases_[j]].reaction;
          for (std::size_t d = 0; d < n; ++d)
            if (wanted[d])
              reaction[d] += (elastic ? spring[j][d] : 0.0) - l.load[d];
          for (std::size_t k : order)
            {
              const auto &[slave, masters] = chains_[k];
              for (const auto &[master, weight] : masters)
                if (wanted[master])
                  reaction[master] += weight * reaction[slave];
              reaction[slave] = 0;
            }
          if (elastic)
            {
              spring[j] *= -1;
              s.load_cases[active_cases_[j]].spring_reaction = std::move(spring[j]);
              s.load_cases[active_cases_[j]].spring_force    = std::move(own[j]);
            }
        }
      springs_.clear();
      cholesky_.reset();
      distributed_.reset();
      iterative_.reset();
    }
    // Linear buckling of the set's load cases that ask for it, on the factor of K (in the SPMD
    // run on rank 0, the other processes serving the shared factor's solves and products).
    void ElasticProblem::buckling()
    {
      const std::vector<unsigned> wanted = buckling_cases();
      if (wanted.empty())
        return;
      // Side by side (each step's solves of all of them made together): in one process on a
      // CHOLMOD factor as many at a time as the run has threads, at most four (each holds its
      // K_G and its Lanczos basis, about 0.2 GB on the default tank), each step's solves one pass
      // over the factor; in the SPMD run as many as rank 0 found room for (factorise_together),
      // each step's solves one solve phase of MUMPS.
      std::size_t group = 1;
      if (lockstep())
        group = eigen_group_;
      else if (side_by_side() && factored().cholesky)
        group = buckling_group();
      if (wanted.size() > 1 && group > 1)
        {
          for (std::size_t first = 0; first < wanted.size(); first += group)
            buckling_together(std::vector<unsigned>(
              wanted.begin() + first, wanted.begin() + std::min(wanted.size(), first + group)));
          return;
        }
      // (one process: K_G made again for each load case in the same memory)
      std::optional<GeometricStiffness> serial;
      for (unsigned i : wanted)
        {
          const unsigned    modes = case_.load_cases[i].buckling_modes;
          StageLog::Scope   t(log_, "buckling");
          LoadCaseSolution &l = solution_->load_cases[i];
          log_.message("buckling of \"" + l.name + "\": " + std::to_string(modes) + " modes");
          // K_G: in the SPMD run each process's share, spread over them as K is (pencil() then
          // takes the products with it, not the empty KG).
          SparseMatrix<double> KG;
          const auto           t0 = std::chrono::steady_clock::now();
          StressRange          range;
          if (lockstep())
            eigen_matrix_ = shared_geometric_stiffness(l, 1, range);
          else
            {
              if (!serial)
                serial.emplace(solution_->dof_handler, constraints_);
              range = serial->assemble(model_, *solution_, l.displacement);
            }
          const bool   compression = range.compressed();
          const double assembly =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          on_rank0([&] {
            l.buckling =
              buckling_modes(compression, factored(), serial ? serial->pencil() : pencil(KG), modes,
                             constraints_, eigen_progress("buckling of \"" + l.name + "\"", modes));
          });
          eigen_matrix_.reset();
          l.buckling.assembly_seconds = assembly;
          log_buckling(l, compression, "");
        }
    }

    std::unique_ptr<DistributedCholesky>
    ElasticProblem::shared_geometric_stiffness(const LoadCaseSolution &l, int index,
                                               StressRange &range) const
    {
      SparseMatrix<double> KG(share_pattern_);
      range = assemble_geometric_stiffness(model_, *solution_, l.displacement, constraints_, KG,
                                           &share_cells_);
      double extremes[2] = {range.compression, range.largest};
      max_over_processes(extremes, 2);
      range.compression = extremes[0];
      range.largest     = extremes[1];
      return shared_matrix(KG, index);
    }

    void ElasticProblem::buckling_together(const std::vector<unsigned> &cases)
    {
      StageLog::Scope t(log_, "buckling");
      // K_G: in one process each case's cells' matrices; in the SPMD run each process's share of
      // each, spread over the processes as K is (index k + 1 of the servers' matrices).
      std::vector<GeometricStiffness>                   cells;
      std::vector<std::unique_ptr<DistributedCholesky>> shared;
      std::vector<DistributedCholesky *>                held;
      std::vector<PencilMatrix>                         products;
      std::vector<BucklingRequest>                      requests(cases.size());
      std::vector<double>                               assembly(cases.size());
      cells.reserve(cases.size());
      products.reserve(cases.size());
      std::string names;
      for (std::size_t k = 0; k < cases.size(); ++k)
        {
          const LoadCaseSolution &l = solution_->load_cases[cases[k]];
          names += (k > 0 ? ", \"" : "\"") + l.name + "\" (" +
                   std::to_string(case_.load_cases[cases[k]].buckling_modes) + " modes)";
          const auto  t0 = std::chrono::steady_clock::now();
          StressRange range;
          if (lockstep())
            {
              shared.push_back(shared_geometric_stiffness(l, static_cast<int>(k + 1), range));
              held.push_back(shared.back().get());
              products.emplace_back(
                [m = held.back()](const double *x, double *y) { m->multiply(x, y); });
            }
          else
            {
              cells.emplace_back(solution_->dof_handler, constraints_);
              range = cells.back().assemble(model_, *solution_, l.displacement);
              products.push_back(cells.back().pencil());
            }
          requests[k].compression = range.compressed();
          requests[k].modes       = case_.load_cases[cases[k]].buckling_modes;
          requests[k].progress =
            eigen_progress("buckling of \"" + l.name + "\"", requests[k].modes);
          assembly[k] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
      for (std::size_t k = 0; k < cases.size(); ++k)
        requests[k].KG = &products[k];
      log_.message("buckling of " + names + ", the eigen solves side by side");
      std::vector<BucklingSolution> solved(cases.size());
      on_rank0([&] { solved = buckling_modes_together(factored(), requests, constraints_); }, held);
      shared.clear();
      for (std::size_t k = 0; k < cases.size(); ++k)
        {
          LoadCaseSolution &l         = solution_->load_cases[cases[k]];
          l.buckling                  = std::move(solved[k]);
          l.buckling.assembly_seconds = assembly[k];
          log_buckling(l, requests[k].compression, cases.size() > 1 ? " (with the others)" : "");
        }
    }

    void ElasticProblem::log_buckling(const LoadCaseSolution &l, bool compression,
                                      const std::string &solver_note)
    {
      std::ostringstream text;
      text.precision(4);
      text << "buckling of \"" << l.name << "\": ";
      if (!compression)
        text << "no compression anywhere, no buckling";
      else if (l.buckling.factors.empty())
        text << "no load factor below 1e6";
      else
        text << "load factors";
      for (double f : l.buckling.factors)
        text << " " << f;
      text << " (geometric stiffness " << l.buckling.assembly_seconds << " s, eigen solver"
           << solver_note << " " << l.buckling.seconds << " s: " << l.buckling.iterations
           << " restarts, " << l.buckling.products << " products"
           << (l.buckling.converged ? "" : "; NOT CONVERGED") << ")";
      log_.message(text.str());
    }

    // Natural frequencies on the modal support set: K + s M factorised (s > 0 keeps a free body
    // definite: its rigid-body modes come out at omega = 0), the largest 1 / (omega^2 + s).
    void ElasticProblem::vibration()
    {
      const ModalSpec &spec = *case_.modal;
      Solution        &s    = *solution_;
      modal_                = true;
      active_cases_.clear();
      active_.clear();
      if (!spec.free)
        {
          LoadCaseSpec holder;
          holder.supports = spec.supports;
          active_         = support_set(holder);
        }
      log_.message("modal: " + std::to_string(spec.modes) + " modes, " +
                   (active_.empty() ? std::string("free body")
                                    : std::to_string(active_.size()) + " supports"));
      build_constraints();
      assemble_system();
      // The shift: (2 pi 1 Hz)^2, below any body's first elastic mode.
      shift_                  = std::pow(2 * M_PI * 1.0, 2);
      const double shift      = shift_;
      double       structural = 0, added = 0;
      if (lockstep())
        {
          // Each process's share of M, added to its share of K and spread over the processes.
          SparseMatrix<double> M(share_pattern_);
          {
            StageLog::Scope t(log_, "assemble");
            std::tie(structural, added) =
              assemble_mass(model_, s, spec, constraints_, M, &share_cells_);
          }
          sum_over_processes(&structural, 1);
          share_.add(shift, M);
          eigen_matrix_ = shared_matrix(M, 1);
        }
      else
        {
          std::tie(structural, added) = [&] {
            StageLog::Scope t(log_, "assemble");
            serial_mass_.reinit(*sparsity_);
            return assemble_mass(model_, s, spec, constraints_, serial_mass_);
          }();
          stiffness_.add(shift, serial_mass_);
        }
      factorise();
      ModalSolution m;
      on_rank0([&] {
        StageLog::Scope t(log_, "modal");
        m = vibration_modes(factored(), shift, pencil(serial_mass_), constraints_, component_,
                            spec.modes, eigen_progress("natural frequencies", spec.modes));
      });
      eigen_matrix_.reset();
      serial_mass_.clear();
      if (lockstep() && rank_ > 0)
        {
          distributed_.reset();
          modal_ = false;
          return;
        }
      m.supports        = active_;
      m.structural_mass = structural;
      m.added_mass      = added;
      std::ostringstream text;
      text.precision(4);
      text << "modal: frequencies";
      for (double w2 : m.omega2)
        text << " " << std::sqrt(std::max(w2, 0.0)) / (2 * M_PI);
      text << " Hz (" << m.rigid_body_modes << " rigid-body modes, " << m.iterations
           << " restarts, " << m.products << " products" << (m.converged ? "" : "; NOT CONVERGED")
           << ")";
      log_.message(text.str());
      s.modal = std::move(m);
      cholesky_.reset();
      distributed_.reset();
      iterative_.reset();
      modal_ = false;
    }
  } // namespace

  double resident_memory_bytes()
  {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("VmRSS:", 0) == 0)
        return 1024 * std::atof(line.c_str() + 6);
    return 0;
  }

  double available_memory_bytes()
  {
    std::ifstream in("/proc/meminfo");
    std::string   key;
    double        kb;
    std::string   unit;
    while (in >> key >> kb >> unit)
      if (key == "MemAvailable:")
        return kb * 1024;
    return 1e300;
  }

  double memory_share(int sharing) { return 0.9 * available_memory_bytes() / std::max(sharing, 1); }

  double memory_limit(double limit_bytes)
  {
    return limit_bytes > 0 ? limit_bytes : memory_share(distributed_local_processes());
  }

  std::string memory_text(double bytes)
  {
    char text[64];
    if (bytes >= 1e9)
      std::snprintf(text, sizeof text, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1e6)
      std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
    else
      std::snprintf(text, sizeof text, "%.0f kB", bytes / 1e3);
    return text;
  }

  std::unique_ptr<Solution> solve_load_cases(const Model &model, const Case &c, StageLog &log,
                                             const SolverOptions &options)
  {
    return ElasticProblem(model, c, log, options).run();
  }
} // namespace lightbody
