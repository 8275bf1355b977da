#include "solver/lanczos_basis.h"

#include "solver/blas.h"
#include "solver/huge_pages.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace lightbody
{
  namespace
  {
    // C (rows x c) = alpha A B + beta C, A: rows x k, column after column; by the BLAS
    // (Eigen's products copy the basis into blocks of their own first: 130 MB on the default
    // tank, copied four times a step).
    void multiply_into(long rows, long c, long k, double alpha, const double *A, const double *B,
                       double beta, double *C)
    {
      if (rows == 0 || c == 0 || k == 0)
        return;
      const int r = static_cast<int>(rows), n = static_cast<int>(c), kk = static_cast<int>(k);
      dgemm_("N", "N", &r, &n, &kk, &alpha, A, &r, B, &kk, &beta, C, &r);
    }

    // G (m x c) = A^T X, A: rows x m with leading dimension rows, X: rows x c.
    void transposed_into(long rows, long m, long c, const double *A, const double *X, double *G)
    {
      if (rows == 0)
        {
          std::fill(G, G + m * c, 0.0);
          return;
        }
      const int    r = static_cast<int>(rows), mm = static_cast<int>(m), n = static_cast<int>(c);
      const double one = 1, zero = 0;
      dgemm_("T", "N", &mm, &n, &r, &one, A, &r, X, &r, &zero, G, &mm);
    }

    std::unique_ptr<double[]> block(long rows, long columns)
    {
      const std::size_t size = static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
      std::unique_ptr<double[]> p(new double[std::max<std::size_t>(size, 1)]);
      advise_huge_pages(p.get(), sizeof(double) * size);
      return p;
    }

    class WholeBasis : public LanczosBasis
    {
    public:
      WholeBasis(long n, long columns, bool a_inner) : rows_(n, columns, a_inner) {}
      void orthogonalise(double *X, double *AX, long c, long m, double *h) override
      {
        rows_.orthogonalise(X, AX, c, m, h, {});
      }
      void set_columns(long first, long count, const double *X, const double *AX) override
      {
        rows_.set_columns(first, count, X, AX);
      }
      void restart(long m, const double *S, long keep, long b) override
      {
        rows_.restart(m, S, keep, b);
      }
      void combine(long m, const double *S, long k, double *out) override
      {
        rows_.combine(m, S, k, out);
      }

    private:
      BasisRows rows_;
    };
  } // namespace

  BasisRows::BasisRows(long rows, long columns, bool a_inner)
    : rows_(rows), columns_(columns), V_(block(rows, columns)),
      Y_(a_inner ? block(rows, columns) : nullptr)
  {
  }

  void BasisRows::orthogonalise(double *X, double *AX, long c, long m, double *h,
                                const Sum &sum) const
  {
    std::fill(h, h + m * c, 0.0);
    if (m == 0)
      return;
    std::vector<double> g(static_cast<std::size_t>(m * c));
    for (int pass = 0; pass < 2; ++pass)
      {
        transposed_into(rows_, m, c, V_.get(), Y_ ? AX : X, g.data());
        if (sum)
          sum(g.data(), m * c);
        multiply_into(rows_, c, m, -1, V_.get(), g.data(), 1, X);
        if (Y_)
          multiply_into(rows_, c, m, -1, Y_.get(), g.data(), 1, AX);
        for (std::size_t i = 0; i < g.size(); ++i)
          h[i] += g[i];
      }
  }

  void BasisRows::set_columns(long first, long count, const double *X, const double *AX)
  {
    std::copy(X, X + rows_ * count, V_.get() + first * rows_);
    if (Y_)
      std::copy(AX, AX + rows_ * count, Y_.get() + first * rows_);
  }

  void BasisRows::restart(long m, const double *S, long keep, long b)
  {
    std::vector<double> kept(static_cast<std::size_t>(rows_ * keep));
    for (double *P : {V_.get(), Y_.get()})
      {
        if (!P)
          continue;
        multiply_into(rows_, keep, m, 1, P, S, 0, kept.data());
        // (the next block first: columns m.. may lie inside 0..keep-1's room only if m < keep,
        // never: keep <= m)
        std::memmove(P + keep * rows_, P + m * rows_, sizeof(double) * rows_ * b);
        std::copy(kept.begin(), kept.end(), P);
      }
  }

  void BasisRows::combine(long m, const double *S, long k, double *out) const
  {
    multiply_into(rows_, k, m, 1, V_.get(), S, 0, out);
  }

  std::unique_ptr<LanczosBasis> whole_basis(long n, long columns, bool a_inner)
  {
    return std::make_unique<WholeBasis>(n, columns, a_inner);
  }
} // namespace lightbody
