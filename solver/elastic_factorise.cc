#include "solver/elastic_problem_steps.h"

#include "solver/cell_lines.h"
#include "solver/fingerprint.h"

#include <filesystem>
#include <fstream>
#include <numeric>

namespace lightbody
{
  using namespace dealii;

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
      return lockstep() ? iterative_together("chosen (--solver iterative)")
                        : prepare_iterative("chosen (--solver iterative)");
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
    int64_t                                *p = cholesky_->col_ptr(), *ri = cholesky_->row_index();
    double                                 *x = cholesky_->values();
    std::size_t                             k = 0;
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
        const double rate = stats.factor_seconds > 0     ? stats.factor_flops / stats.factor_seconds
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
        throw ModelError("the stiffness matrix is singular at the node " +
                         point_text(support_points_[failed]) + " (" +
                         std::string(1, "xyz"[component_[failed]]) + " direction)" + cases_text() +
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
    const double kept =
      keep_pattern() ? 24.0 * sparsity_->n_nonzero_elements() + 2 * lanczos_bytes(eigen_modes(), n)
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
  // the iterative solver instead, from the processes' shares (iterative_together).
  void ElasticProblem::factorise_together()
  {
    SolverStatistics &stats          = solution_->statistics;
    const auto        analysis_start = std::chrono::steady_clock::now();
    distributed_                     = shared_matrix(share_, 0);
    stats.matrix_nonzeros            = static_cast<std::size_t>(distributed_->nonzeros());
    share_.clear();
    // (the structure of the mass, a vibration analysis's shares; K_G is each band's cells'
    // matrices)
    if (!modal_)
      share_pattern_.reinit(0, 0, 0);
    const auto [bytes, analysis_seconds] = analyse_shared(analysis_start);
    // Rank 0 says whether the factor fits (its memory and options): 0 it does, 1 the iterative
    // solver instead, 2 neither (rank 0 throws the error).
    // (the eigen analysis's matrix: the mass spread like K, its upper half and diagonal, 12
    // bytes an entry, or K_G, each band's cells' matrices; and rank 0's rows of the Lanczos basis
    // and of its products with A, spread like K, with a step's vectors whole
    // (LIGHTBODY_SPREAD_BASIS=0: the basis whole, twice what it is on one process's CHOLMOD
    // factor))
    const double dofs   = static_cast<double>(solution_->dof_handler.n_dofs());
    const double matrix = std::max(
      modal_ ? 6.0 * (stats.matrix_nonzeros + dofs) / distributed_processes() : 0.0,
      buckling_cases().empty()
        ? 0.0
        : GeometricStiffness::band_bytes(model_.triangulation.n_active_cells(),
                                         solution_->dof_handler.n_dofs(), distributed_processes()));
    const double basis = spread_basis()
                           ? spread_lanczos_bytes(eigen_modes(), solution_->dof_handler.n_dofs(),
                                                  distributed_processes())
                           : 2 * lanczos_bytes(eigen_modes(), solution_->dof_handler.n_dofs());
    // (each of the analyses made at once: the set's buckling analyses side by side where that
    // fits, else one after the other)
    const auto kept_by = [&](long group) {
      return keep_pattern() ? static_cast<double>(group) * (matrix + basis) : 0.0;
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
          why               = too_large_for_direct(bytes + kept, kept, " on one of the processes");
          decision          = why.empty() ? 0 : 1;
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
        return iterative_together(why);
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
                             (extra > 0 ? " (with the buckling or vibration matrix)" : "") + where +
                             " but only " + memory_text(std::max(0.0, available)) + " may be used" +
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

  namespace
  {
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
  } // namespace

  void ElasticProblem::iterative_together(const std::string &why)
  {
    // (LIGHTBODY_SPREAD_ITERATIVE=0, bench/mpi_benchmark.py --iterative-peer only: rank 0
    // assembles the whole matrix alone, as before the processes' shares were used)
    static const bool spread = [] {
      const char *given = std::getenv("LIGHTBODY_SPREAD_ITERATIVE");
      return !given || std::string(given) != "0";
    }();
    if (!spread)
      {
        eigen_matrix_.reset();
        go_on_alone(); // (ranks 1..N-1 leave here)
        // Rank 0's whole matrix for the iterative solver.
        if (!sparsity_)
          make_sparsity();
        stiffness_.reinit(*sparsity_);
        solution_->statistics.matrix_nonzeros = sparsity_->n_nonzero_elements();
        assemble_system();
        if (modal_)
          assemble_serial_mass();
        return prepare_iterative(why);
      }
    // (the shares went into the shared factorisation's analysis: made again)
    if (share_.empty())
      {
        assemble_system();
        if (modal_)
          {
            eigen_matrix_.reset();
            shifted_mass_share();
          }
      }
    eigen_group_ = 1; // (the eigen analyses one after the other, as in one process)
    prepare_iterative(why);
  }

  void ElasticProblem::prepare_iterative(const std::string &why)
  {
    SolverStatistics &st     = solution_->statistics;
    const std::size_t n      = solution_->dof_handler.n_dofs();
    const bool        shares = lockstep();
    // The matrix the rows come from: the whole one, or this process's share.
    const SparseMatrix<double> &matrix = shares ? share_ : stiffness_;
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
          diagonal += std::abs(matrix.diag_element(line_order_[i]));
        }
    if (shares)
      {
        // (the shares' diagonals, positive, add up to the matrix's; its |K_ii| for round_off_N)
        sum_over_processes(&diagonal, 1);
        diagonal_.assign(n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
          diagonal_[i] = matrix.diag_element(i);
        sum_over_processes(diagonal_.data(), n);
        for (double &d : diagonal_)
          d = std::abs(d);
      }
    diagonal /= std::max<std::size_t>(n, 1);
    iterative_ = std::make_unique<IterativeSolver>();
    // What the solver will add to what the run holds (K too if an eigen analysis keeps it),
    // said with the choice, and a warning where it may not fit. (The subdomains are also the
    // leaner smoother: the line blocks' multigrid of many levels needs more.)
    const std::size_t subdomain = options_.iterative_subdomain_dofs;
    // (LOBPCG's blocks: under mpirun each process its rows, with three whole vectors for B's
    // products)
    const int    processes = iterative_->processes();
    const double eigen =
      eigen_modes() == 0 ? 0.0
      : shares && processes > 1
        ? preconditioned_eigen_bytes(n / static_cast<std::size_t>(processes), eigen_modes()) +
            24.0 * static_cast<double>(n)
        : preconditioned_eigen_bytes(n, eigen_modes());
    const double adds =
      static_cast<double>(m) *
        IterativeSolver::added_bytes_per_dof(subdomain, iterative_->processes()) +
      (keep_pattern() && sparsity_ ? 12.0 * sparsity_->n_nonzero_elements() : 0.0) + eigen;
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
    if (const unsigned modes = eigen_modes(); modes > 0)
      log_.message(iterative_eigen_note(modes, modal_ ? 1 : buckling_cases().size()));
    const auto row = [&](std::size_t i, std::vector<int> &columns, std::vector<double> &values) {
      columns.clear();
      values.clear();
      const auto dof = line_order_[i];
      // A placeholder: its own equation, x = 0 (from one process).
      if (dof == numbers::invalid_dof_index)
        {
          if (!shares || rank_ == 0)
            {
              columns.push_back(static_cast<int>(i));
              values.push_back(diagonal);
            }
          return;
        }
      // (a share's row outside its cells: only the structural diagonal, zero)
      if (shares && matrix.get_row_length(dof) == 1 && matrix.begin(dof)->value() == 0)
        return;
      for (auto it = matrix.begin(dof); it != matrix.end(dof); ++it)
        {
          columns.push_back(static_cast<int>(position[it->column()]));
          values.push_back(it->value());
        }
    };
    const double setup = shares ? iterative_->set_matrix_together(m, row, coordinates, 9, subdomain,
                                                                  [&] {
                                                                    // (the shares go once PETSc
                                                                    // holds the matrix)
                                                                    share_.clear();
                                                                    share_pattern_.reinit(0, 0, 0);
                                                                  })
                                : iterative_->set_matrix(m, row, coordinates, 9, subdomain, [&] {
                                    // K itself goes once PETSc holds its copy, before the
                                    // preconditioner is made (an eigen analysis multiplies by it:
                                    // kept).
                                    if (!keep_pattern())
                                      {
                                        stiffness_.clear();
                                        sparsity_.reset();
                                      }
                                  });
    if (shares)
      {
        // (every process: the rows' DoFs, for an eigen analysis's blocks held by rows)
        std::vector<long> row_dof(line_order_.size());
        for (std::size_t i = 0; i < row_dof.size(); ++i)
          row_dof[i] =
            line_order_[i] == numbers::invalid_dof_index ? -1 : static_cast<long>(line_order_[i]);
        iterative_->set_numbering(std::move(row_dof), n);
        st.matrix_nonzeros = iterative_->nonzeros() - (m - n); // (less the placeholders)
        log_.message("the iterative solver's matrix from the " +
                     std::to_string(distributed_processes()) +
                     " processes' shares, each assembling its band of cells");
      }
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

  std::vector<double> ElasticProblem::to_solver_numbering(const double *x) const
  {
    std::vector<double> y(line_order_.size(), 0.0);
    for (std::size_t i = 0; i < y.size(); ++i)
      if (line_order_[i] != numbers::invalid_dof_index)
        y[i] = x[line_order_[i]];
    return y;
  }

  void ElasticProblem::from_solver_numbering(const std::vector<double> &y, double *x) const
  {
    for (std::size_t i = 0; i < y.size(); ++i)
      if (line_order_[i] != numbers::invalid_dof_index)
        x[line_order_[i]] = y[i];
  }

  void ElasticProblem::iterative_solve(double *b, double tolerance, const std::string &what) const
  {
    SolverStatistics      &st    = solution_->statistics;
    const auto             start = std::chrono::steady_clock::now();
    std::vector<double>    x     = to_solver_numbering(b);
    const IterativeOutcome out =
      iterative_->solve(x.data(), tolerance, options_.iterative_max_iterations);
    from_solver_numbering(x, b);
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
        std::snprintf(text, sizeof(text), " in %d iterations (relative residual %.2e, asked %.1e)",
                      out.iterations, out.residual, tolerance);
        throw ModelError(what + ": the iterative solver " + out.reason + text + cases_text() +
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
} // namespace lightbody
