#include "solver/distributed_factor.h"

#include "input/errors.h"

#include "solver/cholmod_factor.h"
#include "solver/iterative_solver.h"
#include "solver/petsc_commands.h"

#include <mpi.h>
#include <petscmat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

namespace lightbody
{
  namespace
  {
    using namespace petsc;

    bool petsc_started              = false;
    bool petsc_owns_mpi             = false; // started in one process: finalised at exit
    bool leading                    = false; // rank 0, while the others serve its commands
    int  local_processes_on_machine = 1;     // the launch's processes on this machine
    // set_distributed_rows's
    std::vector<long> &distributed_rows()
    {
      static std::vector<long> firsts;
      return firsts;
    }
    // Rank 0's solves and products, one at a time when several threads ask for them
    // (distributed_threads).
    std::mutex commands;

    // Waits for a non-blocking operation asleep: a blocking MPI call spins, and on a machine
    // shared with rank 0 it would take a core from rank 0's work.
    void wait_asleep(MPI_Request &request)
    {
      for (int done = 0;;)
        {
          MPI_Test(&request, &done, MPI_STATUS_IGNORE);
          if (done)
            return;
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

    void next_command(long message[2])
    {
      MPI_Request request;
      MPI_Ibcast(message, 2, MPI_LONG, 0, MPI_COMM_WORLD, &request);
      wait_asleep(request);
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
    // asleep (wait_asleep). Only while rank 0 leads: in the SPMD run's collective calls every
    // process makes the call itself.
    void broadcast(int command, long n)
    {
      if (size() < 2 || !leading)
        return;
      long        message[2] = {command, n};
      MPI_Request request;
      MPI_Ibcast(message, 2, MPI_LONG, 0, MPI_COMM_WORLD, &request);
      MPI_Wait(&request, MPI_STATUS_IGNORE);
    }
  } // namespace petsc

  // The PETSc objects of one factorisation, alike on every process. Its rows: all on rank 0
  // (set_matrix: rank 0 alone), or in bands of consecutive rows (set_shares: made together).
  struct DistributedCholesky::Impl
  {
    Mat    A = nullptr, F = nullptr;
    Vec    b = nullptr, x = nullptr;
    long   n        = 0;
    double nonzeros = 0, flop_count = 0, matrix_nonzeros = 0;
    // MUMPS's INFOG(1) and INFOG(2) after the last analysis or factorisation (negative: failed).
    PetscInt status[2] = {0, 0};
    bool     together  = false;
    int      index     = 0; // the server's matrix of rank 0's products
    // set_share_product: this process's share's products (no A) on its DoFs `share_dofs` (in
    // order), and x and its product there; the pieces its vectors are sent and summed in.
    std::function<void(const double *, double *)> share_product;
    std::vector<dealii::types::global_dof_index>  share_dofs;
    std::vector<double>                           share_x, share_y;
    // (65 536 DoFs; LIGHTBODY_PRODUCT_PIECE=N, read for the MPI tests, which make it small so
    // that their small models' products cross the pieces' edges)
    static long product_piece()
    {
      static const long piece = [] {
        const char *given = std::getenv("LIGHTBODY_PRODUCT_PIECE");
        const long  value = given ? std::atol(given) : 0;
        return value > 0 ? value : 1L << 16;
      }();
      return piece;
    }
    // Rows of each process (MPI counts and displacements), and this process's.
    std::vector<int> counts, firsts;
    PetscInt         first = 0, local = 0;

    void set_layout(bool bands)
    {
      const int N = size();
      together    = bands;
      counts.assign(N, 0);
      firsts.assign(N, 0);
      if (n > std::numeric_limits<int>::max())
        throw std::runtime_error("the shared factorisation takes at most 2^31 - 1 DoFs");
      const std::vector<long> &given = distributed_rows();
      const bool               owned =
        bands && given.size() == static_cast<std::size_t>(N) + 1 && given.back() == n;
      for (int q = 0; q < N; ++q)
        {
          const long begin = owned ? given[q] : bands ? n * q / N : (q == 0 ? 0 : n);
          const long end   = owned ? given[q + 1] : bands ? n * (q + 1) / N : n;
          firsts[q]        = static_cast<int>(begin);
          counts[q]        = static_cast<int>(end - begin);
        }
      first = firsts[rank()];
      local = counts[rank()];
    }

    // Collective: the matrix with rank 0's rows (the other ranks have none).
    void create(const std::vector<int64_t> *row_ptr, const std::vector<int> *columns,
                const std::vector<double> *values)
    {
      set_layout(false);
      check(MatCreate(PETSC_COMM_WORLD, &A), "MatCreate");
      check(MatSetSizes(A, local, local, n, n), "MatSetSizes");
      check(MatSetType(A, MATMPIAIJ), "MatSetType");
      std::vector<PetscInt> row_nonzeros(static_cast<std::size_t>(local));
      for (PetscInt i = 0; i < local; ++i)
        row_nonzeros[i] = static_cast<PetscInt>((*row_ptr)[i + 1] - (*row_ptr)[i]);
      check(MatMPIAIJSetPreallocation(A, 0, row_nonzeros.data(), 0, nullptr), "preallocation");
      if (local > 0)
        {
          std::vector<PetscInt> cols;
          for (PetscInt i = 0; i < local; ++i)
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

    // Collective: the sum of the processes' shares, each row sent to the process that owns it:
    // per destination the lengths of the rows of its band and their entries on and right of
    // the diagonal (4 + 8 bytes each), summed there into the preallocated PETSc matrix. `release`
    // frees the share once packed.
    double create_from_shares(const DistributedCholesky::ShareRows &share,
                              const std::function<void()>          &release)
    {
      set_layout(true);
      const int N = size();
      // The share's row lengths (every row), then its entries in row order: the rows of a
      // destination's band are consecutive. The upper triangle only (j >= i): the matrix is
      // symmetric and PETSc's SBAIJ format keeps that half.
      std::vector<int> length(static_cast<std::size_t>(n), 0);
      for (long i = 0; i < n; ++i)
        share(static_cast<std::size_t>(i), [&](int64_t j, double) { length[i] += j >= i; });
      std::vector<int64_t> send_count(N, 0);
      for (int q = 0; q < N; ++q)
        for (long i = firsts[q]; i < firsts[q] + counts[q]; ++i)
          send_count[q] += length[i];
      int64_t total = 0;
      for (int q = 0; q < N; ++q)
        total += send_count[q];
      std::vector<int>    columns(static_cast<std::size_t>(total));
      std::vector<double> values(static_cast<std::size_t>(total));
      {
        std::size_t k = 0;
        for (long i = 0; i < n; ++i)
          share(static_cast<std::size_t>(i), [&](int64_t j, double v) {
            if (j < i)
              return;
            columns[k] = static_cast<int>(j);
            values[k]  = v;
            ++k;
          });
      }
      if (release)
        release();
      std::vector<int64_t> receive_count(N, 0);
      MPI_Alltoall(send_count.data(), 1, MPI_INT64_T, receive_count.data(), 1, MPI_INT64_T,
                   MPI_COMM_WORLD);
      constexpr int64_t most = std::numeric_limits<int>::max();
      std::vector<int>  sc(N), sd(N), rc(N), rd(N), lc(N), ld(N);
      int64_t           sent = 0, received = 0;
      for (int q = 0; q < N; ++q)
        {
          if (sent + send_count[q] > most || received + receive_count[q] > most)
            throw std::runtime_error("a process's share of the matrix exceeds 2^31 entries: use "
                                     "more processes");
          sc[q] = static_cast<int>(send_count[q]);
          sd[q] = static_cast<int>(sent);
          rc[q] = static_cast<int>(receive_count[q]);
          rd[q] = static_cast<int>(received);
          lc[q] = static_cast<int>(local);
          ld[q] = static_cast<int>(q * local);
          sent += send_count[q];
          received += receive_count[q];
        }
      // The lengths of this process's rows in each source's share, source after source.
      std::vector<int> lengths(static_cast<std::size_t>(N) * local);
      MPI_Alltoallv(length.data(), counts.data(), firsts.data(), MPI_INT, lengths.data(), lc.data(),
                    ld.data(), MPI_INT, MPI_COMM_WORLD);
      std::vector<int>().swap(length);
      std::vector<int>    got_columns(static_cast<std::size_t>(received));
      std::vector<double> got(static_cast<std::size_t>(received));
      MPI_Alltoallv(columns.data(), sc.data(), sd.data(), MPI_INT, got_columns.data(), rc.data(),
                    rd.data(), MPI_INT, MPI_COMM_WORLD);
      MPI_Alltoallv(values.data(), sc.data(), sd.data(), MPI_DOUBLE, got.data(), rc.data(),
                    rd.data(), MPI_DOUBLE, MPI_COMM_WORLD);
      std::vector<int>().swap(columns);
      std::vector<double>().swap(values);

      // Row i of this process: the sources' pieces summed by column, the diagonal always there
      // (a zero where the shares left it out). Twice: the counts for the preallocation, then
      // the values. `both`: the row's entries in both halves, for the count (the structure is
      // symmetric: an entry right of the diagonal has its mirror left of it).
      std::vector<std::size_t> at(static_cast<std::size_t>(N));
      for (int q = 0; q < N; ++q)
        at[q] = static_cast<std::size_t>(rd[q]);
      std::vector<std::pair<int, double>> row;
      std::vector<PetscInt>               cols;
      std::vector<PetscScalar>            vals;
      std::size_t                         both  = 0;
      const auto                          merge = [&](PetscInt i, std::vector<std::size_t> &at) {
        row.clear();
        for (int q = 0; q < N; ++q)
          {
            const int m = lengths[static_cast<std::size_t>(q) * local + i];
            for (int e = 0; e < m; ++e, ++at[q])
              row.emplace_back(got_columns[at[q]], got[at[q]]);
          }
        std::sort(row.begin(), row.end(),
                                           [](const auto &a, const auto &b) { return a.first < b.first; });
        const PetscInt global = first + i;
        cols.assign(1, global);
        vals.assign(1, 0.0);
        both = 0;
        for (std::size_t e = 0; e < row.size(); ++e)
          {
            const auto [j, v] = row[e];
            if (e == 0 || j != row[e - 1].first)
              both += j == global ? 1 : 2;
            if (j == global)
              vals.front() += v;
            else if (j > global)
              {
                if (cols.back() == j)
                  vals.back() += v;
                else
                  {
                    cols.push_back(j);
                    vals.push_back(v);
                  }
              }
          }
      };
      std::vector<PetscInt> diagonal_block(static_cast<std::size_t>(local), 0),
        off_block(static_cast<std::size_t>(local), 0);
      {
        std::vector<std::size_t> position = at;
        for (PetscInt i = 0; i < local; ++i)
          {
            merge(i, position);
            for (PetscInt j : cols)
              ++(j < first + local ? diagonal_block[i] : off_block[i]);
          }
      }
      check(MatCreate(PETSC_COMM_WORLD, &A), "MatCreate");
      check(MatSetSizes(A, local, local, n, n), "MatSetSizes");
      check(MatSetType(A, MATMPISBAIJ), "MatSetType");
      check(MatMPISBAIJSetPreallocation(A, 1, 0, diagonal_block.data(), 0, off_block.data()),
            "preallocation");
      double mine = 0;
      for (PetscInt i = 0; i < local; ++i)
        {
          merge(i, at);
          const PetscInt global = first + i;
          check(MatSetValues(A, 1, &global, static_cast<PetscInt>(cols.size()), cols.data(),
                             vals.data(), INSERT_VALUES),
                "MatSetValues");
          mine += static_cast<double>(both);
        }
      assemble_spd(A, &x, &b);
      double all = 0;
      MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      return all;
    }

    void read_status()
    {
      status[0] = status[1] = 0;
      MatMumpsGetInfog(F, 1, &status[0]);
      MatMumpsGetInfog(F, 2, &status[1]);
    }

    // MUMPS's workspace margin over its analysis's estimate, per cent (ICNTL(14); its default).
    PetscInt margin = 20;

    double analyse()
    {
      MatDestroy(&F);
      check(MatGetFactor(A, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &F), "MatGetFactor");
      if (margin != 20)
        check(MatMumpsSetIcntl(F, 14, margin), "ICNTL(14)");
      MatFactorInfo info;
      check(MatFactorInfoInitialize(&info), "MatFactorInfoInitialize");
      check(MatCholeskyFactorSymbolic(F, A, nullptr, &info), "the analysis");
      read_status();
      if (status[0] < 0)
        return 0; // (a failed analysis: nothing to factorise, DistributedCholesky::analyse says so)
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
    // (MUMPS's INFOG, and so the answer, is the same on every process.)
    int factorise()
    {
      MatFactorError error = MAT_FACTOR_NOERROR;
      // MUMPS's workspace is its analysis's estimate plus ICNTL(14) per cent; its dynamic
      // scheduling over processes may need more (INFOG(1) = -9: measured on a tied 15 k-DoF
      // body over three processes on a loaded machine). Then the analysis and the
      // factorisation are made again with the margin doubled, up to three times (MUMPS does not
      // factorise again after a failed factorisation without a new analysis).
      for (int attempt = 0;; ++attempt)
        {
          MatFactorInfo info;
          check(MatFactorInfoInitialize(&info), "MatFactorInfoInitialize");
          check(MatCholeskyFactorNumeric(F, A, &info), "the factorisation");
          check(MatFactorGetError(F, &error), "MatFactorGetError");
          read_status();
          const PetscInt code = status[0];
          if (error == MAT_FACTOR_NOERROR && code < 0)
            error = MAT_FACTOR_OTHER; // (never a factor MUMPS did not make)
          if (attempt == 3 || error != MAT_FACTOR_OUTMEMORY || (code != -8 && code != -9))
            break;
          margin *= 2;
          analyse();
        }
      PetscReal done = 0;
      if (MatMumpsGetRinfog(F, 3, &done) == 0 && done > 0)
        flop_count = done;
      return error == MAT_FACTOR_NOERROR             ? 0
             : error == MAT_FACTOR_NUMERIC_ZEROPIVOT ? 1
             : error == MAT_FACTOR_OUTMEMORY         ? 2
                                                     : 3;
    }

    // This process's rows p of a vector from `data`: its own copy's (everywhere: every process
    // has the whole vector), else sent from rank 0.
    void scatter(const double *data, PetscScalar *p, bool everywhere) const
    {
      if (everywhere)
        std::copy(data + first, data + first + local, p);
      else
        MPI_Scatterv(data, counts.data(), firsts.data(), MPI_DOUBLE, p, static_cast<int>(local),
                     MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
    // `data` from this process's rows p of a vector: on every process, else on rank 0.
    void gather(const PetscScalar *p, double *data, bool everywhere) const
    {
      if (everywhere)
        MPI_Allgatherv(p, static_cast<int>(local), MPI_DOUBLE, data, counts.data(), firsts.data(),
                       MPI_DOUBLE, MPI_COMM_WORLD);
      else
        MPI_Gatherv(p, static_cast<int>(local), MPI_DOUBLE, data, counts.data(), firsts.data(),
                    MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
    void scatter(const double *data, Vec v, bool everywhere) const
    {
      PetscScalar *p = nullptr;
      check(VecGetArray(v, &p), "VecGetArray");
      scatter(data, p, everywhere);
      check(VecRestoreArray(v, &p), "VecRestoreArray");
    }
    void gather(Vec v, double *data, bool everywhere) const
    {
      const PetscScalar *p = nullptr;
      check(VecGetArrayRead(v, &p), "VecGetArrayRead");
      gather(p, data, everywhere);
      check(VecRestoreArrayRead(v, &p), "VecRestoreArrayRead");
    }
    // The same for `columns` vectors (n x columns, null off rank 0 unless everywhere) and this
    // process's rows of them (local x columns).
    void scatter_columns(const double *data, PetscScalar *p, long columns, bool everywhere) const
    {
      for (long j = 0; j < columns; ++j)
        scatter(data ? data + j * n : nullptr, p + j * local, everywhere);
    }
    void gather_columns(const PetscScalar *p, double *data, long columns, bool everywhere) const
    {
      for (long j = 0; j < columns; ++j)
        gather(p + j * local, data ? data + j * n : nullptr, everywhere);
    }
    // Whether the vectors of the calls are on every process: made together and not in rank 0's
    // work alone.
    bool everywhere() const { return together && !leading && !serving; }
    bool serving = false; // a server's Impl while it serves rank 0's commands

    void solve(double *data)
    {
      const bool all = everywhere();
      scatter(data, b, all);
      check(MatSolve(F, b, x), "the solve");
      gather(x, data, all);
    }

    // `count` right-hand sides at once, each its own vector (`columns`, null on the servers):
    // MUMPS's solve phase on a dense block (PETSc's MatMatSolve), each process holding its
    // rows of the block.
    void solve_columns(double *const *columns, long count)
    {
      const bool all = everywhere();
      Mat        B = nullptr, X = nullptr;
      try
        {
          check(MatCreateDense(PETSC_COMM_WORLD, local, PETSC_DECIDE, n, count, nullptr, &B),
                "MatCreateDense");
          check(MatCreateDense(PETSC_COMM_WORLD, local, PETSC_DECIDE, n, count, nullptr, &X),
                "MatCreateDense");
          PetscScalar *p = nullptr;
          check(MatDenseGetArray(B, &p), "MatDenseGetArray");
          for (long j = 0; j < count; ++j)
            scatter(columns ? columns[j] : nullptr, p + j * local, all);
          check(MatDenseRestoreArray(B, &p), "MatDenseRestoreArray");
          check(MatMatSolve(F, B, X), "the solve");
          const PetscScalar *q = nullptr;
          check(MatDenseGetArrayRead(X, &q), "MatDenseGetArrayRead");
          for (long j = 0; j < count; ++j)
            gather(q + j * local, columns ? columns[j] : nullptr, all);
          check(MatDenseRestoreArrayRead(X, &q), "MatDenseRestoreArrayRead");
        }
      catch (...)
        {
          MatDestroy(&B);
          MatDestroy(&X);
          throw;
        }
      MatDestroy(&B);
      MatDestroy(&X);
    }

    void multiply(const double *in, double *out) { multiply(in, out, everywhere()); }
    // (all: x whole on every process and y made whole on every one)
    void multiply(const double *in, double *out, bool all)
    {
      if (share_product)
        return multiply_shares(in, out, all);
      scatter(in, x, all);
      check(MatMult(A, x, b), "the product");
      gather(b, out, all);
    }

    // The products of the processes' shares (set_share_product) added up, each process's
    // vectors of its share's DoFs alone: x from rank 0 (unless everywhere) and the sum to rank 0
    // in pieces of product_piece() DoFs, each process taking from a piece and adding to it its own
    // DoFs', so that no process holds another whole vector; everywhere, x and y are whole on
    // every process (the caller's) and the sum made there.
    void multiply_shares(const double *in, double *out, bool all)
    {
      const std::size_t size = share_dofs.size();
      share_x.resize(size);
      share_y.resize(size);
      if (all)
        for (std::size_t k = 0; k < size; ++k)
          share_x[k] = in[share_dofs[k]];
      else
        for_pieces(in, [&](std::size_t k, const double *p, long begin) {
          share_x[k] = p[share_dofs[k] - begin];
        });
      share_product(share_x.data(), share_y.data());
      if (all)
        {
          std::fill(out, out + n, 0.0);
          for (std::size_t k = 0; k < size; ++k)
            out[share_dofs[k]] += share_y[k];
          MPI_Allreduce(MPI_IN_PLACE, out, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                        MPI_COMM_WORLD);
          return;
        }
      std::vector<double> piece_sum;
      std::size_t         k     = 0;
      const long          piece = product_piece();
      for (long begin = 0; begin < n; begin += piece)
        {
          const long end = std::min(n, begin + piece);
          // (rank 0: its own share in `out`, the sum made there in place)
          double *p = rank() == 0 ? out + begin : nullptr;
          if (rank() != 0)
            {
              piece_sum.resize(static_cast<std::size_t>(end - begin));
              p = piece_sum.data();
            }
          std::fill(p, p + (end - begin), 0.0);
          for (; k < size && static_cast<long>(share_dofs[k]) < end; ++k)
            p[share_dofs[k] - begin] = share_y[k];
          MPI_Reduce(rank() == 0 ? MPI_IN_PLACE : p, rank() == 0 ? p : nullptr,
                     static_cast<int>(end - begin), MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        }
    }
    // This process's part of the product (DistributedCholesky::spread_product).
    SpreadProduct spread_product()
    {
      SpreadProduct p;
      if (share_product)
        {
          p.dofs.assign(share_dofs.begin(), share_dofs.end());
          p.product = share_product;
          return p;
        }
      p.dofs.resize(static_cast<std::size_t>(local));
      std::iota(p.dofs.begin(), p.dofs.end(), static_cast<long>(first));
      p.product = [this](const double *in, double *out) {
        PetscScalar *q = nullptr;
        check(VecGetArray(x, &q), "VecGetArray");
        std::copy(in, in + local, q);
        check(VecRestoreArray(x, &q), "VecRestoreArray");
        check(MatMult(A, x, b), "the product");
        const PetscScalar *r = nullptr;
        check(VecGetArrayRead(b, &r), "VecGetArrayRead");
        std::copy(r, r + local, out);
        check(VecRestoreArrayRead(b, &r), "VecRestoreArrayRead");
      };
      return p;
    }

    // Rank 0's `in` in pieces to every process: take(k, piece, begin) for each of this process's
    // share's DoFs k in the piece that begins at `begin`.
    template <class Take>
    void for_pieces(const double *in, const Take &take) const
    {
      std::vector<double> buffer;
      std::size_t         k     = 0;
      const long          piece = product_piece();
      for (long begin = 0; begin < n; begin += piece)
        {
          const long    end = std::min(n, begin + piece);
          const double *p   = rank() == 0 ? in + begin : nullptr;
          if (rank() != 0)
            {
              buffer.resize(static_cast<std::size_t>(end - begin));
              p = buffer.data();
            }
          MPI_Bcast(const_cast<double *>(p), static_cast<int>(end - begin), MPI_DOUBLE, 0,
                    MPI_COMM_WORLD);
          for (; k < share_dofs.size() && static_cast<long>(share_dofs[k]) < end; ++k)
            take(k, p, begin);
        }
    }

    std::vector<double> absolute_diagonal()
    {
      check(MatGetDiagonal(A, x), "MatGetDiagonal");
      std::vector<double> d(rank() == 0 || together ? n : 0);
      gather(x, d.data(), together);
      for (double &v : d)
        v = std::abs(v);
      return d;
    }

    // (PETSc's destroy functions pass over null objects.)
    void free()
    {
      share_product = nullptr;
      std::vector<dealii::types::global_dof_index>().swap(share_dofs);
      std::vector<double>().swap(share_x);
      std::vector<double>().swap(share_y);
      MatDestroy(&F);
      MatDestroy(&A);
      VecDestroy(&b);
      VecDestroy(&x);
    }
  };

  namespace
  {
    using Impl = DistributedCholesky::Impl;

    // The collective parts of a spread basis's operations (solver/lanczos_basis.h), made by
    // every process on its rows after rank 0's command: rank 0 with the whole vectors, the
    // others with null. A few parameters and small matrices travel by broadcast.
    void parameters_from_rank0(long *p, int count)
    {
      MPI_Bcast(p, count, MPI_LONG, 0, MPI_COMM_WORLD);
    }
    void numbers_from_rank0(std::vector<double> &x)
    {
      MPI_Bcast(x.data(), static_cast<int>(x.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
    void sum_everywhere(double *data, long count)
    {
      MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_DOUBLE, MPI_SUM,
                    MPI_COMM_WORLD);
    }

    // A block of `columns` whole vectors (rank 0's `data`, n x columns) to and from each
    // process's rows of them (local x columns).
    void scatter_block(const Impl &f, const double *data, long columns, std::vector<double> &rows)
    {
      rows.resize(static_cast<std::size_t>(f.local * columns));
      f.scatter_columns(data, rows.data(), columns, false);
    }
    void gather_block(const Impl &f, const std::vector<double> &rows, long columns, double *data)
    {
      f.gather_columns(rows.data(), data, columns, false);
    }

    // Each takes its parameters `p` from rank 0 (the others' are filled in).
    void spread_new(const Impl &f, long id, long p[2], std::map<long, BasisRows> &bases)
    {
      parameters_from_rank0(p, 2); // columns, a_inner
      int ok = 1;
      try
        {
          bases.emplace(id, BasisRows(f.local, p[0], p[1] != 0));
        }
      catch (const std::bad_alloc &)
        {
          ok = 0;
        }
      MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      if (!ok)
        bases.erase(id);
    }

    void spread_orthogonalise(const Impl &f, const BasisRows &b, long p[2], double *X, double *AX,
                              double *h)
    {
      parameters_from_rank0(p, 2); // c, m
      const long          c = p[0], m = p[1];
      std::vector<double> x, ax, g(static_cast<std::size_t>(m * c));
      scatter_block(f, X, c, x);
      if (b.a_inner())
        scatter_block(f, AX, c, ax);
      b.orthogonalise(x.data(), ax.data(), c, m, g.data(), sum_everywhere);
      gather_block(f, x, c, X);
      if (b.a_inner())
        gather_block(f, ax, c, AX);
      if (h)
        std::copy(g.begin(), g.end(), h);
    }

    void spread_set(const Impl &f, BasisRows &b, long p[2], const double *X, const double *AX)
    {
      parameters_from_rank0(p, 2); // the first column, how many
      std::vector<double> rows, a_rows;
      scatter_block(f, X, p[1], rows);
      if (b.a_inner())
        scatter_block(f, AX, p[1], a_rows);
      b.set_columns(p[0], p[1], rows.data(), a_rows.data());
    }

    // S: m x keep (restart) or m x k (combine), rank 0's.
    std::vector<double> matrix_from_rank0(long rows, long columns, const double *S)
    {
      std::vector<double> s(static_cast<std::size_t>(rows * columns));
      if (S)
        std::copy(S, S + s.size(), s.begin());
      numbers_from_rank0(s);
      return s;
    }

    void spread_restart(BasisRows &b, long p[3], const double *S)
    {
      parameters_from_rank0(p, 3); // m, keep, the next block's columns
      b.restart(p[0], matrix_from_rank0(p[0], p[1], S).data(), p[1], p[2]);
    }

    void spread_combine(const Impl &f, const BasisRows &b, long p[2], const double *S, double *out)
    {
      parameters_from_rank0(p, 2); // m, k
      std::vector<double> rows(static_cast<std::size_t>(f.local * p[1]));
      b.combine(p[0], matrix_from_rank0(p[0], p[1], S).data(), p[1], rows.data());
      gather_block(f, rows, p[1], out);
    }

    // Rank 0's handle of a spread basis: its own rows, and the commands that make the others
    // do the same on theirs (one at a time with rank 0's other commands).
    class SpreadBasis : public LanczosBasis
    {
    public:
      SpreadBasis(const Impl &f, long id, BasisRows rows) : f_(f), id_(id), rows_(std::move(rows))
      {
      }
      ~SpreadBasis() override
      {
        std::lock_guard<std::mutex> one_at_a_time(commands);
        broadcast(basis_free, id_);
      }
      void orthogonalise(double *X, double *AX, long c, long m, double *h) override
      {
        std::lock_guard<std::mutex> one_at_a_time(commands);
        broadcast(basis_orthogonalise, id_);
        long p[2] = {c, m};
        spread_orthogonalise(f_, rows_, p, X, AX, h);
      }
      void set_columns(long first, long count, const double *X, const double *AX) override
      {
        std::lock_guard<std::mutex> one_at_a_time(commands);
        broadcast(basis_set, id_);
        long p[2] = {first, count};
        spread_set(f_, rows_, p, X, AX);
      }
      void restart(long m, const double *S, long keep, long b) override
      {
        std::lock_guard<std::mutex> one_at_a_time(commands);
        broadcast(basis_restart, id_);
        long p[3] = {m, keep, b};
        spread_restart(rows_, p, S);
      }
      void combine(long m, const double *S, long k, double *out) override
      {
        std::lock_guard<std::mutex> one_at_a_time(commands);
        broadcast(basis_combine, id_);
        long p[2] = {m, k};
        spread_combine(f_, rows_, p, S, out);
      }

    private:
      const Impl &f_;
      long        id_;
      BasisRows   rows_;
    };
  } // namespace

  std::unique_ptr<LanczosBasis> DistributedCholesky::lanczos_basis(long columns, bool a_inner) const
  {
    if (size() < 2 || !leading)
      return whole_basis(impl_->n, columns, a_inner);
    static long                 bases = 0;
    std::lock_guard<std::mutex> one_at_a_time(commands);
    const long                  id = ++bases;
    broadcast(basis_new, id);
    long                      p[2] = {columns, a_inner ? 1 : 0};
    std::map<long, BasisRows> mine;
    spread_new(*impl_, id, p, mine);
    if (mine.empty())
      throw std::runtime_error("a process has no room for its rows of the Lanczos basis");
    return std::make_unique<SpreadBasis>(*impl_, id, std::move(mine.at(id)));
  }

  void start_distributed_factors(int local_processes)
  {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised || petsc_started || size() < 2)
      return;
    petsc::start();
    local_processes_on_machine = std::max(local_processes, 1);
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

  bool distributed_threads()
  {
    int initialised = 0, provided = MPI_THREAD_SINGLE;
    MPI_Initialized(&initialised);
    if (initialised)
      MPI_Query_thread(&provided);
    return initialised && provided >= MPI_THREAD_SERIALIZED;
  }

  int distributed_processes() { return petsc_started ? size() : 1; }
  int distributed_local_processes() { return petsc_started ? local_processes_on_machine : 1; }
  int distributed_rank() { return petsc_started ? rank() : 0; }

  void lead_servers()
  {
    if (petsc_started && size() > 1 && rank() == 0)
      leading = true;
  }

  void release_servers(int status)
  {
    if (!leading)
      return;
    broadcast(release, status);
    leading = false;
  }

  bool leading_servers() { return leading; }

  int serve_rank0(DistributedCholesky *shared, const std::vector<DistributedCholesky *> &others)
  {
    DistributedCholesky::Impl                f;
    std::vector<DistributedCholesky::Impl *> held{shared ? shared->impl_.get() : nullptr};
    for (DistributedCholesky *m : others)
      held.push_back(m ? m->impl_.get() : nullptr);
    DistributedCholesky::Impl *s = held[0];
    // (an index rank 0 does not hold here: its own failure, which it reports)
    const auto product_matrix = [&](long index) {
      if (index < 0 || static_cast<std::size_t>(index) >= held.size() || !held[index])
        throw std::logic_error("serve_rank0: no matrix of that index");
      return held[index];
    };
    for (auto *m : held)
      if (m)
        m->serving = true;
    std::map<long, BasisRows> bases; // rank 0's Lanczos bases, this process's rows
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
                case solve_shared: s->solve(nullptr); break;
                case solve_it_columns: f.solve_columns(nullptr, message[1]); break;
                case solve_shared_columns: s->solve_columns(nullptr, message[1]); break;
                case multiply_shared: product_matrix(message[1])->multiply(nullptr, nullptr); break;
                case iterative_eigen:
                  {
                    Impl *m = product_matrix(message[1]);
                    serve_iterative_eigen(m->spread_product());
                    break;
                  }
                case basis_new:
                  {
                    long p[2];
                    spread_new(*s, message[1], p, bases);
                    break;
                  }
                case basis_orthogonalise:
                  {
                    long p[2];
                    spread_orthogonalise(*s, bases.at(message[1]), p, nullptr, nullptr, nullptr);
                    break;
                  }
                case basis_set:
                  {
                    long p[2];
                    spread_set(*s, bases.at(message[1]), p, nullptr, nullptr);
                    break;
                  }
                case basis_restart:
                  {
                    long p[3];
                    spread_restart(bases.at(message[1]), p, nullptr);
                    break;
                  }
                case basis_combine:
                  {
                    long p[2];
                    spread_combine(*s, bases.at(message[1]), p, nullptr, nullptr);
                    break;
                  }
                case basis_free: bases.erase(message[1]); break;
                case release:
                  bases.clear();
                  f.free();
                  for (auto *m : held)
                    if (m)
                      m->serving = false;
                  return static_cast<int>(message[1]);
                default: serve_iterative_command(message); break;
              }
          }
        catch (const std::exception &)
          {
            // Rank 0 meets the same failure and reports it.
          }
      }
  }

  void sum_over_processes(double *data, std::size_t n)
  {
    if (distributed_processes() < 2)
      return;
    constexpr std::size_t chunk = std::size_t(1) << 28;
    for (std::size_t done = 0; done < n; done += chunk)
      MPI_Allreduce(MPI_IN_PLACE, data + done, static_cast<int>(std::min(chunk, n - done)),
                    MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }

  void max_over_processes(double *data, std::size_t n)
  {
    if (distributed_processes() < 2)
      return;
    MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  }

  void min_over_processes(double &value, unsigned &index)
  {
    if (distributed_processes() < 2)
      return;
    struct
    {
      double value;
      int    rank;
    } mine{value, rank()}, least{0, 0};
    MPI_Allreduce(&mine, &least, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
    value = least.value;
    MPI_Bcast(&index, 1, MPI_UNSIGNED, least.rank, MPI_COMM_WORLD);
  }

  void from_rank0(long &value)
  {
    if (distributed_processes() < 2)
      return;
    MPI_Request request;
    MPI_Ibcast(&value, 1, MPI_LONG, 0, MPI_COMM_WORLD, &request);
    wait_asleep(request);
  }

  void from_rank0(std::string &bytes)
  {
    if (distributed_processes() < 2)
      return;
    long size = static_cast<long>(bytes.size());
    from_rank0(size);
    bytes.resize(static_cast<std::size_t>(size));
    constexpr std::size_t chunk = std::size_t(1) << 30;
    for (std::size_t done = 0; done < bytes.size(); done += chunk)
      {
        MPI_Request request;
        MPI_Ibcast(bytes.data() + done, static_cast<int>(std::min(chunk, bytes.size() - done)),
                   MPI_CHAR, 0, MPI_COMM_WORLD, &request);
        wait_asleep(request);
      }
  }

  void from_rank0(double *data, std::size_t n)
  {
    if (distributed_processes() < 2)
      return;
    constexpr std::size_t chunk = std::size_t(1) << 28;
    for (std::size_t done = 0; done < n; done += chunk)
      {
        MPI_Request request;
        MPI_Ibcast(data + done, static_cast<int>(std::min(chunk, n - done)), MPI_DOUBLE, 0,
                   MPI_COMM_WORLD, &request);
        wait_asleep(request);
      }
  }

  std::pair<unsigned, unsigned> cell_share(unsigned cells, int rank, int processes)
  {
    const unsigned long long c = cells, r = static_cast<unsigned>(rank),
                             n = static_cast<unsigned>(std::max(processes, 1));
    return {static_cast<unsigned>(c * r / n), static_cast<unsigned>(c * (r + 1) / n)};
  }

  void set_distributed_rows(std::vector<long> firsts) { distributed_rows() = std::move(firsts); }

  bool wait_for_all_processes(double timeout_seconds)
  {
    int initialised = 0, finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    if (!initialised || finalised || size() < 2)
      return true;
    MPI_Request request;
    MPI_Ibarrier(MPI_COMM_WORLD, &request);
    const auto start = std::chrono::steady_clock::now();
    for (int done = 0;;)
      {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (done)
          return true;
        if (timeout_seconds > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
              timeout_seconds)
          return false;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
  }

  DistributedCholesky::DistributedCholesky(int index) : impl_(std::make_unique<Impl>())
  {
    impl_->index = index;
  }

  DistributedCholesky::~DistributedCholesky()
  {
    if (impl_->A && !impl_->together)
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

  double DistributedCholesky::set_shares(std::size_t n, const ShareRows &rows,
                                         const std::function<void()> &release)
  {
    impl_->free();
    impl_->n               = static_cast<long>(n);
    impl_->matrix_nonzeros = impl_->create_from_shares(rows, release);
    return impl_->matrix_nonzeros;
  }

  void DistributedCholesky::set_share_product(
    std::size_t n, std::vector<dealii::types::global_dof_index> dofs,
    std::function<void(const double *x, double *y)> share_product)
  {
    impl_->free();
    impl_->n = static_cast<long>(n);
    impl_->set_layout(true);
    if (!std::is_sorted(dofs.begin(), dofs.end()) || (!dofs.empty() && dofs.back() >= n))
      throw std::logic_error("set_share_product: the DoFs not in order or beyond the matrix");
    impl_->share_dofs    = std::move(dofs);
    impl_->share_product = std::move(share_product);
  }

  double DistributedCholesky::analyse()
  {
    if (!impl_->together)
      broadcast(analyse_it);
    const double bytes = impl_->analyse();
    // (the same INFOG on every process: all of them throw)
    if (impl_->status[0] < 0)
      throw ModelError("MUMPS's analysis of the stiffness matrix failed (" + mumps_status() +
                       "; PETSC_OPTIONS given to MUMPS, -mat_mumps_icntl_*, may ask for what this "
                       "MUMPS cannot do)");
    return bytes;
  }

  std::string DistributedCholesky::mumps_status() const
  {
    return "MUMPS's INFOG(1) = " + std::to_string(impl_->status[0]) +
           ", INFOG(2) = " + std::to_string(impl_->status[1]) +
           "; the MUMPS users' guide lists the codes";
  }

  int DistributedCholesky::factorise()
  {
    if (!impl_->together)
      broadcast(factorise_it);
    return impl_->factorise();
  }

  void DistributedCholesky::solve(double *b_in_x_out) const
  {
    std::lock_guard<std::mutex> one_at_a_time(commands);
    broadcast(impl_->together ? solve_shared : solve_it);
    impl_->solve(b_in_x_out);
  }

  void DistributedCholesky::solve(double *b_in_x_out, std::size_t columns) const
  {
    std::vector<double *> list;
    for (std::size_t j = 0; j < columns; ++j)
      list.push_back(b_in_x_out + j * static_cast<std::size_t>(impl_->n));
    solve(list.data(), columns);
  }

  void DistributedCholesky::solve(double *const *columns, std::size_t count) const
  {
    if (count < 2)
      {
        if (count == 1)
          solve(columns[0]);
        return;
      }
    const long                  k = static_cast<long>(count);
    std::lock_guard<std::mutex> one_at_a_time(commands);
    broadcast(impl_->together ? solve_shared_columns : solve_it_columns, k);
    impl_->solve_columns(columns, k);
  }

  void DistributedCholesky::multiply(const double *x, double *y) const
  {
    if (!impl_->together)
      throw std::logic_error("DistributedCholesky::multiply: only of a factor made together");
    std::lock_guard<std::mutex> one_at_a_time(commands);
    broadcast(multiply_shared, impl_->index);
    impl_->multiply(x, y);
  }

  SpreadProduct DistributedCholesky::spread_product() const
  {
    if (!impl_->together)
      throw std::logic_error("DistributedCholesky::spread_product: only of a factor made together");
    return impl_->spread_product();
  }

  std::vector<double> DistributedCholesky::absolute_diagonal() const
  {
    return impl_->absolute_diagonal();
  }

  double DistributedCholesky::nonzeros() const { return impl_->matrix_nonzeros; }
  double DistributedCholesky::factor_nonzeros() const { return impl_->nonzeros; }
  double DistributedCholesky::flops() const { return impl_->flop_count; }
  int    DistributedCholesky::processes() const
  {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
  }
} // namespace lightbody
