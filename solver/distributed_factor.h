#pragma once
// A sparse Cholesky factorisation shared by the processes of an MPI launch: MUMPS through PETSc.
// Under `mpirun -np N lightbody run` every process runs the pipeline (the SPMD run): each
// builds the model, assembles its share of the elements and hands its entries to the processes
// that own their rows (set_shares), so that no process holds the whole matrix; the analysis,
// the factorisation and the solves are then collective calls made by all processes together.
// Where rank 0 works alone (an eigen analysis on the shared factor, the iterative solver), the
// other processes serve its solves and products (serve_rank0) until it releases them. PETSc
// stays inside the .cc.
#include "solver/lanczos_basis.h"
#include "solver/row_operators.h"

#include <deal.II/base/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lightbody
{
  // Initialises PETSc on every process of a launch of several (call after MPI_Init, on every
  // rank, before anything else of this file), `local_processes` of them on this machine;
  // finish_distributed_factors() finalises it.
  void start_distributed_factors(int local_processes);
  void finish_distributed_factors();

  // The processes of the launch (1 without one, or before start_distributed_factors) and this
  // process's rank among them.
  int distributed_processes();
  int distributed_rank();
  // The processes of the launch on this machine, which share its memory (1 without a launch).
  int distributed_local_processes();

  // Rank 0, from now on alone: the other processes wait in serve_rank0 for its commands (its
  // shared factors' and the iterative solver's). release_servers ends that: each server's
  // serve_rank0 returns `status` (0: the run goes on; else rank 0 failed).
  void lead_servers();
  void release_servers(int status);
  bool leading_servers();
  // Ranks 1..N-1: serve rank 0's commands until it releases them; `shared`: the factor made
  // together before, whose solves and products rank 0 may ask for, `others` matrices made
  // together for products alone (indices 1, 2, ...: the buckling analyses' K_G side by side).
  class DistributedCholesky;
  int serve_rank0(DistributedCholesky                      *shared,
                  const std::vector<DistributedCholesky *> &others = {});
  // Whether rank 0 may ask for its solves and products from several threads (MPI started with
  // MPI_THREAD_SERIALIZED or more): its commands are then made one at a time (the solves and
  // products of DistributedCholesky hold a lock).
  bool distributed_threads();

  // Collective helpers of the SPMD run (each a no-op in one process): the sum (the largest) over
  // the processes of each entry of `data` (on every process); the smallest `value` with its `index`
  // (the first process's where equal); rank 0's `value` on every process, the others waiting
  // asleep.
  void sum_over_processes(double *data, std::size_t n);
  void max_over_processes(double *data, std::size_t n);
  void min_over_processes(double &value, unsigned &index);
  void from_rank0(long &value);
  void from_rank0(std::string &bytes);
  void from_rank0(double *data, std::size_t n);

  // The active cells [first, last) that process `rank` of `processes` works on in the SPMD run
  // (assembly, result pieces): the cells in order, in equal bands.
  std::pair<unsigned, unsigned> cell_share(unsigned cells, int rank, int processes);
  // The rows each process owns in the matrices spread over the processes: process r rows
  // [firsts[r], firsts[r + 1]) of matrices of firsts.back() rows (the SPMD run numbers the DoFs
  // as its distributed mesh does, each process's own DoFs consecutive); matrices of another
  // size, or before any is set, in bands of about n / N rows.
  void set_distributed_rows(std::vector<long> firsts);

  // Waits for the other processes (a barrier) without keeping a core busy: a process that has
  // finished its part sleeps while rank 0 writes the results. Returns false when they have not
  // all come within `timeout_seconds` (0: no limit).
  bool wait_for_all_processes(double timeout_seconds = 0);

  class DistributedCholesky
  {
  public:
    // index: which of the matrices a server holds rank 0's products are of (serve_rank0): 0
    // the factor's, k > 0 the k-th of the others. A matrix made together serves for products alone
    // as well (neither analysed nor factorised).
    explicit DistributedCholesky(int index = 0);
    ~DistributedCholesky(); // frees the factor on every process
    DistributedCholesky(const DistributedCholesky &)            = delete;
    DistributedCholesky &operator=(const DistributedCholesky &) = delete;

    // Rank 0 alone (leading its servers): the whole symmetric matrix (both halves) in
    // compressed rows: row_ptr (n + 1), columns and values; the other processes join it.
    void set_matrix(std::size_t n, const std::vector<int64_t> &row_ptr,
                    const std::vector<int> &columns, const std::vector<double> &values);
    // A process's share of a matrix, row by row: row i's entries, each through `add`.
    using ShareRows = std::function<void(
      std::size_t row, const std::function<void(int64_t column, double value)> &add)>;
    // Collective (every process, the SPMD run): this process's share of the symmetric n x n
    // matrix, the sum over the processes. Each process then owns a band of about n / N
    // consecutive rows; the shares of its rows are sent to it and summed. `release` (if given)
    // is called once the share has been read, to free it. Returns the matrix's nonzeros (over
    // all processes).
    double set_shares(std::size_t n, const ShareRows &rows,
                      const std::function<void()> &release = {});
    // Collective (every process, the SPMD run): a matrix that each process holds a share of in
    // its own form (its cells' matrices), for products alone: `share_product(x, y)` sets y to
    // its share's product with x, both of the share's DoFs `dofs` alone (in order, each
    // dofs.size()). multiply() sends each process the entries of x at its DoFs and adds up their
    // products: no matrix is assembled and spread, and no process but rank 0 holds x or y whole.
    void set_share_product(std::size_t n, std::vector<dealii::types::global_dof_index> dofs,
                           std::function<void(const double *x, double *y)> share_product);
    // Ordering and symbolic analysis; returns the memory the numeric factorisation will need
    // on the process that needs most (MUMPS's estimate), in bytes.
    double analyse();
    // Numeric factorisation: 0 done; 1 the matrix is singular (a zero pivot: a free body or a
    // mechanism); 2 out of memory; 3 another failure of MUMPS.
    int factorise();
    // MUMPS's INFOG(1) and INFOG(2) of the last analysis or factorisation, for messages.
    std::string mumps_status() const;
    // Solves A x = b in place. Made together (set_shares, and rank 0 not leading): b and x on
    // every process (rank 0's b is taken); else b and x on rank 0.
    void solve(double *b_in_x_out) const;
    // The same for `columns` right-hand sides at once (n x columns, one after the other): one
    // solve phase of MUMPS on the block (its fronts read once for all of them).
    void solve(double *b_in_x_out, std::size_t columns) const;
    // The same for `count` right-hand sides each in its own vector (`columns[j]`).
    void solve(double *const *columns, std::size_t count) const;
    // y = A x, with x and y placed as solve's.
    void multiply(const double *x, double *y) const;
    // This process's part of y = A x (made together only; also while rank 0 leads, within a
    // command every process has joined): a share's product (set_share_product) on its DoFs,
    // else the product with the process's rows of the matrix (the DoFs it owns; collective).
    SpreadProduct spread_product() const;
    // Rank 0 leading its servers: a Lanczos basis of `columns` vectors (and, a_inner, their
    // products with A) spread over the processes by this factor's rows, each operation a
    // command the others serve (in one process, or not leading: the whole basis here). Throws
    // std::runtime_error where a process has no room for its rows.
    std::unique_ptr<LanczosBasis> lanczos_basis(long columns, bool a_inner) const;
    // |A_ii| on every process (made together) or on rank 0.
    std::vector<double> absolute_diagonal() const;

    double nonzeros() const;        // the matrix's (set_shares), over all processes
    double factor_nonzeros() const; // MUMPS's count over all processes
    double flops() const;           // of the factorisation, over all processes
    int    processes() const;

    struct Impl; // (also what the other ranks hold while they serve)

  private:
    friend int            serve_rank0(DistributedCholesky                      *shared,
                                      const std::vector<DistributedCholesky *> &others);
    std::unique_ptr<Impl> impl_;
  };
} // namespace lightbody
