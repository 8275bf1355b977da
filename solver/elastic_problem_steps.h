#pragma once
// ElasticProblem, the class behind solve_load_cases (solver/elastic_problem.h), its steps read like
// the method section of a paper: set-up, assembly and solves, reactions (elastic_problem.cc), the
// choice of solver and the factorisations (elastic_factorise.cc), buckling and vibration
// (elastic_eigen.cc). Internal to solver/.
#include "solver/cholmod_factor.h"
#include "solver/distributed_factor.h"
#include "solver/eigen_analysis.h"
#include "solver/elastic_problem.h"
#include "solver/iterative_solver.h"
#include "input/errors.h"

#include <deal.II/base/multithread_info.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lightbody
{
  struct DistributedMesh;
  // "(1250.0, 0.0, -750.0) mm", for messages.
  std::string point_text(const dealii::Point<3> &p);
  // The hint, added to the messages of a body that is not held, that a wall may be too thin for
  // the body ("" when none is).
  std::string thin_wall_hint(const Model &model);

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
    // made by all. Where rank 0 goes on alone (only the benchmark's peer of the iterative
    // solver, LIGHTBODY_SPREAD_ITERATIVE=0), the others serve its commands and leave here.
    std::unique_ptr<Solution> run()
    {
      if (!together_)
        return run_sets();
      try
        {
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
          release_solved();
          buckling();
          compute_reactions();
        }
      if (case_.modal)
        vibration();
      return std::move(solution_);
    }

    const Model                                   &model_;
    const Case                                    &case_;
    StageLog                                      &log_;
    SolverOptions                                  options_;
    std::unique_ptr<Solution>                      solution_;
    std::shared_ptr<const dealii::SparsityPattern> sparsity_;
    dealii::SparseMatrix<double>                   stiffness_;
    std::unique_ptr<SparseCholesky>                cholesky_;
    std::unique_ptr<DistributedCholesky>         distributed_; // under mpirun: MUMPS over the ranks
    std::unique_ptr<IterativeSolver>             iterative_;   // CG with algebraic multigrid
    std::vector<dealii::types::global_dof_index> line_order_;  // its DoF numbering: new -> old
    dealii::AffineConstraints<double>            constraints_;
    // The ties' and straight fibres' constraints as made (before close(), which folds a
    // supported master into the inhomogeneity): DoF, then its masters; for the reactions.
    std::vector<std::pair<dealii::types::global_dof_index,
                          std::vector<std::pair<dealii::types::global_dof_index, double>>>>
                                  chains_;
    std::vector<bool>             straight_cells_; // by active cell: its centre line is straight
    std::vector<dealii::Point<3>> support_points_;
    std::vector<unsigned char>    component_;
    // The set's load cases' loads at the DoFs of the reactions (reaction_dofs, in order), by
    // the index among active_cases_, kept when the whole loads are freed.
    std::vector<std::vector<double>> reaction_loads_;
    std::vector<unsigned>            active_;        // supports of the set being solved
    std::vector<unsigned>            active_cases_;  // its load cases
    dealii::Vector<double>           lifting_;       // -K g of prescribed displacements g
    std::vector<double>              diagonal_;      // |K_ii| of the set's matrix, for round_off_N
    bool                             modal_ = false; // the modal support set is being built
    // The SPMD run: every process of the launch runs this solve; `alone_`: rank 0 has gone on
    // alone (the others serve it). This process's cells, its share of the matrix (their sums)
    // while the processes assemble together, and the matrix of an eigen analysis (K_G or M)
    // spread over the processes.
    const bool                                               together_;
    const int                                                rank_;
    bool                                                     alone_ = false;
    std::vector<dealii::DoFHandler<3>::active_cell_iterator> share_cells_;
    // The model's mesh spread over the processes (solver/distributed_mesh.h): share_cells_ are
    // its own cells, on its mapping (null: one process, or more processes than cells).
    std::shared_ptr<DistributedMesh>     mesh_;
    bool                                 share_cells_spread_ = false;
    dealii::SparsityPattern              share_pattern_;
    dealii::SparseMatrix<double>         share_;
    std::unique_ptr<DistributedCholesky> eigen_matrix_;
    // Vibration: the shift s of K + s M, and (one process, or rank 0 alone) the mass matrix.
    double                       shift_ = 0;
    dealii::SparseMatrix<double> serial_mass_;
    // The matrix spread over the processes from each one's share (collective).
    // (share is freed once read)
    std::unique_ptr<DistributedCholesky> shared_matrix(dealii::SparseMatrix<double> &share,
                                                       int                           index) const;
    // Rank 0's (or one process's) whole mass matrix of the modal set, added with the shift.
    void assemble_serial_mass();
    // The processes still work together (not rank 0 alone).
    bool lockstep() const { return together_ && !alone_; }
    // The mapping of share_cells_' mesh: the spread mesh's, or null (the model's own).
    const dealii::Mapping<3> *cells_mapping() const;
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
    void follow(DistributedCholesky *shared, const std::vector<DistributedCholesky *> &others = {})
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
      unsigned                                     support; // index into case_.supports
      std::vector<dealii::types::global_dof_index> dofs;
      dealii::FullMatrix<double>                   k;
    };
    std::vector<Spring> springs_; // the active set's, as assembled, for their reactions
    std::vector<Spring> elastic_blocks() const;
    void                assemble_loads();
    void                check_rigid_body_modes() const;
    // For the message of a free body: what each support of the set holds.
    std::string held_by_supports() const;
    void        factorise();
    void        factorise_distributed();
    // The iterative solver instead of a factorisation; `why` is said in the log. In the SPMD
    // run (lockstep) made by the processes together from their shares of the matrix.
    void prepare_iterative(const std::string &why);
    // The SPMD run's iterative solver: from the processes' shares (assembled again where the
    // shared factorisation's analysis took them: K, or K + s M of a vibration analysis), so that
    // no process holds the whole matrix.
    void iterative_together(const std::string &why);
    // Solves K x = b in place with the iterative solver; throws ModelError if it does not
    // converge (`what` names the solve).
    void iterative_solve(double *b, double tolerance, const std::string &what) const;
    // A vector of the DoFs in the iterative solver's numbering (line_order_; zero at its
    // placeholders), and back.
    std::vector<double> to_solver_numbering(const double *x) const;
    void                from_solver_numbering(const std::vector<double> &y, double *x) const;
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
      return memory_available() - (options_.memory_limit_bytes > 0 ? resident_memory_bytes() : 0.0);
    }
    bool analyse_with_cache();
    bool analyse_with_ordering_cache(uint64_t fingerprint);
    void solve();
    // The solved load cases' loads freed (their sums kept, rank 0 their values at the DoFs of
    // the reactions), and the other processes' copies of what they no longer read.
    void release_solved();
    // The DoFs whose forces the reactions take, by DoF: the rigidly held DoFs and every DoF
    // that ties or straight fibres make follow one of them, at any depth.
    std::vector<bool> reaction_dofs() const;
    // The SPMD run: the other processes' copy of load case i's displacements, once they have
    // made what they need of it (see release_solved).
    void release_displacement(unsigned i);
    void compute_reactions();
    void buckling();
    // The buckling analyses of `cases` side by side: on one process's CHOLMOD factor, or on the
    // factor shared by the processes (the SPMD run: rank 0's eigen solves in threads, each
    // step's solves of all of them one solve phase of MUMPS).
    void buckling_together(const std::vector<unsigned> &cases);
    // The SPMD run: K_G of load case l, each process holding its band of cells' matrices, the
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
        if (case_.load_cases[i].has_buckling())
          cases.push_back(i);
      return cases;
    }
    // How many buckling analyses run side by side: the run's threads, at most four.
    static std::size_t buckling_group()
    {
      return std::clamp<std::size_t>(dealii::MultithreadInfo::n_threads(), 1, together_buckling);
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
    void log_buckling(const LoadCaseSolution &l, bool compression, const std::string &solver_note);
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
    // The SPMD run's vibration set: each process's share of the mass M added to its share of K
    // as shift_ M, M spread over the processes (eigen_matrix_); the structural mass summed and
    // the added mass, tonne.
    std::pair<double, double> shifted_mass_share();
    // B of an eigen analysis: `serial` (one process, or rank 0 alone), or products with the
    // matrix spread over the processes (eigen_matrix_).
    PencilMatrix pencil(const dealii::SparseMatrix<double> &serial) const
    {
      if (!lockstep())
        return PencilMatrix(serial);
      return shared_pencil(eigen_matrix_.get(), 1);
    }
    // B of an eigen analysis spread over the processes: `m`, held by the others as their
    // matrix of that index while they serve rank 0.
    static PencilMatrix shared_pencil(const DistributedCholesky *m, long index)
    {
      PencilMatrix p([m](const double *x, double *y) { m->multiply(x, y); });
      p.shared = index;
      p.part   = [m] { return m->spread_product(); };
      return p;
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
          f.solve_columns = [this](double *const *x, std::size_t k) { distributed_->solve(x, k); };
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
          // The eigen analyses run as LOBPCG with the preconditioner (below); the solves are
          // the Lanczos process's, its benchmark peer's (LIGHTBODY_EIGEN=lanczos), which takes
          // them as exact: tighter than a load case's (a tenth of its residual: eigenvalues to
          // 1e-7 of the direct solver's on the plates of the tests).
          f.solve = [this](double *x) {
            iterative_solve(x, 0.1 * options_.iterative_tolerance, "the eigen analysis");
          };
          f.multiply = [this](const double *x, double *y) {
            if (!lockstep())
              return PencilMatrix(stiffness_).vmult(x, y, stiffness_.m());
            // (the processes' matrix, in the solver's numbering)
            const std::vector<double> in = to_solver_numbering(x);
            std::vector<double>       out(in.size());
            iterative_->multiply(in.data(), out.data());
            from_solver_numbering(out, y);
          };
          f.precondition = [this](const double *x, double *y) {
            const std::vector<double> in = to_solver_numbering(x);
            std::vector<double>       out(in.size());
            iterative_->precondition(in.data(), out.data());
            from_solver_numbering(out, y);
          };
          // (the processes holding the matrix by rows, each its share's: LOBPCG's blocks too)
          if (lockstep() && iterative_->numbered())
            f.spread = [this](const PencilMatrix &B) {
              return iterative_->spread_rows(B.shared, B.part());
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
} // namespace lightbody
