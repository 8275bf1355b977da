#pragma once
// The Fortran BLAS routines the solver calls directly (OpenBLAS; app/blas_columns.cc puts its own
// kernels for few columns in front of the library's).
extern "C" void dgemm_(const char *transa, const char *transb, const int *m, const int *n,
                       const int *k, const double *alpha, const double *a, const int *lda,
                       const double *b, const int *ldb, const double *beta, double *c,
                       const int *ldc);
