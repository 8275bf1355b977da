// The triangular solves of several columns on CHOLMOD's supernodal factor
// (solver/supernodal_solve.h) against CHOLMOD's own, column by column: x := L^-1 P b
// (CHOLMOD_P then CHOLMOD_L) and x := P^T L^-T b (CHOLMOD_Lt then CHOLMOD_Pt), for 1 to 8
// columns (rows of four and of eight values), on one thread and on two (the elimination tree's
// subtrees split between them: checked to happen), with nested dissection and with AMD; and
// the two halves one after the other solve A x = b (residual).
#include "solver/supernodal_solve.h"

#include <cholmod.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace
{
  // The lower triangle of a 3D grid's 7-point Laplacian plus a random diagonal shift and
  // random off-diagonal weights (m x m x m, symmetric positive definite), with CHOLMOD's
  // supernodal factor.
  struct Factor
  {
    Factor(int m, int ordering)
    {
      cholmod_l_start(&common);
      common.supernodal         = CHOLMOD_SUPERNODAL;
      common.nmethods           = 1;
      common.method[0].ordering = ordering;
      const int  n              = m * m * m;
      const auto index          = [m](int i, int j, int k) { return (k * m + j) * m + i; };
      std::vector<std::vector<std::pair<int64_t, double>>> columns(n);
      double                                               seed = 0.1;
      const auto random = [&seed] { return seed = std::fmod(seed * 9301 + 0.4929, 1.0); };
      for (int k = 0; k < m; ++k)
        for (int j = 0; j < m; ++j)
          for (int i = 0; i < m; ++i)
            {
              const int a = index(i, j, k);
              columns[a].push_back({a, 6.5 + random()});
              if (i + 1 < m)
                columns[a].push_back({index(i + 1, j, k), -0.5 - 0.5 * random()});
              if (j + 1 < m)
                columns[a].push_back({index(i, j + 1, k), -0.5 - 0.5 * random()});
              if (k + 1 < m)
                columns[a].push_back({index(i, j, k + 1), -0.5 - 0.5 * random()});
            }
      std::size_t nnz = 0;
      for (const auto &c : columns)
        nnz += c.size();
      A             = cholmod_l_allocate_sparse(n, n, nnz, 1, 1, -1, CHOLMOD_REAL, &common);
      auto       *p = static_cast<int64_t *>(A->p), *r = static_cast<int64_t *>(A->i);
      auto       *x = static_cast<double *>(A->x);
      std::size_t e = 0;
      for (int a = 0; a < n; ++a)
        {
          p[a] = static_cast<int64_t>(e);
          for (const auto &[row, v] : columns[a])
            {
              r[e]   = row;
              x[e++] = v;
            }
        }
      p[n] = static_cast<int64_t>(e);
      L    = cholmod_l_analyze(A, &common);
      cholmod_l_factorize(A, L, &common);
      f = lightbody::supernodal_factor(*L, static_cast<std::size_t>(n));
    }
    ~Factor()
    {
      cholmod_l_free_factor(&L, &common);
      cholmod_l_free_sparse(&A, &common);
      cholmod_l_finish(&common);
    }

    // CHOLMOD's solve of one column through the given systems in turn.
    std::vector<double> cholmod(std::vector<double> b, std::initializer_list<int> systems)
    {
      cholmod_dense *d = cholmod_l_allocate_dense(f.n, 1, f.n, CHOLMOD_REAL, &common);
      std::copy(b.begin(), b.end(), static_cast<double *>(d->x));
      for (const int sys : systems)
        {
          cholmod_dense *r = cholmod_l_solve(sys, L, d, &common);
          cholmod_l_free_dense(&d, &common);
          d = r;
        }
      std::copy(static_cast<double *>(d->x), static_cast<double *>(d->x) + f.n, b.begin());
      cholmod_l_free_dense(&d, &common);
      return b;
    }

    cholmod_common              common;
    cholmod_sparse             *A = nullptr;
    cholmod_factor             *L = nullptr;
    lightbody::SupernodalFactor f;
  };

  void expect_equal_to_cholmod(Factor &F, const lightbody::SupernodalSolve &solve)
  {
    const std::size_t n = F.f.n;
    for (std::size_t columns = 1; columns <= lightbody::SupernodalSolve::most_columns; ++columns)
      {
        std::vector<double> b(n * columns);
        for (std::size_t i = 0; i < b.size(); ++i)
          b[i] = std::sin(0.37 * static_cast<double>(i)) + 0.1 * static_cast<double>(i % 7);
        for (const bool upper : {false, true})
          {
            std::vector<double> x = b;
            upper ? solve.upper(x.data(), columns) : solve.lower(x.data(), columns);
            for (std::size_t k = 0; k < columns; ++k)
              {
                const std::vector<double> one(b.begin() + k * n, b.begin() + (k + 1) * n);
                const std::vector<double> ref     = upper ? F.cholmod(one, {CHOLMOD_Lt, CHOLMOD_Pt})
                                                          : F.cholmod(one, {CHOLMOD_P, CHOLMOD_L});
                double                    largest = 0;
                for (const double v : ref)
                  largest = std::max(largest, std::abs(v));
                ASSERT_GT(largest, 0);
                for (std::size_t i = 0; i < n; ++i)
                  ASSERT_NEAR(x[k * n + i], ref[i], 1e-12 * largest)
                    << columns << " columns, " << (upper ? "upper" : "lower") << ", column " << k
                    << ", row " << i;
              }
          }
        // Both halves: A x = b.
        std::vector<double> x = b;
        solve.lower(x.data(), columns);
        solve.upper(x.data(), columns);
        const auto *p = static_cast<const int64_t *>(F.A->p),
                   *r = static_cast<const int64_t *>(F.A->i);
        const auto *v = static_cast<const double *>(F.A->x);
        for (std::size_t k = 0; k < columns; ++k)
          {
            std::vector<double> Ax(n, 0.0);
            const double       *xk = &x[k * n];
            for (std::size_t j = 0; j < n; ++j)
              for (int64_t e = p[j]; e < p[j + 1]; ++e)
                {
                  const auto i = static_cast<std::size_t>(r[e]);
                  Ax[i] += v[e] * xk[j];
                  if (i != j)
                    Ax[j] += v[e] * xk[i];
                }
            double residual = 0, size = 0;
            for (std::size_t i = 0; i < n; ++i)
              {
                residual = std::max(residual, std::abs(Ax[i] - b[k * n + i]));
                size     = std::max(size, std::abs(b[k * n + i]));
              }
            EXPECT_LT(residual, 1e-12 * size) << columns << " columns, column " << k;
          }
      }
  }
} // namespace

TEST(SupernodalSolve, EqualsCholmodOnOneThreadAndOnTwo)
{
  if (!lightbody::SupernodalSolve::available())
    GTEST_SKIP() << "no AVX2 and FMA: the solves are CHOLMOD's";
  for (const int ordering : {CHOLMOD_NESDIS, CHOLMOD_AMD})
    {
      Factor F(18, ordering);
      ASSERT_TRUE(F.L->is_super);
      ASSERT_EQ(F.L->minor, F.L->n);
      const lightbody::SupernodalSolve one(F.f, 1), two(F.f, 2);
      EXPECT_EQ(one.balance(), 0);
      EXPECT_GT(two.balance(), 0.2) << "the tree was not split between two threads";
      expect_equal_to_cholmod(F, one);
      expect_equal_to_cholmod(F, two);
    }
}
