#include "solver/cholmod_factor.h"

#include <chrono>
#include <vector>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include "input/errors.h"
#include "solver/blas.h"
#include "solver/compressed_ordering.h"
#include "solver/fingerprint.h"
#include "solver/huge_pages.h"
#include "solver/supernodal_solve.h"

#include <cholmod.h>
#include <dlfcn.h>
#include <immintrin.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <string>
#include <initializer_list>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>
#include <algorithm>
#include <atomic>

namespace lightbody
{
  // The largest OpenMP team a library gets, and the parallel regions started through the cap
  // (see GOMP_parallel at the end).
  std::atomic<unsigned> openmp_team_cap{1};
  // The BLAS threads of a forward or back substitution (see cholmod_steps).
  std::atomic<int> solve_blas_threads{1};
  // The BLAS threads of a factorisation fixed for a benchmark (0: the BLAS's less the cores
  // other processes keep busy).
  std::atomic<int>           factor_blas_threads{0};
  std::atomic<unsigned long> openmp_regions_started{0};

  unsigned long openmp_regions() { return openmp_regions_started; }

  namespace
  {
    // CHOLMOD's own choice of ordering for every matrix (LIGHTBODY_CHOLMOD ordering=cholmod), not
    // nested dissection for the large ones (nested_dissection below).
    bool cholmod_ordering = false;
    // The whole matrix's graph ordered as before, not its compressed graph, at every size
    // (LIGHTBODY_CHOLMOD ordering=uncompressed, for bench/factor_benchmark.py).
    bool uncompressed_ordering = false;

    // Settings of the supernodal factorisation for bench/factor_benchmark.py and
    // bench/buckling_benchmark.py to compare: LIGHTBODY_CHOLMOD="nrelax=a,b,c zrelax=x,y,z
    // ordering=amd|metis|nesdis|cholmod|default openmp=n solve_threads=n factor_threads=n".
    void tune(cholmod_common &c)
    {
      const char *given = std::getenv("LIGHTBODY_CHOLMOD");
      if (!given)
        return;
      std::istringstream in(given);
      std::string        item;
      while (in >> item)
        {
          const auto eq = item.find('=');
          if (eq == std::string::npos)
            continue;
          const std::string   key = item.substr(0, eq), value = item.substr(eq + 1);
          std::vector<double> numbers;
          std::istringstream  list(value);
          for (std::string n; std::getline(list, n, ',');)
            numbers.push_back(std::atof(n.c_str()));
          if (key == "nrelax" && numbers.size() == 3)
            for (int k = 0; k < 3; ++k)
              c.nrelax[k] = static_cast<std::size_t>(numbers[k]);
          else if (key == "zrelax" && numbers.size() == 3)
            for (int k = 0; k < 3; ++k)
              c.zrelax[k] = numbers[k];
          else if (key == "openmp" && numbers.size() == 1 && numbers[0] >= 1)
            openmp_team_cap = static_cast<unsigned>(numbers[0]);
          else if (key == "solve_threads" && numbers.size() == 1 && numbers[0] >= 1)
            solve_blas_threads = static_cast<int>(numbers[0]);
          else if (key == "factor_threads" && numbers.size() == 1 && numbers[0] >= 1)
            factor_blas_threads = static_cast<int>(numbers[0]);
          else if (key == "ordering" && value == "cholmod")
            cholmod_ordering = true;
          else if (key == "ordering" && value == "uncompressed")
            uncompressed_ordering = true;
          else if (key == "ordering" && value != "default")
            {
              c.nmethods           = 1;
              c.method[0].ordering = value == "amd"     ? CHOLMOD_AMD
                                     : value == "metis" ? CHOLMOD_METIS
                                                        : CHOLMOD_NESDIS;
            }
        }
    }

    // CHOLMOD's large blocks as transparent huge pages (solver/huge_pages.h).
    // (The large blocks of malloc and calloc touched from two threads: the factor's values,
    // 1.3 GB on the default tank, were faulted in one page at a time by CHOLMOD's single-threaded
    // clearing at the start of the numeric factorisation.)
    void *huge_malloc(std::size_t n)
    {
      void *p = std::malloc(n);
      advise_huge_pages(p, n);
      touch_in_parallel(p, n);
      return p;
    }
    void *huge_calloc(std::size_t count, std::size_t size)
    {
      void *p = std::calloc(count, size);
      advise_huge_pages(p, count * size);
      touch_in_parallel(p, count * size);
      return p;
    }
    void *huge_realloc(void *old, std::size_t n)
    {
      void *p = std::realloc(old, n);
      advise_huge_pages(p, n);
      return p;
    }
    void use_huge_pages()
    {
      static std::once_flag once;
      std::call_once(once, [] {
        SuiteSparse_config.malloc_func  = huge_malloc;
        SuiteSparse_config.calloc_func  = huge_calloc;
        SuiteSparse_config.realloc_func = huge_realloc;
      });
    }
  } // namespace

  struct SparseCholesky::Impl
  {
    cholmod_common  common;
    cholmod_sparse *A       = nullptr;
    cholmod_factor *L       = nullptr;
    int             threads = 1;  // of the last factorisation
    double          others  = -1; // cores other processes kept busy at its start
    // The solves of several columns (solver/supernodal_solve.h), made for the factor when first
    // asked for: null until then, and after the factor changes.
    mutable std::unique_ptr<SupernodalSolve> columns;
    mutable std::mutex                       columns_mutex;
    // Whether the last analysis ordered the compressed graph (compressed_ordering below).
    bool compressed_ordering = false;
    // keep_single_precision(): the supernodal factor's values as floats (L->x freed), empty
    // otherwise.
    std::vector<float> single;

    // The solver of `count` columns for the numeric factor, or null where CHOLMOD solves them
    // (one column or more than SupernodalSolve takes, not supernodal, not factorised, no AVX2,
    // or LIGHTBODY_SUPERNODAL_SOLVE=0 for the benchmark).
    const SupernodalSolve *columns_solve(std::size_t n, std::size_t count) const
    {
      if (count < 2 || count > SupernodalSolve::most_columns)
        return nullptr;
      static const bool off = [] {
        const char *v = std::getenv("LIGHTBODY_SUPERNODAL_SOLVE");
        return v && std::strcmp(v, "0") == 0;
      }();
      if (off || !L || !L->is_super || !L->is_ll || L->xtype != CHOLMOD_REAL || L->minor < L->n ||
          !SupernodalSolve::available())
        return nullptr;
      std::lock_guard<std::mutex> lock(columns_mutex);
      if (!columns)
        {
          columns =
            std::make_unique<SupernodalSolve>(supernodal_factor(*L, n), threads >= 2 ? 2 : 1);
        }
      return columns.get();
    }
  };

  SparseCholesky::SparseCholesky() : impl_(std::make_unique<Impl>())
  {
    use_huge_pages();
    cholmod_l_start(&impl_->common);
    impl_->common.supernodal = CHOLMOD_SUPERNODAL;
    impl_->common.print      = 0;
    // Let the caller report failures in the model's terms rather than CHOLMOD's.
    impl_->common.error_handler              = nullptr;
    impl_->common.quick_return_if_not_posdef = 1;
    tune(impl_->common);
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

  namespace
  {
    // Whether a matrix is ordered by CHOLMOD's nested dissection alone (CHOLMOD_NESDIS) instead
    // of its default (AMD, then METIS where AMD's fill is large, the better kept): from
    // SparseCholesky::nested_dissection_from nonzeros in the lower half, 20 M.
    // bench/factor_benchmark.py, medians of 3, 2026-12-03, ordering and analysis + numeric
    // factorisation: the default tank (27.7 M) 3.31 + 4.28 s against 2.74 + 5.21 s, factor 152.1 M
    // nonzeros against 157.9 M, 52 % of DGEMM's rate against 41 %; the van (25.7 M) 3.39 + 4.04
    // against 2.80 + 5.16 s, factor 130.0 against 136.4 M; below, the tipper (16.0 M) 2.17 + 2.34
    // against 1.87 + 2.39 s and the clamped plate at 31.25 mm (2.5 M) 0.31 against 0.20 s of
    // ordering: the default's AMD is then as good and quicker.
    // The compressed graph's METIS ordering (solver/compressed_ordering.h) is not used up here:
    // on the default tank it orders in 0.4 s instead of 2.2 s, but the numeric factorisation
    // took as much longer (bench/factor_benchmark.py --only default uncompressed, medians of 3,
    // 2026-12-04: 1.51 + 5.82 s against 3.04 + 4.34 s, factor 158.9 M nonzeros against 152.1 M,
    // same flops): the nested dissection's workspace, freed just before, gave the factor
    // memory already in use, while on the build machine (a virtual machine) memory first
    // touched costs about 1.4 s per GB; touching 0.9 GB beside the analysis won back 0.2 s of it.
    // At 40 mm (factor 369 M nonzeros against 354 M) a single pair of runs: 27.0 against 19.3 s.
    bool nested_dissection(const cholmod_sparse &A)
    {
      const auto *p = static_cast<const int64_t *>(A.p);
      return static_cast<std::size_t>(p[A.ncol]) >= SparseCholesky::nested_dissection_from;
    }

    // The ordering of the matrix's compressed graph (solver/compressed_ordering.h) for matrices
    // of SparseCholesky::compressed_ordering_from nonzeros (lower half) and more, below
    // nested_dissection_from, or empty.
    std::vector<int64_t> compressed_ordering(const cholmod_sparse &A)
    {
      const auto *p        = static_cast<const int64_t *>(A.p);
      const auto  nonzeros = static_cast<std::size_t>(p[A.ncol]);
      if (uncompressed_ordering || nonzeros < SparseCholesky::compressed_ordering_from ||
          nonzeros >= SparseCholesky::nested_dissection_from)
        return {};
      return compressed_graph_ordering(static_cast<int64_t>(A.ncol), p,
                                       static_cast<const int64_t *>(A.i));
    }
  } // namespace

  double SparseCholesky::analyse(const std::vector<int64_t> *order)
  {
    impl_->columns.reset();
    impl_->compressed_ordering = false;
    std::vector<int64_t> compressed;
    if (!(order && order->size() == n_) && impl_->common.nmethods == 0 && !cholmod_ordering)
      {
        compressed                 = compressed_ordering(*impl_->A);
        impl_->compressed_ordering = !compressed.empty();
        if (impl_->compressed_ordering)
          order = &compressed;
      }
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
    else if (impl_->common.nmethods == 0 && !cholmod_ordering && nested_dissection(*impl_->A))
      {
        impl_->common.nmethods           = 1;
        impl_->common.method[0].ordering = CHOLMOD_NESDIS;
        impl_->L                         = cholmod_l_analyze(impl_->A, &impl_->common);
        impl_->common.nmethods           = 0;
      }
    else
      impl_->L = cholmod_l_analyze(impl_->A, &impl_->common);
    if (!impl_->L)
      throw ModelError("the sparse Cholesky analysis failed (CHOLMOD status " +
                       std::to_string(impl_->common.status) + ")");
    // Supernodal values plus their row indices.
    return 8.0 * impl_->L->xsize + 8.0 * impl_->L->ssize;
  }

  namespace
  {
    // Symbolic factors kept between runs in one process (a sweep worker's points), by matrix
    // structure fingerprint, with the analysis statistics a copy does not carry.
    struct KeptSymbolic
    {
      uint64_t        fingerprint = 0;
      cholmod_factor *L           = nullptr;
      double          flops = 0, nonzeros = 0;
    };

    class SymbolicCache
    {
    public:
      SymbolicCache() { cholmod_l_start(&common_); }
      ~SymbolicCache()
      {
        for (auto &k : kept_)
          cholmod_l_free_factor(&k.L, &common_);
        cholmod_l_finish(&common_);
      }
      // A copy of the kept factor into `common`'s ownership, or nullptr.
      cholmod_factor *take(uint64_t fingerprint, cholmod_common &common, double &flops,
                           double &nonzeros)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto it = kept_.begin(); it != kept_.end(); ++it)
          if (it->fingerprint == fingerprint)
            {
              kept_.splice(kept_.begin(), kept_, it); // most recently used first
              flops    = it->flops;
              nonzeros = it->nonzeros;
              return cholmod_l_copy_factor(it->L, &common);
            }
        return nullptr;
      }
      void keep(uint64_t fingerprint, cholmod_factor *L, double flops, double nonzeros)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto &k : kept_)
          if (k.fingerprint == fingerprint)
            return;
        KeptSymbolic k{fingerprint, cholmod_l_copy_factor(L, &common_), flops, nonzeros};
        if (!k.L)
          return; // out of memory: only slower later
        kept_.push_front(k);
        while (kept_.size() > 4)
          {
            cholmod_l_free_factor(&kept_.back().L, &common_);
            kept_.pop_back();
          }
      }

    private:
      std::mutex              mutex_;
      cholmod_common          common_;
      std::list<KeptSymbolic> kept_;
    };

    SymbolicCache &symbolic_cache()
    {
      static SymbolicCache cache;
      return cache;
    }
  } // namespace

  double SparseCholesky::reuse_symbolic(uint64_t fingerprint)
  {
    double          flops = 0, nonzeros = 0;
    cholmod_factor *L          = symbolic_cache().take(fingerprint, impl_->common, flops, nonzeros);
    impl_->compressed_ordering = false;
    if (!L || L->n != n_)
      {
        if (L)
          cholmod_l_free_factor(&L, &impl_->common);
        return 0;
      }
    impl_->columns.reset();
    impl_->L          = L;
    impl_->common.fl  = flops;
    impl_->common.lnz = nonzeros;
    return 8.0 * impl_->L->xsize + 8.0 * impl_->L->ssize;
  }

  void SparseCholesky::keep_symbolic(uint64_t fingerprint) const
  {
    if (impl_->L && impl_->L->xtype == CHOLMOD_PATTERN)
      symbolic_cache().keep(fingerprint, impl_->L, impl_->common.fl, impl_->common.lnz);
  }

  long SparseCholesky::factorise()
  {
    // The BLAS splits each large supernode's dense work evenly among its threads: where another
    // process keeps a core busy, every call waits for the thread that shares that core.
    // Measured (2026-12-02, default tank, 200 Gflop, single runs beside a compilation on the
    // other core): two threads 35 s, one 17 s.
    impl_->threads = blas_threads();
    impl_->others  = -1;
    if (impl_->threads > 1 && factor_blas_threads == 0 && flops() > 2e10)
      impl_->others = lightbody::busy_cores_of_others(0.1);
    const int before = impl_->threads;
    if (factor_blas_threads > 0)
      impl_->threads = factor_blas_threads;
    else
      impl_->threads = threads_beside(before, impl_->others);
    if (impl_->threads != before)
      set_blas_threads(impl_->threads);
    impl_->columns.reset();
    const int ok = cholmod_l_factorize(impl_->A, impl_->L, &impl_->common);
    if (impl_->threads != before)
      set_blas_threads(before);
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
    // The BLAS on solve_blas_threads threads during a solve (BlasThreads). A substitution with
    // one right-hand side is a sweep through the factor, thousands of small BLAS-2 calls (one
    // per supernode), bound by memory: a second thread gains nothing on the 2-core machine, and
    // where the other core is busy each call waits for its descheduled helper. Measured
    // (2026-12-02, bench/buckling_benchmark.py --solve-threads --modes 3, default tank, 41
    // products, medians of 2): quiet, one thread 8.70 s against two 10.69 s; beside a busy loop
    // on the other core 11.18 against 26.70 s; beside a compilation 9.7-10.0 against 40.6 and
    // 181.8 s (single runs).
    // x := op(x) for CHOLMOD's solve systems applied in turn; x is n x columns, one column
    // after the other.
    void cholmod_steps(cholmod_factor *L, cholmod_common &cm, std::size_t n, double *x,
                       std::initializer_list<int> systems, std::size_t columns = 1)
    {
      const BlasThreads threads(solve_blas_threads);
      cholmod_dense    *b = cholmod_l_allocate_dense(n, columns, n, CHOLMOD_REAL, &cm);
      if (!b)
        throw ModelError("out of memory in the sparse Cholesky solve");
      const std::size_t values = n * columns;
      std::memcpy(b->x, x, values * sizeof(double));
      for (int sys : systems)
        {
          cholmod_dense *r = cholmod_l_solve(sys, L, b, &cm);
          cholmod_l_free_dense(&b, &cm);
          if (!r)
            throw ModelError("the sparse Cholesky solve failed");
          b = r;
        }
      std::memcpy(x, b->x, values * sizeof(double));
      cholmod_l_free_dense(&b, &cm);
    }

    // The single-precision solve's two kernels, a column of floats against doubles: y += s a
    // and the dot product a . x. Portable loops (the dot product in four partial sums), and
    // AVX2 ones (four floats widened at a time, fused multiply-adds, the dot product in eight
    // partial sums): the backward substitution is a dot product per column, whose one sum was
    // a chain of dependent additions, each waiting for the last (perf: most of the solve's
    // samples there, in scalar subsd; bench/iterative_benchmark.py --kernels-peer).
    void add_scaled_plain(double *y, const float *a, double s, int64_t m)
    {
      for (int64_t i = 0; i < m; ++i)
        y[i] += static_cast<double>(a[i]) * s;
    }

    double dot_plain(const float *a, const double *x, int64_t m)
    {
      double  s[4] = {0, 0, 0, 0};
      int64_t i    = 0;
      for (; i + 4 <= m; i += 4)
        for (int k = 0; k < 4; ++k)
          s[k] += static_cast<double>(a[i + k]) * x[i + k];
      for (; i < m; ++i)
        s[0] += static_cast<double>(a[i]) * x[i];
      return (s[0] + s[1]) + (s[2] + s[3]);
    }

    __attribute__((target("avx2,fma"))) void add_scaled_avx2(double *y, const float *a, double s,
                                                             int64_t m)
    {
      const __m256d sv = _mm256_set1_pd(s);
      int64_t       i  = 0;
      for (; i + 4 <= m; i += 4)
        _mm256_storeu_pd(
          y + i, _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + i)), sv, _mm256_loadu_pd(y + i)));
      for (; i < m; ++i)
        y[i] += static_cast<double>(a[i]) * s;
    }

    __attribute__((target("avx2,fma"))) double dot_avx2(const float *a, const double *x, int64_t m)
    {
      __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
      int64_t i = 0;
      for (; i + 8 <= m; i += 8)
        {
          s0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + i)), _mm256_loadu_pd(x + i), s0);
          s1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + i + 4)), _mm256_loadu_pd(x + i + 4),
                               s1);
        }
      if (i + 4 <= m)
        {
          s0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + i)), _mm256_loadu_pd(x + i), s0);
          i += 4;
        }
      const __m256d t = _mm256_add_pd(s0, s1);
      const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(t), _mm256_extractf128_pd(t, 1));
      double        s = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
      for (; i < m; ++i)
        s += static_cast<double>(a[i]) * x[i];
      return s;
    }

    // x := A^-1 x with A = P^T L L^T P, L supernodal with its values in `values` (floats, laid
    // out as f.x would be), the arithmetic in double: forward (L y = P x) supernode by
    // supernode, each its diagonal block's triangle and then its rows below, gathered; backward
    // (L^T z = y) the other way; x = P^T z.
    void single_precision_solve(const SupernodalFactor &f, const float *values, double *x)
    {
      static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
      static const bool off  = [] { // (LIGHTBODY_VECTOR_KERNELS=0: the benchmark's peer)
        const char *v = std::getenv("LIGHTBODY_VECTOR_KERNELS");
        return v && std::string(v) == "0";
      }();
      const bool          wide       = avx2 && !off && SparseCholesky::vector_kernels;
      const auto          add_scaled = wide ? add_scaled_avx2 : add_scaled_plain;
      const auto          dot        = wide ? dot_avx2 : dot_plain;
      const std::size_t   n          = f.n;
      std::vector<double> y(n), below;
      for (std::size_t k = 0; k < n; ++k)
        y[k] = x[f.perm[k]];
      for (std::size_t s = 0; s < f.nsuper; ++s)
        {
          const int64_t  first = f.super[s], columns = f.super[s + 1] - first;
          const int64_t  rows = f.pi[s + 1] - f.pi[s], more = rows - columns;
          const float   *block = values + f.px[s]; // rows x columns, column-major
          const int64_t *index = f.s_index + f.pi[s] + columns;
          double        *ys    = y.data() + first;
          for (int64_t j = 0; j < columns; ++j)
            {
              const float *column = block + j * rows;
              ys[j] /= column[j];
              add_scaled(ys + j + 1, column + j + 1, -ys[j], columns - j - 1);
            }
          below.assign(static_cast<std::size_t>(more), 0.0);
          for (int64_t j = 0; j < columns; ++j)
            add_scaled(below.data(), block + j * rows + columns, ys[j], more);
          for (int64_t i = 0; i < more; ++i)
            y[index[i]] -= below[i];
        }
      for (std::size_t s = f.nsuper; s-- > 0;)
        {
          const int64_t  first = f.super[s], columns = f.super[s + 1] - first;
          const int64_t  rows = f.pi[s + 1] - f.pi[s], more = rows - columns;
          const float   *block = values + f.px[s];
          const int64_t *index = f.s_index + f.pi[s] + columns;
          double        *ys    = y.data() + first;
          below.resize(static_cast<std::size_t>(more));
          for (int64_t i = 0; i < more; ++i)
            below[i] = y[index[i]];
          for (int64_t j = columns; j-- > 0;)
            {
              const float *column = block + j * rows;
              const double sum    = ys[j] - dot(column + columns, below.data(), more) -
                                 dot(column + j + 1, ys + j + 1, columns - j - 1);
              ys[j] = sum / column[j];
            }
        }
      for (std::size_t k = 0; k < n; ++k)
        x[f.perm[k]] = y[k];
    }
  } // namespace

  void SparseCholesky::solve(double *x) const
  {
    if (!impl_->single.empty())
      return single_precision_solve(supernodal_factor(*impl_->L, n_), impl_->single.data(), x);
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_A});
  }

  void SparseCholesky::solve_lower(double *x) const
  {
    single_refused();
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_P, CHOLMOD_L});
  }

  void SparseCholesky::solve_upper(double *x) const
  {
    single_refused();
    cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_Lt, CHOLMOD_Pt});
  }

  void SparseCholesky::solve(double *x, std::size_t columns) const
  {
    if (!impl_->single.empty())
      {
        for (std::size_t c = 0; c < columns; ++c)
          solve(x + c * n_);
        return;
      }
    const SupernodalSolve *fast = impl_->columns_solve(n_, columns);
    if (!fast)
      return cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_A}, columns);
    fast->lower(x, columns);
    fast->upper(x, columns);
  }

  void SparseCholesky::solve_lower(double *x, std::size_t columns) const
  {
    single_refused();
    const SupernodalSolve *fast = impl_->columns_solve(n_, columns);
    if (!fast)
      return cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_P, CHOLMOD_L}, columns);
    fast->lower(x, columns);
  }

  void SparseCholesky::solve_upper(double *x, std::size_t columns) const
  {
    single_refused();
    const SupernodalSolve *fast = impl_->columns_solve(n_, columns);
    if (!fast)
      return cholmod_steps(impl_->L, impl_->common, n_, x, {CHOLMOD_Lt, CHOLMOD_Pt}, columns);
    fast->upper(x, columns);
  }

  std::vector<int64_t> SparseCholesky::ordering() const
  {
    const int64_t *perm = static_cast<const int64_t *>(impl_->L->Perm);
    return std::vector<int64_t>(perm, perm + n_);
  }

  uint64_t SparseCholesky::structure_fingerprint() const
  {
    // Over the sizes and the index arrays.
    Fingerprint   f;
    auto          feed = [&](uint64_t v) { f.feed(v); };
    const auto   *p    = static_cast<const int64_t *>(impl_->A->p);
    const auto   *i    = static_cast<const int64_t *>(impl_->A->i);
    const int64_t nnz  = p[n_];
    feed(n_);
    feed(static_cast<uint64_t>(nnz));
    for (std::size_t c = 0; c <= n_; ++c)
      feed(static_cast<uint64_t>(p[c]));
    for (int64_t k = 0; k < nnz; ++k)
      feed(static_cast<uint64_t>(i[k]));
    return f.value;
  }

  double SparseCholesky::factor_nonzeros() const { return impl_->common.lnz; }
  double SparseCholesky::flops() const { return impl_->common.fl; }

  std::string SparseCholesky::ordering_method() const
  {
    if (!impl_->L)
      return "";
    switch (impl_->L->ordering)
      {
        case CHOLMOD_AMD: return "AMD";
        case CHOLMOD_METIS: return "METIS";
        case CHOLMOD_NESDIS: return "nested dissection";
        case CHOLMOD_GIVEN: return impl_->compressed_ordering ? "METIS, compressed graph" : "given";
        default: return "natural";
      }
  }

  int    SparseCholesky::factor_threads() const { return impl_->threads; }
  double SparseCholesky::busy_cores_of_others() const { return impl_->others; }

  double busy_cores_of_others(double window_s)
  {
    // Busy and all jiffies of the cores this process may run on (the lines cpuN of /proc/stat
    // for the cores of its affinity: on a large shared machine or in a container limited to a
    // few cores, the others' load elsewhere does not count), and this process's CPU seconds.
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof(mine), &mine) != 0)
      return -1;
    const auto machine = [&mine](double &busy, double &all) {
      std::ifstream in("/proc/stat");
      busy = all        = 0;
      bool        found = false;
      std::string line;
      while (std::getline(in, line))
        {
          if (line.rfind("cpu", 0) != 0)
            break; // the per-core lines come first
          unsigned core = 0;
          double v[8] = {0, 0, 0, 0, 0, 0, 0, 0}; // user nice system idle iowait irq softirq steal
          if (std::sscanf(line.c_str(), "cpu%u %lf %lf %lf %lf %lf %lf %lf %lf", &core, &v[0],
                          &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9 ||
              core >= CPU_SETSIZE || !CPU_ISSET(core, &mine))
            continue;
          const double total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
          all += total;
          busy += total - v[3] - v[4];
          found = true;
        }
      return found;
    };
    const auto own = [] {
      rusage u{};
      getrusage(RUSAGE_SELF, &u);
      return u.ru_utime.tv_sec + 1e-6 * u.ru_utime.tv_usec + u.ru_stime.tv_sec +
             1e-6 * u.ru_stime.tv_usec;
    };
    const long   hz    = sysconf(_SC_CLK_TCK);
    double       busy0 = 0, all0 = 0, busy1 = 0, all1 = 0;
    const auto   t0   = std::chrono::steady_clock::now();
    const double own0 = own();
    if (hz <= 0 || !machine(busy0, all0))
      return -1;
    std::this_thread::sleep_for(std::chrono::duration<double>(window_s));
    if (!machine(busy1, all1))
      return -1;
    const double own1 = own();
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!(seconds > 0) || !(all1 > all0))
      return -1;
    return std::max(0.0, ((busy1 - busy0) / static_cast<double>(hz) - (own1 - own0)) / seconds);
  }

  int threads_beside(int threads, double others)
  {
    if (!(others >= 0) || threads <= 1)
      return threads;
    return std::max(1, threads - static_cast<int>(std::lround(others)));
  }

  void SparseCholesky::release_matrix()
  {
    if (impl_->A)
      cholmod_l_free_sparse(&impl_->A, &impl_->common);
  }

  bool SparseCholesky::keep_single_precision()
  {
    cholmod_factor *L = impl_->L;
    if (!impl_->single.empty())
      return true;
    if (!L || !L->is_super || !L->is_ll || L->xtype != CHOLMOD_REAL || !L->x || L->minor < L->n ||
        L->xsize == 0)
      return false;
    const auto *x = static_cast<const double *>(L->x);
    // (not where the pivots, the squares of L's diagonal, span more than single precision can
    // resolve: a nearly singular matrix, such as a subdomain of a part that turns about a node
    // line, whose smoother in single precision made the iterative solver diverge (relative
    // residual 1e6 after one iteration) where in double it converged and the run named the
    // mechanism; tests/bad_cases/mechanism_pinned_at_one_node_line.yaml)
    const auto *super = static_cast<const int64_t *>(L->super);
    const auto *pi = static_cast<const int64_t *>(L->pi), *px = static_cast<const int64_t *>(L->px);
    double      smallest = std::numeric_limits<double>::infinity(), largest = 0;
    for (std::size_t s = 0; s < L->nsuper; ++s)
      for (int64_t j = 0; j < super[s + 1] - super[s]; ++j)
        {
          const double d = x[px[s] + j * (pi[s + 1] - pi[s]) + j];
          smallest       = std::min(smallest, d * d);
          largest        = std::max(largest, d * d);
        }
    if (!(smallest >= single_pivot_range * largest))
      return false;
    // (nor where values are beyond single precision's range, or so small that they would lose
    // their digits: checked as they are converted)
    impl_->single.resize(L->xsize);
    for (std::size_t i = 0; i < L->xsize; ++i)
      {
        if (x[i] != 0 && !(std::abs(x[i]) >= std::numeric_limits<float>::min() &&
                           std::abs(x[i]) <= std::numeric_limits<float>::max()))
          {
            impl_->single.clear();
            impl_->single.shrink_to_fit();
            return false;
          }
        impl_->single[i] = static_cast<float>(x[i]);
      }
    cholmod_l_free(L->xsize, sizeof(double), L->x, &impl_->common);
    L->x = nullptr;
    impl_->columns.reset();
    return true;
  }

  bool SparseCholesky::single_precision() const { return !impl_->single.empty(); }

  void SparseCholesky::single_refused() const
  {
    if (!impl_->single.empty())
      throw std::logic_error("the halves of the solve with a single-precision factor");
  }

  int blas_threads()
  {
    using Getter    = int (*)();
    static auto get = reinterpret_cast<Getter>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return get ? get() : 1;
  }

  void set_blas_threads(int n)
  {
    // OpenBLAS reads its thread count at load time; its setter exists only in OpenBLAS, so look it
    // up rather than link against one BLAS in particular.
    using Setter    = void (*)(int);
    static auto set = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set)
      set(n);
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

// CHOLMOD's supernodal factorisation (SuiteSparse 5, t_cholmod_super_numeric.c) clears and
// assembles each large supernode in an OpenMP loop on a fixed team of four threads
// (num_threads(4), which omp_set_num_threads cannot lower), beside the BLAS's own threads. On
// the 2-core machine (2026-12-02, alternating runs) a team of one is fastest: clamped plate at
// 6.6 k DoFs, factorise stage 31-33 ms against 50-64 ms with four and 67-183 ms with two (a team
// as large as the cores keeps its threads spinning between the loops, taking the cores from
// the BLAS); tank_shell_5083 at 356 k DoFs, numeric factorisation 4.9-5.4 s against 5.7-5.8 s
// with four and 10.5-11.3 s with two. The executable's definition comes first in the symbol
// lookup, so CHOLMOD's calls come here: the team is capped (one; LIGHTBODY_CHOLMOD="openmp=n"
// for bench/factor_benchmark.py) and libgomp's own GOMP_parallel does the rest. The dense work
// keeps the BLAS's threads (--threads).
extern "C" void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
  using Real             = void (*)(void (*)(void *), void *, unsigned, unsigned);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "GOMP_parallel"));
  if (!real)
    std::abort(); // (a caller of GOMP_parallel without libgomp loaded: impossible)
  ++lightbody::openmp_regions_started;
  const unsigned cap = lightbody::openmp_team_cap;
  if (num_threads == 0 || num_threads > cap)
    num_threads = cap;
  real(fn, data, num_threads, flags);
}
