#pragma once
// The two halves of the solve with a supernodal Cholesky factor A = P^T L L^T P for a few
// right-hand sides at once (2 to 8): x := L^-1 P x and x := P^T L^-T x, on two threads.
//
// CHOLMOD's own solve of several columns keeps them apart (n x columns, one after the other):
// every supernode gathers and scatters each row once per column, from as many places in memory,
// and hands the products to the BLAS; for the default tank's factor (152 M nonzeros) a solve of
// six columns took about 3.5 times one column's, on one core. Here the columns are interleaved
// (each row's values side by side, padded to four or eight), each supernode's rows are read and
// written once for all of them, the products are small register-blocked AVX2 kernels, and the
// supernodal elimination tree is split in two sets of subtrees that two threads solve at the same
// time (forward: the subtrees first, the second thread working in a copy of its rows and of the
// common ancestors', added after; backward: the ancestors first, then the subtrees). Rounding
// differs from CHOLMOD's (other order of the sums), nothing else.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace lightbody
{
  // CHOLMOD's supernodal factor (cholmod_factor, is_super, is_ll), borrowed: supernode s holds
  // columns super[s] .. super[s + 1] - 1; its row indices are s_index[pi[s] .. pi[s + 1]), the
  // first of them its own columns; its values the column-major block x[px[s] ...] with
  // pi[s + 1] - pi[s] rows. perm: the fill-reducing permutation (row k of L is row perm[k] of A).
  struct SupernodalFactor
  {
    std::size_t    n      = 0;
    std::size_t    nsuper = 0;
    const int64_t *super = nullptr, *pi = nullptr, *px = nullptr, *s_index = nullptr;
    const double  *x    = nullptr;
    const int64_t *perm = nullptr;
  };

  class SupernodalSolve
  {
  public:
    // The elimination tree and the split of its work for two threads (`threads` 1: none).
    SupernodalSolve(const SupernodalFactor &factor, unsigned threads);
    ~SupernodalSolve();

    // Whether this processor has the kernels (AVX2 and FMA); else the caller solves otherwise.
    static bool available();
    // The most columns of one solve.
    static constexpr std::size_t most_columns = 8;

    // x := L^-1 P x (lower) or x := P^T L^-T x (upper) for x n x columns, one column after the
    // other, 1 <= columns <= most_columns.
    void lower(double *x, std::size_t columns) const;
    void upper(double *x, std::size_t columns) const;

    // The share of the factor's work in the smaller of the two threads' sets (0: one thread).
    double balance() const;

  private:
    void solve(double *x, std::size_t columns, bool upper) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
  };

  // The fields of a CHOLMOD factor (cholmod_factor of the long-integer interface, numeric,
  // supernodal) of n unknowns, borrowed.
  template <class CholmodFactor>
  SupernodalFactor supernodal_factor(const CholmodFactor &L, std::size_t n)
  {
    SupernodalFactor f;
    f.n       = n;
    f.nsuper  = L.nsuper;
    f.super   = static_cast<const int64_t *>(L.super);
    f.pi      = static_cast<const int64_t *>(L.pi);
    f.px      = static_cast<const int64_t *>(L.px);
    f.s_index = static_cast<const int64_t *>(L.s);
    f.x       = static_cast<const double *>(L.x);
    f.perm    = static_cast<const int64_t *>(L.Perm);
    return f;
  }
} // namespace lightbody
