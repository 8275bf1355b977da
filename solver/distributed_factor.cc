#include "solver/distributed_factor.h"

#include "solver/cholmod_factor.h"
#include "solver/iterative_solver.h"
#include "solver/petsc_commands.h"

#include <mpi.h>
#include <petscmat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace lightbody
{
  namespace
  {
    using namespace petsc;

    bool petsc_started  = false;
    bool petsc_owns_mpi = false; // started in one process: finalised at exit
    bool stopped        = false;

    void next_command(long message[2])
    {
      MPI_Request request;
      MPI_Ibcast(message, 2, MPI_LONG, 0, MPI_COMM_WORLD, &request);
      for (int done = 0;;)
        {
          MPI_Test(&request, &done, MPI_STATUS_IGNORE);
          if (done)
            return;
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

    void finish_at_exit()
    {
      if (petsc_started)
        PetscFinalize();
      petsc_started = false;
    }
  } // namespace

  namespace petsc
  {
    void start()
    {
      if (petsc_started)
        return;
      int initialised = 0;
      MPI_Initialized(&initialised);
      check(PetscInitializeNoArguments(), "PetscInitialize");
      // Errors come back as codes (and become exceptions), not as PETSc's printed traces.
      PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
      petsc_started = true;
      if (!initialised && !petsc_owns_mpi)
        {
          petsc_owns_mpi = true;
          std::atexit(finish_at_exit);
        }
    }

    int rank()
    {
      int initialised = 0, r = 0;
      MPI_Initialized(&initialised);
      if (initialised)
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
      return r;
    }

    int size()
    {
      int initialised = 0, s = 1;
      MPI_Initialized(&initialised);
      if (initialised)
        MPI_Comm_size(MPI_COMM_WORLD, &s);
      return s;
    }

    void check(int code, const char *what)
    {
      if (code == 0)
        return;
      // PETSc keeps the first message of the failure (its own, or one of our preconditioner's).
      const char *generic = nullptr;
      char       *message = nullptr;
      PetscErrorMessage(code, &generic, &message);
      const std::string reason = message && *message ? std::string(": ") + message : "";
      throw std::runtime_error(std::string("the PETSc solver failed in ") + what +
                               " (PETSc error " + std::to_string(code) + ")" + reason);
    }

    void assemble_spd(Mat A, Vec *x, Vec *b)
    {
      check(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
      check(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
      check(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
      check(MatSetOption(A, MAT_SPD, PETSC_TRUE), "MatSetOption");
      check(MatCreateVecs(A, x, b), "MatCreateVecs");
    }

    // The commands travel by a non-blocking broadcast, and the other ranks wait for the next one
    // asleep: a blocking MPI call spins, and on a machine shared with rank 0 it would take a core
    // from rank 0's assembly, post-processing and sparse products.
    void broadcast(int command, long n)
    {
      if (size() < 2)
        return;
      long        message[2] = {command, n};
      MPI_Request request;
      MPI_Ibcast(message, 2, MPI_LONG, 0, MPI_COMM_WORLD, &request);
      MPI_Wait(&request, MPI_STATUS_IGNORE);
    }
  } // namespace petsc

  // The PETSc objects of one factorisation, alike on every process; rank 0 holds all rows.
  struct DistributedCholesky::Impl
  {
    Mat    A = nullptr, F = nullptr;
    Vec    b = nullptr, x = nullptr;
    long   n        = 0;
    double nonzeros = 0, flop_count = 0;

    PetscInt local() const { return rank() == 0 ? static_cast<PetscInt>(n) : 0; }

    // Collective: the matrix with rank 0's rows (the other ranks have none).
    void create(const std::vector<int64_t> *row_ptr, const std::vector<int> *columns,
                const std::vector<double> *values)
    {
      check(MatCreate(PETSC_COMM_WORLD, &A), "MatCreate");
      check(MatSetSizes(A, local(), local(), n, n), "MatSetSizes");
      check(MatSetType(A, MATMPIAIJ), "MatSetType");
      std::vector<PetscInt> row_nonzeros(static_cast<std::size_t>(local()));
      for (PetscInt i = 0; i < local(); ++i)
        row_nonzeros[i] = static_cast<PetscInt>((*row_ptr)[i + 1] - (*row_ptr)[i]);
      check(MatMPIAIJSetPreallocation(A, 0, row_nonzeros.data(), 0, nullptr), "preallocation");
      if (local() > 0)
        {
          std::vector<PetscInt> cols;
          for (PetscInt i = 0; i < local(); ++i)
            {
              const int64_t begin = (*row_ptr)[i], end = (*row_ptr)[i + 1];
              cols.assign(columns->begin() + begin, columns->begin() + end);
              check(MatSetValues(A, 1, &i, static_cast<PetscInt>(end - begin), cols.data(),
                                 values->data() + begin, INSERT_VALUES),
                    "MatSetValues");
            }
        }
      assemble_spd(A, &x, &b);
    }

    double analyse()
    {
      check(MatGetFactor(A, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &F), "MatGetFactor");
      MatFactorInfo info;
      check(MatFactorInfoInitialize(&info), "MatFactorInfoInitialize");
      check(MatCholeskyFactorSymbolic(F, A, nullptr, &info), "the analysis");
      PetscInt entries = 0, megabytes = 0;
      check(MatMumpsGetInfog(F, 20, &entries), "INFOG(20)");
      check(MatMumpsGetInfog(F, 16, &megabytes), "INFOG(16)");
      PetscReal estimated = 0;
      check(MatMumpsGetRinfog(F, 1, &estimated), "RINFOG(1)");
      // (MUMPS gives counts above 2^31 as minus millions.)
      nonzeros   = entries < 0 ? -1e6 * entries : static_cast<double>(entries);
      flop_count = estimated;
      return 1e6 * megabytes;
    }

    // 0: factorised; 1: singular (a zero pivot); 2: out of memory; 3: another MUMPS failure.
    int factorise()
    {
      MatFactorInfo info;
      check(MatFactorInfoInitialize(&info), "MatFactorInfoInitialize");
      check(MatCholeskyFactorNumeric(F, A, &info), "the factorisation");
      MatFactorError error = MAT_FACTOR_NOERROR;
      check(MatFactorGetError(F, &error), "MatFactorGetError");
      PetscReal done = 0;
      if (MatMumpsGetRinfog(F, 3, &done) == 0 && done > 0)
        flop_count = done;
      return error == MAT_FACTOR_NOERROR             ? 0
             : error == MAT_FACTOR_NUMERIC_ZEROPIVOT ? 1
             : error == MAT_FACTOR_OUTMEMORY         ? 2
                                                     : 3;
    }

    void solve(double *data)
    {
      PetscScalar *v = nullptr;
      check(VecGetArray(b, &v), "VecGetArray");
      for (PetscInt i = 0; i < local(); ++i)
        v[i] = data ? data[i] : 0;
      check(VecRestoreArray(b, &v), "VecRestoreArray");
      check(MatSolve(F, b, x), "the solve");
      const PetscScalar *r = nullptr;
      check(VecGetArrayRead(x, &r), "VecGetArrayRead");
      for (PetscInt i = 0; i < local(); ++i)
        data[i] = r[i];
      check(VecRestoreArrayRead(x, &r), "VecRestoreArrayRead");
    }

    // (PETSc's destroy functions pass over null objects.)
    void free()
    {
      MatDestroy(&F);
      MatDestroy(&A);
      VecDestroy(&b);
      VecDestroy(&x);
    }
  };

  void start_distributed_factors(int local_processes)
  {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised || petsc_started || size() < 2)
      return;
    petsc::start();
    // The BLAS of the factorisation: the machine's cores shared among the launch's processes on
    // it (rank 0's --threads overrides it there).
    set_blas_threads(
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency() /
                                      static_cast<unsigned>(std::max(local_processes, 1)))));
  }

  void finish_distributed_factors()
  {
    if (!petsc_owns_mpi)
      finish_at_exit();
  }

  bool distributed_factors_available()
  {
    return petsc_started && !stopped && size() > 1 && rank() == 0;
  }

  void serve_distributed_factors()
  {
    DistributedCholesky::Impl f;
    for (;;)
      {
        long message[2] = {0, 0};
        next_command(message);
        try
          {
            switch (message[0])
              {
                case new_matrix:
                  f.free();
                  f.n = message[1];
                  f.create(nullptr, nullptr, nullptr);
                  break;
                case analyse_it: f.analyse(); break;
                case factorise_it: f.factorise(); break;
                case solve_it: f.solve(nullptr); break;
                case free_it: f.free(); break;
                case stop_serving: f.free(); return;
                default: serve_iterative_command(message); break;
              }
          }
        catch (const std::exception &)
          {
            // Rank 0 meets the same failure and reports it.
          }
      }
  }

  void stop_distributed_factors()
  {
    if (!petsc_started || stopped || rank() != 0)
      return;
    stopped = true;
    broadcast(stop_serving);
  }

  DistributedCholesky::DistributedCholesky() : impl_(std::make_unique<Impl>()) {}

  DistributedCholesky::~DistributedCholesky()
  {
    if (impl_->A)
      broadcast(free_it);
    impl_->free();
  }

  void DistributedCholesky::set_matrix(std::size_t n, const std::vector<int64_t> &row_ptr,
                                       const std::vector<int>    &columns,
                                       const std::vector<double> &values)
  {
    impl_->free();
    impl_->n = static_cast<long>(n);
    broadcast(new_matrix, impl_->n);
    impl_->create(&row_ptr, &columns, &values);
  }

  double DistributedCholesky::analyse()
  {
    broadcast(analyse_it);
    return impl_->analyse();
  }

  int DistributedCholesky::factorise()
  {
    broadcast(factorise_it);
    return impl_->factorise();
  }

  void DistributedCholesky::solve(double *b_in_x_out) const
  {
    broadcast(solve_it);
    impl_->solve(b_in_x_out);
  }

  double DistributedCholesky::factor_nonzeros() const { return impl_->nonzeros; }
  double DistributedCholesky::flops() const { return impl_->flop_count; }
  int    DistributedCholesky::processes() const
  {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
  }
} // namespace lightbody
