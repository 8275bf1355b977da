#include "solver/cholmod_factor.h"

#include <chrono>
#include <vector>

#include "input/errors.h"

#include <cholmod.h>
#include <dlfcn.h>

#include <cstring>
#include <initializer_list>

extern "C" void dgemm_(const char *transa, const char *transb, const int *m, const int *n,
                       const int *k, const double *alpha, const double *a, const int *lda,
                       const double *b, const int *ldb, const double *beta, double *c,
                       const int *ldc);

namespace lightbody
{
  struct SparseCholesky::Impl
  {
    cholmod_common  common;
    cholmod_sparse *A = nullptr;
    cholmod_factor *L = nullptr;
  };

  SparseCholesky::SparseCholesky() : impl_(std::make_unique<Impl>())
  {
    cholmod_l_start(&impl_->common);
    impl_->common.supernodal = CHOLMOD_SUPERNODAL;
    impl_->common.print      = 0;
    // Let the caller report failures in the model's terms rather than CHOLMOD's.
    impl_->common.error_handler              = nullptr;
    impl_->common.quick_return_if_not_posdef = 1;
  }

  SparseCholesky::~SparseCholesky()
  {
    if (impl_->A)
      cholmod_l_free_sparse(&impl_->A, &impl_->common);
    if (impl_->L)
      cholmod_l_free_factor(&impl_->L, &impl_->common);
    cholmod_l_finish(&impl_->common);
  }

  void SparseCholesky::allocate(std::size_t n, std::size_t nnz)
  {
    n_       = n;
    impl_->A = cholmod_l_allocate_sparse(n, n, nnz, /*sorted*/ 1, /*packed*/ 1, /*stype*/ -1,
                                         CHOLMOD_REAL, &impl_->common);
    if (!impl_->A)
      throw ModelError("not enough memory to hold the stiffness matrix (" + std::to_string(nnz) +
                       " nonzeros)");
  }

  int64_t *SparseCholesky::col_ptr() { return static_cast<int64_t *>(impl_->A->p); }
  int64_t *SparseCholesky::row_index() { return static_cast<int64_t *>(impl_->A->i); }
  double  *SparseCholesky::values() { return static_cast<double *>(impl_->A->x); }

  double SparseCholesky::analyse(const std::vector<int64_t> *order)
  {
    if (order && order->size() == n_)
      {
        // The given ordering only: no AMD or METIS of our own.
        const int nmethods               = impl_->common.nmethods;
        const int method                 = impl_->common.method[0].ordering;
        impl_->common.nmethods           = 1;
        impl_->common.method[0].ordering = CHOLMOD_GIVEN;
        impl_->L = cholmod_l_analyze_p(impl_->A, const_cast<int64_t *>(order->data()), nullptr, 0,
                                       &impl_->common);
        impl_->common.nmethods           = nmethods;
        impl_->common.method[0].ordering = method;
      }
    else
      impl_->L = cholmod_l_analyze(impl_->A, &impl_->common);
    if (!impl_->L)
      throw ModelError("the sparse Cholesky analysis failed (CHOLMOD status " +
                       std::to_string(impl_->common.status) + ")");
    // Supernodal values plus their row indices.
    return 8.0 * impl_->L->xsize + 8.0 * impl_->L->ssize;
  }

  long SparseCholesky::factorise()
  {
    const int ok = cholmod_l_factorize(impl_->A, impl_->L, &impl_->common);
    if (impl_->common.status == CHOLMOD_NOT_POSDEF)
      return static_cast<long>(impl_->L->minor);
    if (!ok || impl_->common.status < CHOLMOD_OK)
      throw ModelError(impl_->common.status == CHOLMOD_OUT_OF_MEMORY
                         ? "out of memory in the sparse Cholesky factorisation"
                         : "the sparse Cholesky factorisation failed (CHOLMOD status " +
                             std::to_string(impl_->common.status) + ")");
    return -1;
  }

  namespace
  {
    // x := op(x) for CHOLMOD's solve systems applied in turn.
    void cholmod_steps(cholmod_factor *L, cholmod_common &cm, std::size_t n, double *x,
                       std::initializer_list<int> systems)
    {
      cholmod_dense *b = cholmod_l_allocate_dense(n, 1, n, CHOLMOD_REAL, &cm);
      if (!b)
        throw ModelError("out of memory in the sparse Cholesky solve");
      std::memcpy(b->x, x, n * sizeof(double));
      for (int sys : systems)
        {
          cholmod_dense *r = cholmod_l_solve(sys, L, b, &cm);
          cholmod_l_free_dense(&b, &cm);
          if (!r)
            throw ModelError("the sparse Cholesky solve failed");
          b = r;
        }
      std::memcpy(x, b->x, n * sizeof(double));
      cholmod_l_free_dense(&b, &cm);
    }
  } // namespace

  void SparseCholesky::solve(double *x) const
  {
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_A});
  }

  void SparseCholesky::solve_lower(double *x) const
  {
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_P, CHOLMOD_L});
  }

  void SparseCholesky::solve_upper(double *x) const
  {
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_Lt, CHOLMOD_Pt});
  }

  std::vector<int64_t> SparseCholesky::ordering() const
  {
    const int64_t *perm = static_cast<const int64_t *>(impl_->L->Perm);
    return std::vector<int64_t>(perm, perm + n_);
  }

  uint64_t SparseCholesky::structure_fingerprint() const
  {
    // FNV-1a over the sizes and the index arrays.
    uint64_t h    = 1469598103934665603ull;
    auto     feed = [&](uint64_t v) {
      for (int b = 0; b < 8; ++b)
        {
          h ^= (v >> (8 * b)) & 0xff;
          h *= 1099511628211ull;
        }
    };
    const auto   *p   = static_cast<const int64_t *>(impl_->A->p);
    const auto   *i   = static_cast<const int64_t *>(impl_->A->i);
    const int64_t nnz = p[n_];
    feed(n_);
    feed(static_cast<uint64_t>(nnz));
    for (std::size_t c = 0; c <= n_; ++c)
      feed(static_cast<uint64_t>(p[c]));
    for (int64_t k = 0; k < nnz; ++k)
      feed(static_cast<uint64_t>(i[k]));
    return h;
  }

  double SparseCholesky::factor_nonzeros() const { return impl_->common.lnz; }
  double SparseCholesky::flops() const { return impl_->common.fl; }

  void SparseCholesky::release_matrix()
  {
    if (impl_->A)
      cholmod_l_free_sparse(&impl_->A, &impl_->common);
  }

  void set_blas_threads(int n)
  {
    // OpenBLAS reads its thread count at load time; its setter exists only in OpenBLAS, so look it
    // up rather than link against one BLAS in particular.
    using Setter = void (*)(int);
    if (auto f = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      f(n);
  }

  double dgemm_rate()
  {
    static const double rate = [] {
      const int           n = 1000;
      std::vector<double> a(n * n, 1.0), b(n * n, 0.5), c(n * n, 0.0);
      const double        one = 1.0, zero = 0.0;
      const char          no = 'N';
      dgemm_(&no, &no, &n, &n, &n, &one, a.data(), &n, b.data(), &n, &zero, c.data(), &n); // warm
      const auto start = std::chrono::steady_clock::now();
      dgemm_(&no, &no, &n, &n, &n, &one, a.data(), &n, b.data(), &n, &zero, c.data(), &n);
      const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return s > 0 ? 2.0 * n * n * n / s : 0.0;
    }();
    return rate;
  }
} // namespace lightbody
