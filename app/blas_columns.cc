// Matrix products and triangular solves of one column (or one row) as matrix-vector products
// and triangular solves of one vector.
//
// OpenBLAS 0.3.21 (Debian 12) runs DGEMM with n = 1 through its blocked matrix-matrix kernel:
// it copies ("packs") the whole of A into its buffers before the product, so that a product
// that reads A once reads it three times. MUMPS's solve phase makes exactly such products, one
// per front, on a single right-hand side: under `mpirun` the buckling and vibration analyses
// (one shared solve per Lanczos step) spent about half of rank 0's time in that packing
// (perf, 2026-12-03). Later OpenBLAS releases forward these products to DGEMV themselves
// (GEMM_GEMV_FORWARD, 0.3.27). This DGEMM, linked into the executable, does the same and hands
// every other product to the library's (and DTRSM, whose copies took another 3 %, likewise): the
// same result (a matrix-vector product is the one-column case of the definition), rounded in
// another order.
//
// Products op(A) B and solves with a lower triangular A of a few columns (2 to 8: CHOLMOD's
// supernodal solve of several right-hand sides, one DGEMM and one DTRSM per supernode) are done
// here too, each reading A once for all the columns, the columns of B and C (a few thousand rows
// at most) staying in the cache: the library packs A for them as well, so that a solve of two
// columns of the default tank's factor took as long as two solves of one (0.31 s against 2 x
// 0.16 s, 2026-12-04). With AVX2 and FMA only (compiled for them alone and chosen when the
// program runs); on other processors the library's routines.
#include <dlfcn.h>
#include <immintrin.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace
{
  // LIGHTBODY_BLAS_COLUMNS=0 (for bench/mpi_benchmark.py --blas-peer): every call to the
  // library's routines.
  bool library_only()
  {
    static const bool off = [] {
      const char *v = std::getenv("LIGHTBODY_BLAS_COLUMNS");
      return v && std::strcmp(v, "0") == 0;
    }();
    return off;
  }

  // The library's routine of that name (the next in the search order after this program).
  void *next(const char *name)
  {
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
      {
        std::fprintf(stderr, "lightbody: the BLAS has no %s\n", name);
        std::abort();
      }
    return f;
  }

  // The kernels below use AVX2 and FMA where the processor has them (else the library's
  // routines are called): compiled for them alone, chosen when the program runs.
  bool has_avx2()
  {
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
  }

#define LIGHTBODY_AVX2 __attribute__((target("avx2,fma")))

  // The sum of a vector's four lanes.
  LIGHTBODY_AVX2 inline double lanes_sum(__m256d v)
  {
    const __m128d half = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(half, _mm_unpackhi_pd(half, half)));
  }

  // s_j = sum_l u[l] v_j[l] for N vectors v_j, l < n: u read once (two accumulators each).
  template <int N>
  LIGHTBODY_AVX2 void dots(const double *u, const double *const *v, int n, double *s)
  {
    __m256d acc[2][N];
    for (int j = 0; j < N; ++j)
      acc[0][j] = acc[1][j] = _mm256_setzero_pd();
    int l = 0;
    for (; l + 8 <= n; l += 8)
      {
        const __m256d u0 = _mm256_loadu_pd(u + l), u1 = _mm256_loadu_pd(u + l + 4);
        for (int j = 0; j < N; ++j)
          {
            acc[0][j] = _mm256_fmadd_pd(u0, _mm256_loadu_pd(v[j] + l), acc[0][j]);
            acc[1][j] = _mm256_fmadd_pd(u1, _mm256_loadu_pd(v[j] + l + 4), acc[1][j]);
          }
      }
    for (int j = 0; j < N; ++j)
      {
        double sum = lanes_sum(_mm256_add_pd(acc[0][j], acc[1][j]));
        for (int r = l; r < n; ++r)
          sum += u[r] * v[j][r];
        s[j] = sum;
      }
  }

  // y_j[i] += sum_q s_q,j w_q[i] for Q vectors w_q and N vectors y_j, i < n: the w read once.
  template <int N, int Q>
  LIGHTBODY_AVX2 void updates(const double *const *w, const double (*s)[N], int n, double *const *y)
  {
    __m256d S[Q][N];
    for (int q = 0; q < Q; ++q)
      for (int j = 0; j < N; ++j)
        S[q][j] = _mm256_set1_pd(s[q][j]);
    int i = 0;
    for (; i + 4 <= n; i += 4)
      {
        __m256d W[Q];
        for (int q = 0; q < Q; ++q)
          W[q] = _mm256_loadu_pd(w[q] + i);
        for (int j = 0; j < N; ++j)
          {
            __m256d c = _mm256_loadu_pd(y[j] + i);
            for (int q = 0; q < Q; ++q)
              c = _mm256_fmadd_pd(S[q][j], W[q], c);
            _mm256_storeu_pd(y[j] + i, c);
          }
      }
    for (; i < n; ++i)
      for (int j = 0; j < N; ++j)
        for (int q = 0; q < Q; ++q)
          y[j][i] += s[q][j] * w[q][i];
  }

  // C = alpha op(A) B + beta C for N columns of B and C (op(A) m x k), A read once.
  template <int N>
  LIGHTBODY_AVX2 void few_columns_product(bool a_plain, int m, int k, double alpha, const double *a,
                                          int lda, const double *b, int ldb, double beta, double *c,
                                          int ldc)
  {
    double       *col[N];
    const double *bcol[N];
    for (int j = 0; j < N; ++j)
      {
        col[j]  = c + static_cast<std::size_t>(j) * ldc;
        bcol[j] = b + static_cast<std::size_t>(j) * ldb;
        if (beta == 0) // (C not read)
          for (int i = 0; i < m; ++i)
            col[j][i] = 0;
        else if (beta != 1)
          for (int i = 0; i < m; ++i)
            col[j][i] *= beta;
      }
    const auto column = [&](int l) { return a + static_cast<std::size_t>(l) * lda; };
    if (a_plain)
      {
        // C(:, j) += alpha sum_l A(:, l) B(l, j), four of A's columns at a time.
        int l = 0;
        for (; l + 4 <= k; l += 4)
          {
            double s[4][N];
            for (int q = 0; q < 4; ++q)
              for (int j = 0; j < N; ++j)
                s[q][j] = alpha * bcol[j][l + q];
            const double *w[4] = {column(l), column(l + 1), column(l + 2), column(l + 3)};
            updates<N, 4>(w, s, m, col);
          }
        for (; l < k; ++l)
          {
            double s[1][N];
            for (int j = 0; j < N; ++j)
              s[0][j] = alpha * bcol[j][l];
            const double *w[1] = {column(l)};
            updates<N, 1>(w, s, m, col);
          }
        return;
      }
    // op(A) = A^T: C(i, j) += alpha A(:, i) . B(:, j).
    for (int i = 0; i < m; ++i)
      {
        double s[N];
        dots<N>(column(i), bcol, k, s);
        for (int j = 0; j < N; ++j)
          col[j][i] += alpha * s[j];
      }
  }

  // B = alpha op(A)^-1 B for N columns of B, A m x m lower triangular, A read once.
  template <int N>
  LIGHTBODY_AVX2 void few_columns_solve(bool plain, bool unit, int m, double alpha, const double *a,
                                        int lda, double *b, int ldb)
  {
    double *x[N];
    for (int j = 0; j < N; ++j)
      {
        x[j] = b + static_cast<std::size_t>(j) * ldb;
        if (alpha != 1)
          for (int i = 0; i < m; ++i)
            x[j][i] *= alpha;
      }
    const auto column = [&](int p) { return a + static_cast<std::size_t>(p) * lda; };
    if (plain)
      // Forward: x_p known, taken out of the rows below it.
      for (int p = 0; p < m; ++p)
        {
          const double *ap = column(p);
          double        s[1][N];
          double       *below[N];
          for (int j = 0; j < N; ++j)
            {
              if (!unit)
                x[j][p] /= ap[p];
              s[0][j]  = -x[j][p];
              below[j] = x[j] + p + 1;
            }
          const double *w[1] = {ap + p + 1};
          updates<N, 1>(w, s, m - p - 1, below);
        }
    else
      // A^T upper, backward: x_p less the sum over the rows below it.
      for (int p = m - 1; p >= 0; --p)
        {
          const double *ap = column(p);
          const double *below[N];
          for (int j = 0; j < N; ++j)
            below[j] = x[j] + p + 1;
          double s[N];
          dots<N>(ap + p + 1, below, m - p - 1, s);
          for (int j = 0; j < N; ++j)
            {
              x[j][p] -= s[j];
              if (!unit)
                x[j][p] /= ap[p];
            }
        }
  }

  template <class F>
  bool few_columns(int n, const F &f)
  {
    switch (n)
      {
        case 2: f(std::integral_constant<int, 2>()); return true;
        case 3: f(std::integral_constant<int, 3>()); return true;
        case 4: f(std::integral_constant<int, 4>()); return true;
        case 5: f(std::integral_constant<int, 5>()); return true;
        case 6: f(std::integral_constant<int, 6>()); return true;
        case 7: f(std::integral_constant<int, 7>()); return true;
        case 8: f(std::integral_constant<int, 8>()); return true;
        default: return false;
      }
  }
} // namespace

extern "C"
{
  using Dgemm = void (*)(const char *, const char *, const int *, const int *, const int *,
                         const double *, const double *, const int *, const double *, const int *,
                         const double *, double *, const int *);
  using Dtrsm = void (*)(const char *, const char *, const char *, const char *, const int *,
                         const int *, const double *, const double *, const int *, double *,
                         const int *);
  void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
              const int *lda, const double *x, const int *incx, const double *beta, double *y,
              const int *incy);
  void dtrsv_(const char *uplo, const char *trans, const char *diag, const int *n, const double *a,
              const int *lda, double *x, const int *incx);
  void dscal_(const int *n, const double *alpha, double *x, const int *incx);

  // C = alpha op(A) op(B) + beta C with op(A) m x k, op(B) k x n (column-major, as the BLAS).
  void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
              const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
              const double *beta, double *c, const int *ldc)
  {
    static const auto library = reinterpret_cast<Dgemm>(next("dgemm_"));
    const bool        a_plain = *transa == 'N' || *transa == 'n';
    const bool        b_plain = *transb == 'N' || *transb == 'n';
    const int         one     = 1;
    if (library_only())
      return library(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (*n == 1 && *m > 1 && *k > 0)
      {
        // The column C(:, 0) = alpha op(A) x + beta C(:, 0), x the column op(B)(:, 0).
        const int incx = b_plain ? 1 : *ldb;
        if (a_plain)
          dgemv_("N", m, k, alpha, a, lda, b, &incx, beta, c, &one);
        else
          dgemv_("T", k, m, alpha, a, lda, b, &incx, beta, c, &one);
        return;
      }
    if (*m == 1 && *n > 1 && *k > 0)
      {
        // The row C(0, :) = alpha op(B)^T x + beta C(0, :), x the row op(A)(0, :).
        const int incx = a_plain ? *lda : 1;
        if (b_plain)
          dgemv_("T", k, n, alpha, b, ldb, a, &incx, beta, c, ldc);
        else
          dgemv_("N", n, k, alpha, b, ldb, a, &incx, beta, c, ldc);
        return;
      }
    // (alpha 0: the library's, which reads neither A nor B)
    if (*m > 1 && *k > 0 && *alpha != 0 && b_plain && has_avx2() &&
        few_columns(*n, [&](auto columns) {
          few_columns_product<decltype(columns)::value>(a_plain, *m, *k, *alpha, a, *lda, b, *ldb,
                                                        *beta, c, *ldc);
        }))
      return;
    library(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  // B = alpha op(A)^-1 B (side L) or alpha B op(A)^-1 (side R), A triangular: with one column
  // (side L) or one row (side R) of B, the triangular solve of one vector.
  void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag,
              const int *m, const int *n, const double *alpha, const double *a, const int *lda,
              double *b, const int *ldb)
  {
    static const auto library = reinterpret_cast<Dtrsm>(next("dtrsm_"));
    const bool        left    = *side == 'L' || *side == 'l';
    const bool        plain   = *transa == 'N' || *transa == 'n';
    const int         one     = 1;
    if (library_only())
      return library(side, uplo, transa, diag, m, n, alpha, a, lda, b, ldb);
    if (left && *n == 1 && *m > 1)
      {
        if (*alpha != 1)
          dscal_(m, alpha, b, &one);
        dtrsv_(uplo, transa, diag, m, a, lda, b, &one);
        return;
      }
    if (!left && *m == 1 && *n > 1)
      {
        // x op(A) = alpha y  <=>  op(A)^T x^T = alpha y^T
        if (*alpha != 1)
          dscal_(n, alpha, b, ldb);
        dtrsv_(uplo, plain ? "T" : "N", diag, n, a, lda, b, ldb);
        return;
      }
    const bool lower = *uplo == 'L' || *uplo == 'l', unit = *diag == 'U' || *diag == 'u';
    if (left && lower && *m > 1 && *alpha != 0 && has_avx2() && few_columns(*n, [&](auto columns) {
          few_columns_solve<decltype(columns)::value>(plain, unit, *m, *alpha, a, *lda, b, *ldb);
        }))
      return;
    library(side, uplo, transa, diag, m, n, alpha, a, lda, b, ldb);
  }
}
