#pragma once
// A sparse Cholesky factorisation shared by the processes of an MPI launch: MUMPS through PETSc.
// Rank 0 runs the whole pipeline and holds the matrix and the right-hand sides; the other ranks
// join every factorisation and solve (serve_distributed_factors), so the factor, its memory and
// its work are spread over all processes. PETSc stays inside the .cc.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lightbody
{
  // Initialises PETSc on every process of a launch of several (call after MPI_Init, on every
  // rank, before anything else of this file), `local_processes` of them on this machine;
  // finish_distributed_factors() finalises it.
  void start_distributed_factors(int local_processes);
  void finish_distributed_factors();

  // Whether this is rank 0 of a launch whose other ranks serve factorisations.
  bool distributed_factors_available();

  // What ranks 1..N-1 do: join the factorisations and solves rank 0 makes until it calls
  // stop_distributed_factors().
  void serve_distributed_factors();
  void stop_distributed_factors();

  class DistributedCholesky
  {
  public:
    DistributedCholesky();
    ~DistributedCholesky(); // frees the factor on every process
    DistributedCholesky(const DistributedCholesky &)            = delete;
    DistributedCholesky &operator=(const DistributedCholesky &) = delete;

    // The whole symmetric matrix (both halves) in compressed rows: row_ptr (n + 1), columns
    // and values; handed to every process's share of the factorisation.
    void set_matrix(std::size_t n, const std::vector<int64_t> &row_ptr,
                    const std::vector<int> &columns, const std::vector<double> &values);
    // Ordering and symbolic analysis; returns the memory the numeric factorisation will need
    // on the process that needs most (MUMPS's estimate), in bytes.
    double analyse();
    // Numeric factorisation: 0 done; 1 the matrix is singular (a zero pivot: a free body or a
    // mechanism); 2 out of memory; 3 another failure of MUMPS.
    int factorise();
    // Solves A x = b in place (b and x on rank 0).
    void solve(double *b_in_x_out) const;

    double factor_nonzeros() const; // MUMPS's count over all processes
    double flops() const;           // of the factorisation, over all processes
    int    processes() const;

    struct Impl; // (also what the other ranks hold while they serve)

  private:
    std::unique_ptr<Impl> impl_;
  };
} // namespace lightbody
