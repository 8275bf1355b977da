#pragma once
// The basis of a Lanczos process (solver/eigen_solver.cc): its vectors V, and in the A inner
// product also their products Y = A V, column after column. In one process the whole basis; on
// a factor shared by the processes of an MPI launch each process holds its band of rows (the
// factor's rows, solver/distributed_factor.h), rank 0 sending the operations, so that no process
// holds the whole basis (at 5 M DoFs 3.4 GB per buckling analysis). The process's vectors outside
// the basis (a step's block) are whole, on the process that runs the Lanczos process.
#include <cstddef>
#include <functional>
#include <memory>

namespace lightbody
{
  class LanczosBasis
  {
  public:
    virtual ~LanczosBasis() = default;
    // G = V_m^T A X (in the A inner product, from AX; else V_m^T X), then X -= V_m G and
    // AX -= Y_m G; twice (classical Gram-Schmidt). X, AX: n x c, column after column (AX null
    // without the A inner product); h: m x c, the sum of the G.
    virtual void orthogonalise(double *X, double *AX, long c, long m, double *h) = 0;
    // Columns first..first+count-1 := X (n x count, and their products with A, AX).
    virtual void set_columns(long first, long count, const double *X, const double *AX) = 0;
    // A thick restart: the first `keep` columns := V_m S (S: m x keep, column after column), then
    // columns m..m+b-1 moved to keep..keep+b-1 (Y likewise).
    virtual void restart(long m, const double *S, long keep, long b) = 0;
    // out (n x k, on the process that runs the Lanczos process) := V_m S (S: m x k).
    virtual void combine(long m, const double *S, long k, double *out) = 0;
  };

  // A process's rows of a basis (all of them in one process): the operations of LanczosBasis on
  // those rows, with `sum` adding a few numbers over the processes (the same result on every
  // process; null: one process).
  class BasisRows
  {
  public:
    using Sum = std::function<void(double *data, long count)>;
    BasisRows(long rows, long columns, bool a_inner);
    BasisRows(BasisRows &&) = default;
    long rows() const { return rows_; }
    long columns() const { return columns_; }
    bool a_inner() const { return static_cast<bool>(Y_); }

    void orthogonalise(double *X, double *AX, long c, long m, double *h, const Sum &sum) const;
    // (X, AX: rows x count)
    void set_columns(long first, long count, const double *X, const double *AX);
    void restart(long m, const double *S, long keep, long b);
    void combine(long m, const double *S, long k, double *out) const;

  private:
    long                      rows_, columns_;
    std::unique_ptr<double[]> V_, Y_; // rows x columns each, column after column
  };

  // The whole basis of n rows in this process.
  std::unique_ptr<LanczosBasis> whole_basis(long n, long columns, bool a_inner);
} // namespace lightbody
