#include "solver/iterative_solver.h"
#include "solver/rigid_body_modes.h"

#include "solver/cholmod_factor.h"
#include "solver/eigen_solver.h"
#include "solver/petsc_commands.h"

#include <deal.II/base/multithread_info.h>

#include <mpi.h>
#include <petscksp.h>
// (the preconditioner's function table, to register a type of our own: PETSc's private header)
#include <petsc/private/pcimpl.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <cstdlib>
#include <limits>
#include <exception>
#include <string>
#include <system_error>
#include <thread>

namespace lightbody
{
  using namespace petsc;

  namespace
  {
    // The first row of rank r: whole blocks, as even as they come.
    PetscInt first_row(long n, long block, int r, int processes)
    {
      const long blocks = n / block;
      return static_cast<PetscInt>(block * (blocks * r / processes));
    }

    // Sets an option of PETSc's database (clears it for an empty value) unless the user's
    // PETSC_OPTIONS set it; a value this program set for an earlier matrix is replaced.
    void default_option(const char *name, const std::string &value)
    {
      static std::set<std::string> own;
      PetscBool                    given = PETSC_FALSE;
      check(PetscOptionsHasName(nullptr, nullptr, name, &given), "PetscOptionsHasName");
      if (given && !own.count(name))
        return;
      own.insert(name);
      if (value.empty())
        check(PetscOptionsClearValue(nullptr, name), "PetscOptionsClearValue");
      else
        check(PetscOptionsSetValue(nullptr, name, value.c_str()), "PetscOptionsSetValue");
    }

    // Additive Schwarz in one process, each subdomain's matrix factorised by CHOLMOD and then
    // released (PETSc's PCASM keeps a copy of every subdomain's matrix beside its factor: about
    // 1.5 times the matrix). Subdomains: about `-pc_subdomain_dofs` consecutive rows (whole
    // blocks of the matrix's block size), each with the rows its rows couple to (one layer of
    // overlap); y = sum_i R_i^T A_i^-1 R_i x, symmetric (basic additive Schwarz).
    // Over processes (an MPIAIJ matrix) each process's own rows are split into its subdomains,
    // whose overlap reaches into the rows of other processes as it would in one process: the
    // process's rows with the rows they couple to are its "set" (SetRows; the other processes'
    // rows fetched for the set-up and released after it); each application gathers x on the
    // set and adds the set's results back into y, other processes' rows included.
    struct Subdomains
    {
      std::vector<std::vector<PetscInt>>           rows; // sorted, with the overlap
      std::vector<std::unique_ptr<SparseCholesky>> factors;
      std::vector<std::vector<double>>             sums; // the helper threads' (subdomains_apply)
      // The subdomains whose factors are in single precision, and the others (in double)
      std::vector<std::size_t> singles, doubles;
      std::string failure; // why the last set-up or apply failed (PETSc's error text carries it)
      // Over processes: x on the set (x_set), the set's results (y_set), the scatter between.
      VecScatter scatter = nullptr;
      Vec        x_set = nullptr, y_set = nullptr;

      // (all of it: before a set-up, and at the end)
      void clear()
      {
        rows.clear();
        factors.clear();
        singles.clear();
        doubles.clear();
        VecScatterDestroy(&scatter);
        VecDestroy(&x_set);
        VecDestroy(&y_set);
      }
    };

    // The subdomains' factors kept in single precision (SparseCholesky::keep_single_precision;
    // LIGHTBODY_SINGLE_SUBDOMAINS=0, for bench/iterative_benchmark.py's peer: double). The
    // smoother is a preconditioner, its solves need not be exact: rounding the factors' values
    // to single precision left the iterations and residuals of cases/tank_shell_5083.yaml at
    // 120 mm (49, 44) and of the van body (104, 106, ...) unchanged (2026-12-05), and halves
    // the memory the factors hold and the memory each of the smoother's solves reads.
    bool single_subdomains()
    {
      static const bool on = [] {
        const char *v = std::getenv("LIGHTBODY_SINGLE_SUBDOMAINS");
        return !(v && std::string(v) == "0");
      }();
      return on;
    }

    // The threads the smoother's subdomain solves run on: the run's (--threads; under mpirun
    // each process's share of its machine's cores), or LIGHTBODY_SUBDOMAIN_THREADS (read for
    // bench/iterative_benchmark.py's peer). On the 2-core machine, one process, 2026-12-06:
    // cases/tank_shell_5083.yaml at 60 mm (356 k DoFs) the solves 0.79 times the time on one
    // thread, at 120 mm 0.73, the same iterations; each helper adds a vector of the rows.
    std::size_t subdomain_threads()
    {
      static const int given = [] {
        const char *v = std::getenv("LIGHTBODY_SUBDOMAIN_THREADS");
        return v ? std::max(1, std::atoi(v)) : 0;
      }();
      return static_cast<std::size_t>(given > 0 ? given : dealii::MultithreadInfo::n_threads());
    }

    // A process's set of rows read where they are, without a copy: its own rows (the sequential
    // matrix's, or an MPIAIJ matrix's diagonal and off-diagonal parts, the latter's columns
    // mapped into the set), and the rows of other processes it couples to (a sequential matrix
    // of those rows, its columns the set's). The set's indices: the sorted global rows.
    struct SetRows
    {
      struct Part // compressed rows
      {
        const PetscInt    *ia = nullptr, *ja = nullptr;
        const PetscScalar *a = nullptr;
      };
      Part                  own, off, ghosts;
      PetscInt              core = 0, cores = 0, size = 0; // own rows: core .. core + cores - 1
      std::vector<PetscInt> off_column;                    // off's column -> the set's index

      // f(column, value) over row i's entries, columns (the set's indices) increasing.
      template <class F>
      void row(PetscInt i, F &&f) const
      {
        if (i < core || i >= core + cores)
          {
            const PetscInt g = i < core ? i : i - cores;
            for (PetscInt e = ghosts.ia[g]; e < ghosts.ia[g + 1]; ++e)
              f(ghosts.ja[e], ghosts.a[e]);
            return;
          }
        const PetscInt l = i - core;
        PetscInt       e = off.ia ? off.ia[l] : 0, stop = off.ia ? off.ia[l + 1] : 0;
        for (; e < stop && off_column[off.ja[e]] < core; ++e)
          f(off_column[off.ja[e]], off.a[e]);
        for (PetscInt d = own.ia[l]; d < own.ia[l + 1]; ++d)
          f(core + own.ja[d], own.a[d]);
        for (; e < stop; ++e)
          f(off_column[off.ja[e]], off.a[e]);
      }
    };

    // Compressed rows of a sequential AIJ matrix, read in place (released by the destructor).
    struct ReadRows
    {
      Mat            A    = nullptr;
      PetscInt       m    = 0;
      PetscBool      done = PETSC_FALSE;
      SetRows::Part  part;
      PetscErrorCode open(Mat B)
      {
        A = B;
        PetscCall(MatGetRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &m, &part.ia, &part.ja, &done));
        if (!done)
          SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "subdomains: no compressed rows");
        PetscCall(MatSeqAIJGetArrayRead(A, &part.a));
        return 0;
      }
      ~ReadRows()
      {
        if (part.a)
          MatSeqAIJRestoreArrayRead(A, &part.a);
        if (done)
          MatRestoreRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &m, &part.ia, &part.ja, &done);
      }
    };

    // The subdomains of the set's own rows (whole blocks of bs rows, about `size` rows each),
    // each with the rows of the set its rows couple to, factorised into s.
    PetscErrorCode factorise_subdomains(Subdomains &s, const SetRows &set, PetscInt bs,
                                        PetscInt size)
    {
      const PetscInt blocks = set.cores / bs,
                     count  = std::max<PetscInt>(1, (set.cores + size - 1) / size);
      std::vector<PetscInt> local(static_cast<std::size_t>(set.size), -1);
      PetscErrorCode        error = 0;
      try
        {
          for (PetscInt k = 0; k < count; ++k)
            {
              const PetscInt lo = set.core + bs * (blocks * k / count),
                             hi = set.core + bs * (blocks * (k + 1) / count);
              std::vector<PetscInt> rows;
              for (PetscInt i = lo; i < hi; ++i)
                set.row(i, [&](PetscInt c, PetscScalar) {
                  if (local[c] < 0)
                    local[c] = 0, rows.push_back(c);
                });
              std::sort(rows.begin(), rows.end());
              const auto size_k = static_cast<PetscInt>(rows.size());
              for (PetscInt j = 0; j < size_k; ++j)
                local[rows[j]] = j;
              // The lower triangle in compressed columns: column j holds row j's entries of
              // columns j and after (both sorted).
              std::size_t nnz = 0;
              for (PetscInt j = 0; j < size_k; ++j)
                set.row(rows[j], [&](PetscInt c, PetscScalar) { nnz += local[c] >= j; });
              auto f = std::make_unique<SparseCholesky>();
              f->allocate(static_cast<std::size_t>(size_k), nnz);
              int64_t    *p = f->col_ptr(), *r = f->row_index();
              double     *x = f->values();
              std::size_t t = 0;
              for (PetscInt j = 0; j < size_k; ++j)
                {
                  p[j] = static_cast<int64_t>(t);
                  set.row(rows[j], [&](PetscInt c, PetscScalar v) {
                    if (local[c] >= j)
                      r[t] = local[c], x[t] = v, ++t;
                  });
                }
              p[size_k] = static_cast<int64_t>(t);
              for (PetscInt row : rows)
                local[row] = -1;
              f->analyse();
              if (const long row = f->factorise(); row >= 0)
                {
                  error     = PETSC_ERR_MAT_CH_ZRPVT;
                  s.failure = "subdomain " + std::to_string(k + 1) + " of " +
                              std::to_string(count) + " is not positive definite (at its row " +
                              std::to_string(row) + ")";
                  break;
                }
              f->release_matrix();
              // (the factor in single precision: see single_subdomains)
              if (single_subdomains())
                f->keep_single_precision();
              (f->single_precision() ? s.singles : s.doubles).push_back(s.factors.size());
              s.rows.push_back(std::move(rows));
              s.factors.push_back(std::move(f));
            }
        }
      catch (const std::exception &e)
        {
          error     = PETSC_ERR_MEM;
          s.failure = e.what();
        }
      if (error)
        SETERRQ(PETSC_COMM_SELF, error, "a subdomain's factorisation failed: %s",
                s.failure.c_str());
      return 0;
    }

    PetscErrorCode subdomains_setup(PC pc)
    {
      auto &s = *static_cast<Subdomains *>(pc->data);
      s.clear();
      Mat       A          = pc->pmat;
      PetscBool sequential = PETSC_FALSE, distributed = PETSC_FALSE;
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(A), MATSEQAIJ, &sequential);
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(A), MATMPIAIJ, &distributed);
      if (!sequential && !distributed)
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "subdomains: an AIJ matrix only");
      PetscInt n = 0, bs = 1, size = 10000;
      PetscCall(MatGetSize(A, &n, nullptr));
      PetscCall(MatGetBlockSize(A, &bs));
      const char *prefix = nullptr;
      PetscCall(PCGetOptionsPrefix(pc, &prefix));
      PetscCall(PetscOptionsGetInt(nullptr, prefix, "-pc_subdomain_dofs", &size, nullptr));
      size = std::max(size, bs);
      SetRows rows;
      if (sequential)
        {
          ReadRows own;
          PetscCall(own.open(A));
          rows.own   = own.part;
          rows.cores = rows.size = n;
          return factorise_subdomains(s, rows, bs, size);
        }

      // The process's set: its rows and the rows of other processes its rows couple to (the
      // off-diagonal part's columns, sorted), the latter fetched as a sequential matrix.
      PetscInt first = 0, end = 0;
      PetscCall(MatGetOwnershipRange(A, &first, &end));
      Mat             own = nullptr, off = nullptr;
      const PetscInt *columns = nullptr;
      PetscCall(MatMPIAIJGetSeqAIJ(A, &own, &off, &columns));
      PetscInt offs = 0;
      PetscCall(MatGetSize(off, nullptr, &offs));
      std::vector<PetscInt> ghosts(columns, columns + offs);
      if (!std::is_sorted(ghosts.begin(), ghosts.end()))
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "subdomains: unsorted off-diagonal columns");
      rows.core  = static_cast<PetscInt>(std::lower_bound(ghosts.begin(), ghosts.end(), first) -
                                        ghosts.begin());
      rows.cores = end - first;
      rows.size  = offs + rows.cores;
      rows.off_column.resize(static_cast<std::size_t>(offs));
      for (PetscInt c = 0; c < offs; ++c)
        rows.off_column[c] = c < rows.core ? c : c + rows.cores;
      std::vector<PetscInt> set(ghosts.begin(), ghosts.begin() + rows.core);
      for (PetscInt i = first; i < end; ++i)
        set.push_back(i);
      set.insert(set.end(), ghosts.begin() + rows.core, ghosts.end());
      IS set_is = nullptr, ghost_is = nullptr;
      PetscCall(
        ISCreateGeneral(PETSC_COMM_SELF, rows.size, set.data(), PETSC_COPY_VALUES, &set_is));
      PetscCall(
        ISCreateGeneral(PETSC_COMM_SELF, offs, ghosts.data(), PETSC_COPY_VALUES, &ghost_is));
      Mat           *fetched = nullptr;
      PetscErrorCode error   = 0;
      PetscCall(MatCreateSubMatrices(A, 1, &ghost_is, &set_is, MAT_INITIAL_MATRIX, &fetched));
      {
        // (an error here still frees the fetched rows and the index sets below)
        ReadRows mine, theirs, coupled;
        error = mine.open(own);
        if (!error)
          error = theirs.open(off);
        if (!error)
          error = coupled.open(fetched[0]);
        rows.own    = mine.part;
        rows.off    = theirs.part;
        rows.ghosts = coupled.part;
        if (!error)
          error = factorise_subdomains(s, rows, bs, size);
      }
      PetscCall(MatDestroySubMatrices(1, &fetched));
      // (a failure in one process fails them all here, before the scatter's collective set-up)
      int failed = error != 0;
      MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX,
                    PetscObjectComm(reinterpret_cast<PetscObject>(A)));
      if (failed && error == 0)
        {
          s.failure = "in another process";
          error     = PETSC_ERR_MAT_CH_ZRPVT;
        }
      if (error == 0)
        {
          Vec whole = nullptr;
          PetscCall(MatCreateVecs(A, &whole, nullptr));
          PetscCall(VecCreateSeq(PETSC_COMM_SELF, rows.size, &s.x_set));
          PetscCall(VecDuplicate(s.x_set, &s.y_set));
          PetscCall(VecScatterCreate(whole, set_is, s.x_set, nullptr, &s.scatter));
          PetscCall(VecDestroy(&whole));
        }
      PetscCall(ISDestroy(&set_is));
      PetscCall(ISDestroy(&ghost_is));
      if (error)
        SETERRQ(PETSC_COMM_SELF, error, "a subdomain's factorisation failed: %s",
                s.failure.c_str());
      return 0;
    }

    // y = sum_i R_i^T A_i^-1 R_i x over the subdomains of s, x and y this process's vectors
    // (the set's over processes).
    PetscErrorCode apply_subdomains(Subdomains &s, Vec x, Vec y)
    {
      const PetscScalar *xa = nullptr;
      PetscScalar       *ya = nullptr;
      PetscCall(VecSet(y, 0.0));
      PetscCall(VecGetArrayRead(x, &xa));
      PetscCall(VecGetArray(y, &ya));
      PetscErrorCode error = 0;
      try
        {
          // The subdomains' solves in threads (subdomain_threads): each thread a contiguous
          // run of the subdomains whose factors are in single precision (this program's own
          // solve), adding into its own vector, the first into y; the others, in double
          // (CHOLMOD's solve, which sets the BLAS's threads), after them in this thread.
          const std::size_t count = s.singles.size();
          const std::size_t threads =
            std::max<std::size_t>(1, std::min<std::size_t>(subdomain_threads(), count));
          PetscInt n = 0;
          PetscCall(VecGetLocalSize(y, &n));
          s.sums.resize(threads > 1 ? threads - 1 : 0);
          auto run = [&](std::size_t t, bool single) {
            double *out = t == 0 ? ya : s.sums[t - 1].data();
            if (t > 0)
              std::fill(s.sums[t - 1].begin(), s.sums[t - 1].end(), 0.0);
            std::vector<double> work;
            const auto         &which = single ? s.singles : s.doubles;
            const std::size_t   begin = single ? count * t / threads : 0;
            const std::size_t   end   = single ? count * (t + 1) / threads : which.size();
            for (std::size_t i = begin; i < end; ++i)
              {
                const std::size_t k    = which[i];
                const auto       &rows = s.rows[k];
                work.resize(rows.size());
                for (std::size_t j = 0; j < rows.size(); ++j)
                  work[j] = xa[rows[j]];
                s.factors[k]->solve(work.data());
                for (std::size_t j = 0; j < rows.size(); ++j)
                  out[rows[j]] += work[j];
              }
          };
          for (auto &v : s.sums)
            v.resize(static_cast<std::size_t>(n));
          std::vector<std::thread>        helpers;
          std::vector<std::exception_ptr> failed(threads);
          auto                            guarded = [&](std::size_t t) {
            try
              {
                run(t, true);
              }
            catch (...)
              {
                failed[t] = std::current_exception();
              }
          };
          for (std::size_t t = 1; t < threads; ++t)
            try
              {
                helpers.emplace_back(guarded, t);
              }
            catch (const std::system_error &) // (no thread to be had: its share here)
              {
                guarded(t);
              }
          guarded(0);
          for (auto &h : helpers)
            h.join();
          for (auto &f : failed)
            if (f)
              std::rethrow_exception(f);
          for (const auto &v : s.sums)
            for (PetscInt i = 0; i < n; ++i)
              ya[i] += v[static_cast<std::size_t>(i)];
          run(0, false);
        }
      catch (const std::exception &e)
        {
          error     = PETSC_ERR_MEM;
          s.failure = e.what();
        }
      PetscCall(VecRestoreArray(y, &ya));
      PetscCall(VecRestoreArrayRead(x, &xa));
      if (error)
        SETERRQ(PETSC_COMM_SELF, error, "a subdomain's solve failed: %s", s.failure.c_str());
      return 0;
    }

    PetscErrorCode subdomains_apply(PC pc, Vec x, Vec y)
    {
      auto &s = *static_cast<Subdomains *>(pc->data);
      if (!s.scatter)
        return apply_subdomains(s, x, y);
      PetscCall(VecScatterBegin(s.scatter, x, s.x_set, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(s.scatter, x, s.x_set, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(apply_subdomains(s, s.x_set, s.y_set));
      PetscCall(VecSet(y, 0.0));
      PetscCall(VecScatterBegin(s.scatter, s.y_set, y, ADD_VALUES, SCATTER_REVERSE));
      PetscCall(VecScatterEnd(s.scatter, s.y_set, y, ADD_VALUES, SCATTER_REVERSE));
      return 0;
    }

    PetscErrorCode subdomains_destroy(PC pc)
    {
      if (pc->data)
        static_cast<Subdomains *>(pc->data)->clear();
      delete static_cast<Subdomains *>(pc->data);
      pc->data = nullptr;
      return 0;
    }

    PetscErrorCode create_subdomains(PC pc)
    {
      pc->data         = new Subdomains;
      pc->ops->setup   = subdomains_setup;
      pc->ops->apply   = subdomains_apply;
      pc->ops->destroy = subdomains_destroy;
      return 0;
    }

    // The type's name in PETSc's options (-mg_levels_pc_type lightbody_subdomains).
    const char *register_subdomains()
    {
      static std::once_flag once;
      std::call_once(
        once, [] { check(PCRegister("lightbody_subdomains", create_subdomains), "PCRegister"); });
      return "lightbody_subdomains";
    }
  } // namespace

  // The PETSc objects of one matrix and its preconditioner, alike on every process; every rank
  // holds a band of rows.
  struct IterativeSolver::Impl
  {
    Mat         A = nullptr;
    Vec         b = nullptr, x = nullptr;
    KSP         ksp           = nullptr;
    VecScatter  gather        = nullptr; // the distributed solution to rank 0
    Vec         whole         = nullptr; // ... into this sequential vector
    long        n             = 0;
    long        block         = 3;
    long        subdomain     = 10000; // DoFs of the smoother's subdomains (0: line blocks)
    double      setup_seconds = 0, grid = 0;
    std::size_t nonzeros = 0;
    int         levels   = 0;
    // (set_numbering) every row's DoF, -1 for a placeholder, and the DoFs in all
    std::vector<long> order;
    std::size_t       dofs = 0;

    PetscInt begin() const { return first_row(n, block, rank(), size()); }
    // (set_numbering called for this matrix)
    bool     numbered() const { return n > 0 && order.size() == static_cast<std::size_t>(n); }
    PetscInt end() const { return first_row(n, block, rank() + 1, size()); }
    PetscInt local() const { return end() - begin(); }

    // Collective. Rank 0 gives the rows and coordinates; the others pass none. `together`:
    // every process gives the rows of its share (added up) and all coordinates.
    void create(const RowFunction *row, const std::vector<double> *coordinates,
                const std::function<void()> *copied = nullptr, bool together = false)
    {
      const int processes = size();
      if (processes > 1)
        {
          long sizes[2] = {block, subdomain};
          MPI_Bcast(sizes, 2, MPI_LONG, 0, MPI_COMM_WORLD);
          block = sizes[0], subdomain = sizes[1];
        }
      // Preallocation: rank 0 counts every row's entries in and outside its owner's diagonal
      // block and sends each rank its rows' counts (together: each process its share's, added
      // up on the owners, at most the row's length).
      std::vector<PetscInt> diagonal, off_diagonal;
      std::vector<int>      columns;
      std::vector<double>   values;
      std::vector<PetscInt> counts_d(static_cast<std::size_t>(local())),
        counts_o(static_cast<std::size_t>(local()));
      // Rows with their diagonal alone (constrained DoFs, placeholders): not part of the
      // rigid-body modes.
      std::vector<bool> alone;
      // (together: whether any share's row has an entry off the diagonal)
      std::vector<unsigned char> coupled;
      if (row)
        {
          diagonal.resize(static_cast<std::size_t>(n));
          off_diagonal.resize(static_cast<std::size_t>(n));
          alone.resize(static_cast<std::size_t>(n));
          coupled.resize(together ? static_cast<std::size_t>(n) : 0);
          int owner = 0;
          for (long i = 0; i < n; ++i)
            {
              while (i >= first_row(n, block, owner + 1, processes))
                ++owner;
              const PetscInt lo = first_row(n, block, owner, processes),
                             hi = first_row(n, block, owner + 1, processes);
              (*row)(static_cast<std::size_t>(i), columns, values);
              PetscInt in = 0;
              for (int c : columns)
                in += c >= lo && c < hi;
              diagonal[i]     = in;
              off_diagonal[i] = static_cast<PetscInt>(columns.size()) - in;
              alone[i]        = columns.size() == 1 && columns[0] == i;
              if (together)
                coupled[i] =
                  std::any_of(columns.begin(), columns.end(), [&](int c) { return c != i; });
            }
        }
      if (processes > 1)
        {
          std::vector<int> sizes(processes), offsets(processes);
          for (int r = 0; r < processes; ++r)
            {
              offsets[r] = first_row(n, block, r, processes);
              sizes[r]   = first_row(n, block, r + 1, processes) - offsets[r];
            }
          if (together)
            {
              MPI_Reduce_scatter(diagonal.data(), counts_d.data(), sizes.data(), MPIU_INT, MPI_SUM,
                                 MPI_COMM_WORLD);
              MPI_Reduce_scatter(off_diagonal.data(), counts_o.data(), sizes.data(), MPIU_INT,
                                 MPI_SUM, MPI_COMM_WORLD);
              for (PetscInt i = 0; i < local(); ++i)
                {
                  counts_d[i] = std::min(counts_d[i], local());
                  counts_o[i] = std::min(counts_o[i], static_cast<PetscInt>(n) - local());
                }
              MPI_Allreduce(MPI_IN_PLACE, coupled.data(), static_cast<int>(n), MPI_UNSIGNED_CHAR,
                            MPI_MAX, MPI_COMM_WORLD);
              for (long i = 0; i < n; ++i)
                alone[i] = !coupled[i];
              std::vector<unsigned char>().swap(coupled);
            }
          else
            {
              MPI_Scatterv(diagonal.data(), sizes.data(), offsets.data(), MPIU_INT, counts_d.data(),
                           static_cast<int>(local()), MPIU_INT, 0, MPI_COMM_WORLD);
              MPI_Scatterv(off_diagonal.data(), sizes.data(), offsets.data(), MPIU_INT,
                           counts_o.data(), static_cast<int>(local()), MPIU_INT, 0, MPI_COMM_WORLD);
            }
        }
      else
        counts_d = diagonal, counts_o = off_diagonal;
      std::vector<PetscInt>().swap(diagonal);
      std::vector<PetscInt>().swap(off_diagonal);

      check(MatCreate(PETSC_COMM_WORLD, &A), "MatCreate");
      check(MatSetSizes(A, local(), local(), n, n), "MatSetSizes");
      check(MatSetType(A, processes > 1 ? MATMPIAIJ : MATSEQAIJ), "MatSetType");
      check(MatSetBlockSize(A, static_cast<PetscInt>(block)), "MatSetBlockSize");
      if (processes > 1)
        check(MatMPIAIJSetPreallocation(A, 0, counts_d.data(), 0, counts_o.data()),
              "preallocation");
      else
        check(MatSeqAIJSetPreallocation(A, 0, counts_d.data()), "preallocation");
      std::vector<PetscInt>().swap(counts_d);
      std::vector<PetscInt>().swap(counts_o);
      if (row)
        {
          std::vector<PetscInt> cols;
          for (PetscInt i = 0; i < n; ++i)
            {
              (*row)(static_cast<std::size_t>(i), columns, values);
              if (columns.empty())
                continue;
              cols.assign(columns.begin(), columns.end());
              // (together: the shares added, a row of another process's sent at assembly)
              check(MatSetValues(A, 1, &i, static_cast<PetscInt>(cols.size()), cols.data(),
                                 values.data(), together ? ADD_VALUES : INSERT_VALUES),
                    "MatSetValues");
            }
        }
      assemble_spd(A, &x, &b);
      MatInfo info;
      check(MatGetInfo(A, MAT_GLOBAL_SUM, &info), "MatGetInfo");
      nonzeros = static_cast<std::size_t>(info.nz_used);
      if (copied && *copied)
        (*copied)();

      // The six rigid-body modes, from the nodes' coordinates (about their centre, made
      // orthonormal); zero at placeholders (NaN coordinates) and rows of their diagonal alone
      // (a constrained DoF: a mode that moved it would not be one of the matrix's).
      std::vector<double> mode;
      double              centre[3] = {0, 0, 0};
      if (coordinates)
        {
          long count = 0;
          for (long i = 0; i < n; ++i)
            if (!std::isnan((*coordinates)[i]))
              centre[i % 3] += (*coordinates)[i], ++count;
          for (double &c : centre)
            c /= std::max(count / 3, 1L);
        }
      // (rank 0's whole vectors to and from the rows of the processes)
      check(VecScatterCreateToZero(x, &gather, &whole), "VecScatterCreateToZero");
      Vec modes[6];
      for (int k = 0; k < 6; ++k)
        {
          if (coordinates)
            {
              mode.assign(static_cast<std::size_t>(n), 0.0);
              for (long i = 0; i < n; ++i)
                {
                  const long base = i - i % 3;
                  if (std::isnan((*coordinates)[base]) || alone[static_cast<std::size_t>(i)])
                    continue;
                  const int    c    = static_cast<int>(i % 3);
                  const double p[3] = {(*coordinates)[base] - centre[0],
                                       (*coordinates)[base + 1] - centre[1],
                                       (*coordinates)[base + 2] - centre[2]};
                  mode[i] = rigid_body_mode(static_cast<unsigned>(k), static_cast<unsigned>(c), p);
                }
            }
          check(VecDuplicate(x, &modes[k]), "VecDuplicate");
          if (together)
            {
              // (every process has the coordinates: each sets its own rows)
              PetscScalar *p = nullptr;
              check(VecGetArray(modes[k], &p), "VecGetArray");
              std::copy(mode.begin() + begin(), mode.begin() + end(), p);
              check(VecRestoreArray(modes[k], &p), "VecRestoreArray");
            }
          else
            fill_from_rank0(modes[k], coordinates ? mode.data() : nullptr);
          for (int j = 0; j < k; ++j)
            {
              PetscScalar dot = 0;
              check(VecDot(modes[k], modes[j], &dot), "VecDot");
              check(VecAXPY(modes[k], -dot, modes[j]), "VecAXPY");
            }
          check(VecNormalize(modes[k], nullptr), "VecNormalize");
        }
      MatNullSpace space = nullptr;
      check(MatNullSpaceCreate(PETSC_COMM_WORLD, PETSC_FALSE, 6, modes, &space),
            "MatNullSpaceCreate");
      check(MatSetNearNullSpace(A, space), "MatSetNearNullSpace");
      MatNullSpaceDestroy(&space);
      for (Vec &v : modes)
        VecDestroy(&v);

      const double start = MPI_Wtime();
      check(KSPCreate(PETSC_COMM_WORLD, &ksp), "KSPCreate");
      check(KSPSetOperators(ksp, A, A), "KSPSetOperators");
      check(KSPSetType(ksp, KSPCG), "KSPSetType");
      check(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED), "KSPSetNormType");
      PC pc = nullptr;
      check(KSPGetPC(ksp, &pc), "KSPGetPC");
      check(PCSetType(pc, PCGAMG), "PCSetType");
      check(PCGAMGSetType(pc, PCGAMGAGG), "PCGAMGSetType");
      // Drop weak connections when aggregating: a solid-shell couples its through-thickness
      // nodes far more strongly than its neighbours in the plane.
      PetscReal threshold[1] = {0.02};
      check(PCGAMGSetThreshold(pc, threshold, 1), "PCGAMGSetThreshold");
      check(PCGAMGSetNSmooths(pc, 1), "PCGAMGSetNSmooths");
      // With subdomains (`subdomain` > 0): two levels, each solved exactly where it can be:
      // the smoother of the DoFs is additive Schwarz on subdomains of about `subdomain` DoFs
      // (whole blocks, overlapping by one layer of neighbouring DoFs), each factorised by
      // CHOLMOD; the coarse level (the aggregates' rigid-body modes, about a sixth of the DoFs)
      // is factorised whole (CHOLMOD; MUMPS over the processes). A thin wall's bending, which
      // point smoothers and aggregates of rigid-body modes resolve poorly, is solved within the
      // subdomains. Without: as many levels as GAMG makes, smoothed by the inverse of each
      // through-thickness line's block: eight times the iterations (and, since the subdomains
      // take plain aggregates, no less memory).
      // Measured on cases/tank_shell_5083.yaml (relative residual 1e-9, the most iterations of
      // its two load cases, one process, 2026-12-02): 81 k DoFs: line blocks 324 iterations,
      // 132 s; two levels with line blocks 177, 67 s; two levels, subdomains of 1.3 k / 5 k /
      // 10 k / 20 k DoFs: 48 / 32 / 29 / 26 iterations, 52 / 47 / 42 / 38 s; subdomains of
      // 10 k without overlap 79; 356 k DoFs 34 iterations, 142 s, 4.2 GB (the direct solver's
      // run: 27 s, 3.0 GB); 1.35 M DoFs: line blocks 232 iterations, 34 min, 8.3 GB; subdomains 27
      // iterations, 10.4 min, 15.4 GB. (On a 7.7 k-DoF plate, plain GAMG with point Jacobi did
      // not converge in 2000 iterations; the unsquared coarsening graph keeps aggregates small.)
      // In one process the subdomains are a preconditioner of our own that keeps each
      // subdomain's factor but not its matrix (PETSc's PCASM keeps both), with the caller's
      // matrix freed before the set-up: the same iterations, 356 k DoFs 2.83 GB (PCASM 4.13 GB),
      // 1.35 M 10.4 GB (15.4 GB), 9.0 min (10.4); with one smoothing step (below) 1.35 M: 30
      // iterations, 4.8 min; 2.12 M: 30, 8.0 min, 16.5 GB; and plain aggregates (below) 1.35 M:
      // 33 iterations, 3.0 min, 6.0 GB; 2.12 M: 33, 5.3 min, 9.4 GB. Over processes each
      // process splits its own rows into subdomains whose overlap reaches into other
      // processes' rows as in one process (Subdomains, SetRows: the other processes' rows it
      // couples to fetched for the set-up, then freed): under mpirun -np 2, 2026-12-06,
      // bench/iterative_benchmark.py --blocks-peer, medians of 2: 356 k DoFs 48 iterations (90
      // for both load cases), solves 14.7 s, peak 1.04 GB, against 67 (126), 20.1 s, 1.01 GB
      // with each process's rows a block (block Jacobi, the subdomains within it; before
      // 2026-12-06); 81 k 42 (80) against 100 (185) iterations (one process: 40). The van
      // example at 300 mm, free vibration of 10 modes: its load cases 121-134 iterations
      // against 307-333 (one process 123-137), LOBPCG 98 iterations against 363. (2026-12-05,
      // PETSc's PCASM over the processes, each subdomain's matrix kept beside its factor: 356 k
      // DoFs 48 iterations, peaks 1.64 and 1.47 GB against the blocks' 1.16 and 1.04 GB; 1.35 M
      // 222 s, 5.67 GB against 146 s, 3.81 GB.)
      const bool        schwarz = subdomain > 0;
      const std::string none;
      default_option("-pc_gamg_square_graph", "0");
      default_option("-pc_mg_levels", schwarz ? "2" : none);
      // One smoothing step (Chebyshev of degree 1) before and after the coarse solve: on the
      // tank shell at 356 k DoFs 42 iterations and 46 s of solves against 34 and 99 s with
      // PETSc's two (81 k: 37 and 11 s against 29 and 17 s; three: 27 and 21 s).
      default_option("-mg_levels_ksp_max_it", schwarz ? "1" : none);
      // Plain (unsmoothed) aggregates for the two levels: a sparser prolongator, a coarse matrix
      // with fewer entries to form and factorise. Tank shell, 356 k DoFs: 47 iterations against
      // 42, set-up 9.6 s against 25.2, solves 36 s against 39, peak 1.82 GB against 2.90 (110 k:
      // 49 against 46 iterations, 2.9 s against 7.3, 0.73 GB against 1.03). The line blocks'
      // levels keep the smoothed ones.
      default_option("-pc_gamg_agg_nsmooths", schwarz ? "0" : none);
      default_option("-mg_levels_pc_type", schwarz ? register_subdomains() : "pbjacobi");
      default_option("-mg_levels_pc_subdomain_dofs", schwarz ? std::to_string(subdomain) : none);
      // (for PETSC_OPTIONS that put the subdomains within PETSc's blocks: -mg_levels_pc_type
      // bjacobi or asm, -mg_levels_sub_pc_type lightbody_subdomains)
      register_subdomains();
      default_option("-mg_levels_sub_pc_subdomain_dofs",
                     schwarz ? std::to_string(subdomain) : none);
      default_option("-mg_coarse_pc_type", schwarz ? "cholesky" : none);
      default_option("-mg_coarse_pc_factor_mat_solver_type", !schwarz        ? none
                                                             : processes > 1 ? "mumps"
                                                                             : "cholmod");
      // (PETSC_OPTIONS in the environment may change any of this: -ksp_..., -pc_gamg_..., -mg_...)
      check(KSPSetFromOptions(ksp), "KSPSetFromOptions");
      check(KSPSetUp(ksp), "the preconditioner's set-up");
      setup_seconds  = MPI_Wtime() - start;
      PetscInt count = 0;
      if (PCMGGetLevels(pc, &count) == 0)
        levels = static_cast<int>(count);
      // What the finest level's smoother is after PETSC_OPTIONS had their say: subdomains only
      // if it solves them (itself, or within each process's block).
      KSP       smoother = nullptr;
      PC        level    = nullptr;
      PCType    type     = nullptr;
      PetscBool ours = PETSC_FALSE, schwarz_type = PETSC_FALSE, block_type = PETSC_FALSE;
      if (levels > 1 && PCMGGetSmoother(pc, levels - 1, &smoother) == 0 &&
          KSPGetPC(smoother, &level) == 0 && PCGetType(level, &type) == 0 && type)
        {
          PetscStrcmp(type, register_subdomains(), &ours);
          PetscStrcmp(type, PCASM, &schwarz_type);
          PetscStrcmp(type, PCBJACOBI, &block_type);
          KSP     *within       = nullptr;
          PetscInt count_within = 0, first = 0;
          PC       sub      = nullptr;
          PCType   sub_type = nullptr;
          if (block_type && PCBJacobiGetSubKSP(level, &count_within, &first, &within) == 0 &&
              count_within > 0 && KSPGetPC(within[0], &sub) == 0 &&
              PCGetType(sub, &sub_type) == 0 && sub_type)
            PetscStrcmp(sub_type, register_subdomains(), &ours);
        }
      if (!ours && !schwarz_type)
        subdomain = 0;
      PetscReal gc = 0, oc = 0;
      if (PCMGGetGridComplexity(pc, &gc, &oc) == 0)
        grid = gc;
    }

    // Rank 0's whole vector `data` into the distributed vector v (data on rank 0 only;
    // collective): the gather's scatter in reverse. (Before 2026-12-06 rank 0 set every value
    // and PETSc's assembly stashed the other processes' with their indices and sent them: at
    // N = 2 on this machine the same times, the default tank at 150 mm, its buckling analyses'
    // LOBPCG 12.1 and 16.8 s against 13.2 and 16.7 s, single runs; the scatter sends values
    // alone, by a plan made once.)
    void fill_from_rank0(Vec v, const double *data)
    {
      if (rank() == 0)
        {
          PetscScalar *w = nullptr;
          check(VecGetArray(whole, &w), "VecGetArray");
          if (data)
            std::copy(data, data + n, w);
          else
            std::fill(w, w + n, 0.0);
          check(VecRestoreArray(whole, &w), "VecRestoreArray");
        }
      check(VecScatterBegin(gather, whole, v, INSERT_VALUES, SCATTER_REVERSE), "VecScatter");
      check(VecScatterEnd(gather, whole, v, INSERT_VALUES, SCATTER_REVERSE), "VecScatter");
    }

    // The distributed vector x whole into rank 0's `data` (collective; data null elsewhere).
    void gather_to_rank0(double *data)
    {
      check(VecScatterBegin(gather, x, whole, INSERT_VALUES, SCATTER_FORWARD), "VecScatter");
      check(VecScatterEnd(gather, x, whole, INSERT_VALUES, SCATTER_FORWARD), "VecScatter");
      if (rank() == 0 && data)
        {
          const PetscScalar *r = nullptr;
          check(VecGetArrayRead(whole, &r), "VecGetArrayRead");
          std::copy(r, r + n, data);
          check(VecRestoreArrayRead(whole, &r), "VecRestoreArrayRead");
        }
    }

    // y = A x, x and y whole on rank 0 (null on the others).
    void multiply(const double *in, double *out)
    {
      fill_from_rank0(b, in);
      check(MatMult(A, b, x), "the product");
      gather_to_rank0(out);
    }

    // y = T x, T the preconditioner (x and y whole on rank 0, null on the others).
    void precondition(const double *in, double *out)
    {
      // (the BLAS on one thread: PETSc's vector operations call it, and OpenBLAS's helper then
      // spins for a while on the other core, perf: 40 % of the samples of a one-process run in
      // its sched_yield, which the subdomain solves' threads need)
      const BlasThreads one(1);
      fill_from_rank0(b, in);
      PC pc = nullptr;
      check(KSPGetPC(ksp, &pc), "KSPGetPC");
      check(PCApply(pc, b, x), "the preconditioner");
      gather_to_rank0(out);
    }

    // y = A x, or y = T x (zero at the placeholders, as in the DoF numbering), on this
    // process's rows (collective).
    void rows_product(const double *in, double *out, bool precondition)
    {
      static double     none = 0; // (a process without rows)
      const BlasThreads one(1);   // (as in precondition)
      check(VecPlaceArray(b, local() > 0 ? const_cast<double *>(in) : &none), "VecPlaceArray");
      PetscErrorCode code = 0;
      if (precondition)
        {
          PC pc = nullptr;
          code  = KSPGetPC(ksp, &pc);
          if (code == 0)
            code = PCApply(pc, b, x);
        }
      else
        code = MatMult(A, b, x);
      check(VecResetArray(b), "VecResetArray");
      check(code, precondition ? "the preconditioner" : "the product");
      const PetscScalar *r = nullptr;
      check(VecGetArrayRead(x, &r), "VecGetArrayRead");
      std::copy(r, r + local(), out);
      check(VecRestoreArrayRead(x, &r), "VecRestoreArrayRead");
      if (precondition)
        for (PetscInt i = 0; i < local(); ++i)
          if (order[static_cast<std::size_t>(begin() + i)] < 0)
            out[i] = 0;
    }

    // LOBPCG's operators on this process's rows (see IterativeSolver::spread_rows).
    RowOperators rows(SpreadProduct part, bool leads)
    {
      if (!numbered())
        throw std::logic_error("IterativeSolver: the eigen analysis's rows without a numbering");
      struct Exchange // made once for the analysis
      {
        std::vector<int>    counts, firsts; // each process's rows
        std::vector<double> rows;           // rank 0, while it scatters or gathers: all rows
        // B's products: this process's part takes x at part.dofs from the processes owning
        // their rows and sends its y there to be added up. asked[i]: the position in part.dofs
        // of the i-th entry received (grouped by the owner, in the order of its rows);
        // served[i]: the local row of the i-th entry this process sends (grouped by the
        // process asking).
        std::vector<int>    asked, served;
        std::vector<int>    ask_counts, ask_firsts, serve_counts, serve_firsts;
        std::vector<double> received, sent, x, y; // x, y: of part.dofs
      };
      auto w = std::make_shared<Exchange>();
      for (int r = 0; r < size(); ++r)
        {
          w->firsts.push_back(static_cast<int>(first_row(n, block, r, size())));
          w->counts.push_back(static_cast<int>(first_row(n, block, r + 1, size())) -
                              w->firsts.back());
        }
      // (the checks' failures known to every process before it throws: none goes on alone
      // into the next collective call)
      const auto everyone_or_none = [](bool failed, const char *what) {
        int any = failed ? 1 : 0;
        MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (any)
          throw std::logic_error(std::string("IterativeSolver: ") + what);
      };
      // The rows of part.dofs, in the order of the rows (and so grouped by their owners).
      const std::vector<long> &wanted = part.dofs;
      const bool               sorted = std::is_sorted(wanted.begin(), wanted.end()) &&
                          std::adjacent_find(wanted.begin(), wanted.end()) == wanted.end();
      std::vector<int> ask_rows; // (the owner's local row)
      w->ask_counts.assign(static_cast<std::size_t>(size()), 0);
      int owner = 0;
      for (long r = 0; r < n; ++r)
        {
          const long dof = order[static_cast<std::size_t>(r)];
          if (dof < 0 || !sorted)
            continue;
          const auto at = std::lower_bound(wanted.begin(), wanted.end(), dof);
          if (at == wanted.end() || *at != dof)
            continue;
          while (r >= w->firsts[static_cast<std::size_t>(owner)] +
                        w->counts[static_cast<std::size_t>(owner)])
            ++owner;
          w->asked.push_back(static_cast<int>(at - wanted.begin()));
          ask_rows.push_back(static_cast<int>(r - w->firsts[static_cast<std::size_t>(owner)]));
          ++w->ask_counts[static_cast<std::size_t>(owner)];
        }
      everyone_or_none(!sorted || w->asked.size() != wanted.size(),
                       "a product's DoFs not in order, or one without a row");
      w->serve_counts.resize(static_cast<std::size_t>(size()));
      MPI_Alltoall(w->ask_counts.data(), 1, MPI_INT, w->serve_counts.data(), 1, MPI_INT,
                   MPI_COMM_WORLD);
      const auto offsets = [](const std::vector<int> &counts, std::vector<int> &firsts) {
        firsts.assign(counts.size(), 0);
        std::partial_sum(counts.begin(), counts.end() - 1, firsts.begin() + 1);
        return static_cast<std::size_t>(firsts.back() + counts.back());
      };
      offsets(w->ask_counts, w->ask_firsts);
      w->served.resize(offsets(w->serve_counts, w->serve_firsts));
      MPI_Alltoallv(ask_rows.data(), w->ask_counts.data(), w->ask_firsts.data(), MPI_INT,
                    w->served.data(), w->serve_counts.data(), w->serve_firsts.data(), MPI_INT,
                    MPI_COMM_WORLD);
      everyone_or_none(std::any_of(w->served.begin(), w->served.end(),
                                   [&](int row) { return row < 0 || row >= local(); }),
                       "a product's row asked of the wrong process");
      w->received.resize(wanted.size());
      w->sent.resize(w->served.size());
      w->x.resize(wanted.size());
      w->y.resize(wanted.size());

      RowOperators ops;
      ops.dofs      = dofs;
      ops.local     = static_cast<std::size_t>(local());
      ops.leads     = leads;
      ops.processes = size();
      ops.row_dof.assign(order.begin() + begin(), order.begin() + end());
      ops.multiply     = [this](const double *in, double *out) { rows_product(in, out, false); };
      ops.precondition = [this](const double *in, double *out) { rows_product(in, out, true); };
      // B x: x's entries sent to the processes whose parts take them, their parts' products
      // sent back and added up by the rows' owners (no process holds a whole vector).
      ops.pencil = [this, w, product = std::move(part.product)](const double *in, double *out) {
        for (std::size_t i = 0; i < w->served.size(); ++i)
          w->sent[i] = in[w->served[i]];
        MPI_Alltoallv(w->sent.data(), w->serve_counts.data(), w->serve_firsts.data(), MPI_DOUBLE,
                      w->received.data(), w->ask_counts.data(), w->ask_firsts.data(), MPI_DOUBLE,
                      MPI_COMM_WORLD);
        for (std::size_t i = 0; i < w->asked.size(); ++i)
          w->x[static_cast<std::size_t>(w->asked[i])] = w->received[i];
        product(w->x.data(), w->y.data());
        for (std::size_t i = 0; i < w->asked.size(); ++i)
          w->received[i] = w->y[static_cast<std::size_t>(w->asked[i])];
        MPI_Alltoallv(w->received.data(), w->ask_counts.data(), w->ask_firsts.data(), MPI_DOUBLE,
                      w->sent.data(), w->serve_counts.data(), w->serve_firsts.data(), MPI_DOUBLE,
                      MPI_COMM_WORLD);
        std::fill(out, out + local(), 0.0);
        for (std::size_t i = 0; i < w->served.size(); ++i)
          out[w->served[i]] += w->sent[i];
      };
      // (summed, then rank 0's sums everywhere: every process takes LOBPCG's steps from the
      // same values, whatever order a reduction added them in)
      ops.sum = [](double *data, std::size_t count) {
        MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_DOUBLE, MPI_SUM,
                      MPI_COMM_WORLD);
        MPI_Bcast(data, static_cast<int>(count), MPI_DOUBLE, 0, MPI_COMM_WORLD);
      };
      ops.broadcast = [](double *data, std::size_t count) {
        MPI_Bcast(data, static_cast<int>(count), MPI_DOUBLE, 0, MPI_COMM_WORLD);
      };
      // (rank 0's rows whole only while it scatters or gathers)
      ops.scatter = [this, w](const double *whole, double *mine) {
        if (rank() == 0)
          {
            w->rows.resize(order.size());
            for (std::size_t r = 0; r < order.size(); ++r)
              w->rows[r] = order[r] < 0 ? 0.0 : whole[static_cast<std::size_t>(order[r])];
          }
        MPI_Scatterv(w->rows.data(), w->counts.data(), w->firsts.data(), MPI_DOUBLE, mine,
                     static_cast<int>(local()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
        std::vector<double>().swap(w->rows);
      };
      ops.gather = [this, w](const double *mine, double *whole) {
        if (rank() == 0)
          w->rows.resize(order.size());
        MPI_Gatherv(mine, static_cast<int>(local()), MPI_DOUBLE, w->rows.data(), w->counts.data(),
                    w->firsts.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
        if (rank() == 0 && whole)
          for (std::size_t r = 0; r < order.size(); ++r)
            if (order[r] >= 0)
              whole[static_cast<std::size_t>(order[r])] = w->rows[r];
        std::vector<double>().swap(w->rows);
      };
      return ops;
    }

    IterativeOutcome solve(double *data, double tolerance, int max_iterations)
    {
      const BlasThreads one(1); // (as in precondition)
      // The right-hand side is solved for divided by its largest value and the solution
      // multiplied by it: conjugate gradients are linear, and the norms of a load of 1e300 (a
      // hostile case file) overflow, which stopped the solve at once with a residual "-nan"
      // where a direct solve returned the displacements and the results' check refused the
      // load case's stresses as not finite. A right-hand side with a value that is not finite
      // gives not-a-number displacements, as a direct solve's, for the same check.
      double scale = 0;
      if (rank() == 0 && data)
        for (long i = 0; i < n; ++i)
          scale = std::isfinite(data[i]) && std::isfinite(scale)
                    ? std::max(scale, std::abs(data[i]))
                    : std::numeric_limits<double>::quiet_NaN();
      double settings[3] = {tolerance, static_cast<double>(max_iterations), scale};
      if (size() > 1)
        MPI_Bcast(settings, 3, MPI_DOUBLE, 0, MPI_COMM_WORLD);
      scale = settings[2];
      IterativeOutcome out;
      if (!(scale > 0)) // (not a number: a value not finite; 0: no load)
        {
          out.converged = true;
          if (rank() == 0 && data)
            std::fill(data, data + n, scale == 0 ? 0.0 : scale);
          return out;
        }
      fill_from_rank0(b, data);
      check(VecScale(b, 1.0 / scale), "VecScale");
      check(
        KSPSetTolerances(ksp, settings[0], 0.0, PETSC_DEFAULT, static_cast<PetscInt>(settings[1])),
        "KSPSetTolerances");
      check(VecZeroEntries(x), "VecZeroEntries");
      check(KSPSolve(ksp, b, x), "the iterative solve");
      PetscInt iterations = 0;
      KSPGetIterationNumber(ksp, &iterations);
      KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
      KSPGetConvergedReason(ksp, &reason);
      PetscReal residual = 0, rhs = 0;
      KSPGetResidualNorm(ksp, &residual);
      VecNorm(b, NORM_2, &rhs);
      out.iterations = static_cast<int>(iterations);
      out.residual   = rhs > 0 ? residual / rhs : residual;
      out.converged  = reason > 0;
      out.reason     = reason_text(reason);
      check(VecScale(x, scale), "VecScale");
      gather_to_rank0(data);
      return out;
    }

    // Why conjugate gradients stopped short, in words, after "the iterative solver".
    static std::string reason_text(KSPConvergedReason reason)
    {
      switch (reason)
        {
          case KSP_DIVERGED_ITS: return "did not converge";
          case KSP_DIVERGED_INDEFINITE_MAT:
          case KSP_DIVERGED_INDEFINITE_PC:
            return "found the stiffness or its preconditioner not positive definite to "
                   "round-off (part of the model a mechanism, or a wall far too thin for its "
                   "span)";
          case KSP_DIVERGED_NANORINF: return "met a value that is not finite";
          case KSP_DIVERGED_DTOL: return "diverged";
          case KSP_DIVERGED_BREAKDOWN: return "broke down";
          case KSP_DIVERGED_PC_FAILED: return "found its preconditioner failed";
          default:
            return reason > 0 ? "converged"
                              : std::string("stopped (") + KSPConvergedReasons[reason] + ")";
        }
    }

    void free()
    {
      std::vector<long>().swap(order);
      dofs = 0;
      KSPDestroy(&ksp);
      VecScatterDestroy(&gather);
      VecDestroy(&whole);
      MatDestroy(&A);
      VecDestroy(&b);
      VecDestroy(&x);
    }
  };

  namespace
  {
    // Ranks 1..N-1: the matrix whose commands they serve.
    IterativeSolver::Impl &served()
    {
      static IterativeSolver::Impl s;
      return s;
    }
  } // namespace

  bool serve_iterative_command(const long message[2])
  {
    IterativeSolver::Impl &s = served();
    switch (message[0])
      {
        case iterative_matrix:
          s.free();
          s.n = message[1];
          s.create(nullptr, nullptr);
          return true;
        case iterative_solve: s.solve(nullptr, 0, 0); return true;
        case iterative_multiply: s.multiply(nullptr, nullptr); return true;
        case iterative_precondition: s.precondition(nullptr, nullptr); return true;
        case iterative_free: s.free(); return true;
        default: return false;
      }
  }

  void serve_iterative_eigen(SpreadProduct part)
  {
    serve_preconditioned_eigenpairs(served().rows(std::move(part), false));
  }

  void IterativeSolver::set_numbering(std::vector<long> row_dof, std::size_t dofs)
  {
    Impl &impl = follower_ ? served() : *impl_;
    if (row_dof.size() != static_cast<std::size_t>(impl.n))
      throw std::logic_error("IterativeSolver::set_numbering: a DoF for each row");
    impl.order = std::move(row_dof);
    impl.dofs  = dofs;
  }

  bool IterativeSolver::numbered() const { return impl_->numbered(); }

  RowOperators IterativeSolver::spread_rows(long pencil, SpreadProduct part) const
  {
    if (!numbered()) // (before the others are asked to join)
      throw std::logic_error("IterativeSolver: the eigen analysis's rows without a numbering");
    broadcast(iterative_eigen, pencil);
    return impl_->rows(std::move(part), true);
  }

  IterativeSolver::IterativeSolver() : impl_(std::make_unique<Impl>()) { petsc::start(); }

  IterativeSolver::~IterativeSolver()
  {
    if (follower_)
      {
        served().free();
        return;
      }
    if (impl_->A)
      broadcast(iterative_free);
    impl_->free();
  }

  double IterativeSolver::set_matrix_together(std::size_t n, const RowFunction &share_row,
                                              const std::vector<double> &node_coordinates,
                                              unsigned block, std::size_t subdomain_dofs,
                                              const std::function<void()> &copied)
  {
    if (n % 3 != 0 || node_coordinates.size() != n || block % 3 != 0 || n % block != 0)
      throw std::logic_error("IterativeSolver: three DoFs per node and their coordinates");
    follower_  = rank() > 0;
    Impl &impl = follower_ ? served() : *impl_;
    impl.free();
    impl.n         = static_cast<long>(n);
    impl.block     = block;
    impl.subdomain = static_cast<long>(subdomain_dofs);
    impl.create(&share_row, &node_coordinates, &copied, size() > 1);
    return impl.setup_seconds;
  }

  void IterativeSolver::multiply(const double *x, double *y) const
  {
    broadcast(iterative_multiply);
    impl_->multiply(x, y);
  }

  void IterativeSolver::precondition(const double *x, double *y) const
  {
    broadcast(iterative_precondition);
    impl_->precondition(x, y);
  }

  double IterativeSolver::set_matrix(std::size_t n, const RowFunction &row,
                                     const std::vector<double> &node_coordinates, unsigned block,
                                     std::size_t                  subdomain_dofs,
                                     const std::function<void()> &copied)
  {
    if (n % 3 != 0 || node_coordinates.size() != n || block % 3 != 0 || n % block != 0)
      throw std::logic_error("IterativeSolver: three DoFs per node and their coordinates");
    if (impl_->A)
      broadcast(iterative_free);
    impl_->free();
    impl_->n         = static_cast<long>(n);
    impl_->block     = block;
    impl_->subdomain = static_cast<long>(subdomain_dofs);
    broadcast(iterative_matrix, impl_->n);
    impl_->create(&row, &node_coordinates, &copied);
    return impl_->setup_seconds;
  }

  IterativeOutcome IterativeSolver::solve(double *b_in_x_out, double tolerance,
                                          int max_iterations) const
  {
    broadcast(iterative_solve);
    return impl_->solve(b_in_x_out, tolerance, max_iterations);
  }

  double IterativeSolver::added_bytes_per_dof(std::size_t subdomain_dofs, int processes)
  {
    // Whole runs of cases/tank_shell_5083.yaml, peak resident memory less the memory held when
    // the solver was given the matrix, per DoF (2026-12-02): subdomains of our own in one
    // process, plain aggregates, 2.2 kB at 356 k DoFs (1.82 - 1.02 GB), 1.9 kB at 1.35 M
    // (6.03 - 3.42 GB); line blocks about 3.6 kB at 1.35 M. Over processes, each process's
    // block with our subdomains (2026-12-05, mpirun -np 2, 1.35 M DoFs): about 2.4 kB in all
    // (peaks 7.1 GB less about 3.9 GB held: each process's libraries, model and share of the
    // matrix), 4 kB taken (PETSc's PCASM, before: 9-11 kB); the subdomains overlapping across
    // the processes' rows (2026-12-06) hold a few more rows at the processes' borders: peaks
    // 1.04 against 1.01 GB at 356 k DoFs. Divided evenly over the processes.
    const double per_dof = subdomain_dofs == 0 ? 4e3 : processes > 1 ? 4e3 : 3e3;
    return per_dof / std::max(processes, 1);
  }

  int         IterativeSolver::processes() const { return size(); }
  std::size_t IterativeSolver::nonzeros() const { return impl_->nonzeros; }
  double      IterativeSolver::grid_complexity() const { return impl_->grid; }
  int         IterativeSolver::levels() const { return impl_->levels; }
  std::size_t IterativeSolver::subdomain_dofs() const
  {
    return static_cast<std::size_t>(impl_->subdomain);
  }
} // namespace lightbody

namespace lightbody
{
  std::string iterative_eigen_note(unsigned modes, std::size_t analyses)
  {
    // The eigen analyses run as LOBPCG (solver/preconditioned_eigen.cc), each iteration one
    // application of the multigrid cycle per vector of its block (the modes and two or more),
    // against the Lanczos process's full solve per product (LIGHTBODY_EIGEN=lanczos). Measured
    // (2026-12-05, this machine, one process, single runs), an analysis against a load case's
    // solve: the default tank at 90 mm (202 k DoFs), buckling of 3 modes, 50 and 56 s against
    // 13-15 s (1.1 to 1.3 solves a mode; the Lanczos process: about 15-20 min an analysis, 60-69
    // solves); the van body at 300 mm, buckling of 3 modes 27 s, vibration of 6 modes 70 s,
    // against 8-10 s (0.9 and 1.2 a mode).
    return "note: with the iterative solver the " +
           (analyses == 1 ? std::string("eigen analysis")
                          : std::to_string(analyses) + " eigen analyses") +
           " here (up to " + std::to_string(modes) + " mode" + (modes == 1 ? "" : "s") +
           ") run as LOBPCG preconditioned by the multigrid, each taking about as long as a "
           "load case's solve for each mode asked (the example bodies: 0.9 to 1.3); the "
           "factorisation, where it fits (--solver direct with more memory, --max-memory, or "
           "more processes), takes seconds for them";
  }
} // namespace lightbody
