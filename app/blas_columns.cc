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
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

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
    library(side, uplo, transa, diag, m, n, alpha, a, lda, b, ldb);
  }
}
