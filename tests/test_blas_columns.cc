// app/blas_columns.cc: DGEMM and DTRSM of one column or one row, done as DGEMV and DTRSV, against
// the definitions (C = alpha op(A) op(B) + beta C; B = alpha op(A)^-1 B, B = alpha B op(A)^-1)
// computed here by plain loops, for every transposition, padded leading dimensions, and the
// BLAS's rule that C is not read when beta is 0; and the products op(A) B and lower triangular
// solves of 2 to 8 columns, done there reading A once (with AVX2), alike. Other ones go to the
// library, checked alike.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

extern "C"
{
  void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
              const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
              const double *beta, double *c, const int *ldc);
  void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag,
              const int *m, const int *n, const double *alpha, const double *a, const int *lda,
              double *b, const int *ldb);
}

namespace
{
  std::vector<double> random_values(std::size_t n, std::mt19937 &g)
  {
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<double>                    v(n);
    for (auto &x : v)
      x = u(g);
    return v;
  }
} // namespace

TEST(BlasColumns, ProductsOfOneColumnOrRowAreTheDefinition)
{
  std::mt19937 g(7);
  const int    shapes[][3] = {{37, 1, 23}, {1, 29, 17}, {41, 1, 1}, {1, 1, 9},  {13, 3, 11},
                              {57, 2, 31}, {64, 4, 70}, {23, 8, 5}, {19, 5, 3}, {6, 9, 7}};
  for (const auto &shape : shapes)
    for (const char ta : {'N', 'T'})
      for (const char tb : {'N', 'T'})
        for (const double beta : {0.0, 1.0, -0.5})
          {
            const int m = shape[0], n = shape[1], k = shape[2];
            // op(A) m x k, op(B) k x n; stored column-major with leading dimensions padded.
            const int    lda = (ta == 'N' ? m : k) + 3, ldb = (tb == 'N' ? k : n) + 2, ldc = m + 4;
            const auto   a     = random_values(std::size_t(lda) * (ta == 'N' ? k : m), g);
            const auto   b     = random_values(std::size_t(ldb) * (tb == 'N' ? n : k), g);
            auto         c     = random_values(std::size_t(ldc) * n, g);
            const double alpha = 1.25;
            if (beta == 0)
              for (int j = 0; j < n; ++j)
                for (int i = 0; i < m; ++i)
                  c[i + j * ldc] = std::numeric_limits<double>::quiet_NaN(); // not to be read
            auto op_a = [&](int i, int l) { return ta == 'N' ? a[i + l * lda] : a[l + i * lda]; };
            auto op_b = [&](int l, int j) { return tb == 'N' ? b[l + j * ldb] : b[j + l * ldb]; };
            std::vector<double> expected = c;
            for (int j = 0; j < n; ++j)
              for (int i = 0; i < m; ++i)
                {
                  double sum = 0;
                  for (int l = 0; l < k; ++l)
                    sum += op_a(i, l) * op_b(l, j);
                  expected[i + j * ldc] = alpha * sum + (beta == 0 ? 0 : beta * c[i + j * ldc]);
                }
            dgemm_(&ta, &tb, &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb, &beta, c.data(),
                   &ldc);
            for (int j = 0; j < n; ++j)
              for (int i = 0; i < m; ++i)
                ASSERT_NEAR(c[i + j * ldc], expected[i + j * ldc], 1e-13)
                  << m << "x" << n << "x" << k << " " << ta << tb << " beta " << beta;
            // Outside the m x n block of C nothing is written.
            for (int j = 0; j < n; ++j)
              for (int i = m; i < ldc; ++i)
                ASSERT_EQ(c[i + j * ldc], expected[i + j * ldc]);
          }
}

TEST(BlasColumns, TriangularSolvesOfOneColumnOrRowAreTheDefinition)
{
  std::mt19937 g(11);
  for (const char side : {'L', 'R'})
    for (const char uplo : {'U', 'L'})
      for (const char ta : {'N', 'T'})
        for (const char diag : {'N', 'U'})
          for (const auto &[m, n] :
               {std::pair{31, 1}, std::pair{1, 27}, std::pair{9, 4}, std::pair{33, 2},
                std::pair{40, 7}, std::pair{5, 8}, std::pair{12, 11}})
            {
              const int p   = side == 'L' ? m : n; // A is p x p
              const int lda = p + 2, ldb = m + 3;
              auto      a = random_values(std::size_t(lda) * p, g);
              for (int i = 0; i < p; ++i)
                a[i + i * lda] = 2 + std::abs(a[i + i * lda]); // well conditioned
              const auto   x     = random_values(std::size_t(ldb) * n, g);
              const double alpha = 0.75;
              // B := op(A) X / alpha (side L) or X op(A) / alpha (side R), so that the solve
              // gives X back.
              auto tri = [&](int i, int j) { // A's entry as the triangle and diagonal say
                if (i == j)
                  return diag == 'U' ? 1.0 : a[i + j * lda];
                const bool inside = uplo == 'U' ? i < j : i > j;
                return inside ? a[i + j * lda] : 0.0;
              };
              auto op = [&](int i, int j) { return ta == 'N' ? tri(i, j) : tri(j, i); };
              std::vector<double> b = x;
              for (int j = 0; j < n; ++j)
                for (int i = 0; i < m; ++i)
                  {
                    double sum = 0;
                    if (side == 'L')
                      for (int l = 0; l < m; ++l)
                        sum += op(i, l) * x[l + j * ldb];
                    else
                      for (int l = 0; l < n; ++l)
                        sum += x[i + l * ldb] * op(l, j);
                    b[i + j * ldb] = sum / alpha;
                  }
              dtrsm_(&side, &uplo, &ta, &diag, &m, &n, &alpha, a.data(), &lda, b.data(), &ldb);
              for (int j = 0; j < n; ++j)
                for (int i = 0; i < m; ++i)
                  ASSERT_NEAR(b[i + j * ldb], x[i + j * ldb], 1e-12)
                    << side << uplo << ta << diag << " " << m << "x" << n;
            }
}
