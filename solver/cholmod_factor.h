#pragma once
// Sparse Cholesky (CHOLMOD supernodal, fill-reducing ordering): factorised once, then one
// forward/back substitution per load case. CHOLMOD stays inside the .cc.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lightbody
{
  class SparseCholesky
  {
  public:
    SparseCholesky();
    ~SparseCholesky();
    SparseCholesky(const SparseCholesky &)            = delete;
    SparseCholesky &operator=(const SparseCholesky &) = delete;

    // Allocates the lower triangle of an n x n symmetric matrix in compressed columns, for the
    // caller to fill: col_ptr (n + 1), row_index and values (nnz). Rows sorted within columns.
    void     allocate(std::size_t n, std::size_t nnz);
    int64_t *col_ptr();
    int64_t *row_index();
    double  *values();

    // Orders and computes the symbolic factor; returns the bytes the numeric factor will need.
    // `order`: a fill-reducing ordering to use instead of computing one (a permutation of
    // 0..n-1, e.g. ordering() of an earlier matrix with the same structure).
    double analyse(const std::vector<int64_t> *order = nullptr);
    // The symbolic factor of an earlier analysis of a matrix with this structure fingerprint,
    // kept in this process by keep_symbolic(): copied instead of analysing again (no ordering,
    // no symbolic analysis). Returns the bytes the numeric factor will need, or 0 when none is
    // kept.
    double reuse_symbolic(uint64_t fingerprint);
    // Keeps a copy of the symbolic factor (call after analyse(), before factorise()) for later
    // matrices with the same structure in this process; the four most recent are kept.
    void keep_symbolic(uint64_t fingerprint) const;
    // The fill-reducing ordering of the analysis.
    std::vector<int64_t> ordering() const;
    // A fingerprint of the matrix structure (sizes, column pointers, row indices).
    uint64_t structure_fingerprint() const;
    // Numeric factorisation. Returns -1 on success, or the column (equation) at which the matrix
    // was found not positive definite: a free body or a mechanism. A factorisation above 20
    // Gflop first measures, over 0.1 s, the cores other processes keep busy and runs on the
    // BLAS's threads less those (at least one; factor_threads()), giving them back after.
    long factorise();
    // The BLAS threads of the last factorisation and the cores that other processes kept busy
    // at its start (-1: not measured: a small factorisation, one thread, or no /proc/stat).
    int    factor_threads() const;
    double busy_cores_of_others() const;
    // Solves A x = b in place; for `columns` right-hand sides at once (n x columns, one column
    // after the other), one pass over the factor for all of them.
    void solve(double *b_in_x_out) const;
    void solve(double *b_in_x_out, std::size_t columns) const;
    // The two halves of the solve with A = P^T L L^T P: x := L^-1 P x and x := P^T L^-T x, for
    // eigenproblems that need the symmetric form L^-1 P B P^T L^-T.
    void solve_lower(double *x) const;
    void solve_upper(double *x) const;
    // The same for `columns` vectors at once (x: n x columns, one column after the other): one
    // pass over the factor for all of them.
    void solve_lower(double *x, std::size_t columns) const;
    void solve_upper(double *x, std::size_t columns) const;

    double factor_nonzeros() const;
    double flops() const;
    // The fill-reducing ordering of the analysis: "AMD", "METIS", "nested dissection", "METIS,
    // compressed graph", "given" (an ordering kept from an earlier matrix) or "" before one.
    std::string ordering_method() const;
    // Matrices of this many nonzeros (lower half) and more are ordered by CHOLMOD's nested
    // dissection alone, smaller ones as CHOLMOD chooses (AMD, then METIS where AMD's fill is
    // large): measured in solver/cholmod_factor.cc.
    inline static std::size_t nested_dissection_from = 20000000;
    // Matrices of this many nonzeros (lower half) and more, up to nested_dissection_from, whose
    // graph compresses to half the unknowns or fewer (groups with the same neighbours: a
    // solid-shell's through-thickness lines) are ordered on the compressed graph by METIS
    // (solver/compressed_ordering.h) instead of as CHOLMOD chooses.
    inline static std::size_t compressed_ordering_from = 5000000;
    std::size_t               size() const { return n_; }
    // Releases the matrix (the factor stays) to bring the peak memory down.
    void release_matrix();
    // Keeps the numeric factor's values in single precision (half the memory, and half the
    // memory a solve reads), freeing the double ones: for a preconditioner's factor, whose
    // solves need not be exact. solve() then rounds the factor to about 6e-8 of its values (the
    // arithmetic stays double); solve_lower() and solve_upper() are then refused. A supernodal
    // factor only (else nothing changes); returns whether it was kept so.
    bool keep_single_precision();
    // Whether keep_single_precision() kept it so. Its solve() is then this program's own code
    // (no BLAS, no CHOLMOD): solves of different factors may run in different threads.
    bool single_precision() const;
    // The single-precision solve's AVX2 kernels where the processor has them (false: the
    // portable loops; tests and bench/iterative_benchmark.py's peer).
    inline static bool vector_kernels = true;
    // The smallest pivot of a factor kept in single precision, relative to its largest.
    inline static double single_pivot_range = 1e-7;

  private:
    void single_refused() const; // throws after keep_single_precision()

    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::size_t           n_ = 0;
  };

  // The cores that other processes keep busy, measured over `window_s` seconds: the busy time
  // of the cores this process may run on (/proc/stat, steal included) less this process's own
  // (getrusage), per second of the window; -1 where it cannot be read.
  double busy_cores_of_others(double window_s);
  // The BLAS threads for a factorisation: `threads` less the cores other processes keep busy,
  // rounded to the nearest, at least 1 (`others` < 0: unknown, `threads` unchanged).
  int threads_beside(int threads, double others);

  // Sets the number of BLAS threads the factorisation uses, where the BLAS allows it.
  void set_blas_threads(int n);
  // The BLAS's thread count where it tells it (OpenBLAS), else 1. The factorisation uses them
  // all; each forward or back substitution runs on one and gives them back.
  int blas_threads();
  // The BLAS on `n` threads while it lives, then as before (a substitution's sweep through a
  // factor; the iterative solver's solves, whose threads the BLAS's helper would spin beside).
  class BlasThreads
  {
  public:
    explicit BlasThreads(int n) : before_(blas_threads()), during_(n)
    {
      if (before_ != during_)
        set_blas_threads(during_);
    }
    ~BlasThreads()
    {
      if (before_ != during_)
        set_blas_threads(before_);
    }
    BlasThreads(const BlasThreads &)            = delete;
    BlasThreads &operator=(const BlasThreads &) = delete;

  private:
    int before_, during_;
  };
  // The OpenMP parallel regions the libraries (CHOLMOD's factorisation) started in this process,
  // each on a team capped at one thread (measured faster; see GOMP_parallel in the .cc).
  unsigned long openmp_regions();
  // The BLAS's dense matrix-multiply rate on this machine, in flop/s, measured once per process
  // (a 1000 x 1000 DGEMM, about 0.1 s): the ceiling of a supernodal factorisation's rate.
  double dgemm_rate();
} // namespace lightbody
