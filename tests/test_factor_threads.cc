// CHOLMOD's OpenMP loops run on a team of one (solver/cholmod_factor.cc: its fixed team of four
// on a two-core machine made small factorisations two to three times slower): the regions it
// starts pass through lightbody's cap, and a region asked for four threads gets one.
#include "solver/cholmod_factor.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>

extern "C" void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

// The BLAS's triangular solve, as CHOLMOD calls it in a supernodal substitution with one
// right-hand side: this test program's definition comes first in the symbol lookup, records the
// BLAS's thread count at the call and passes it on to the BLAS's own.
namespace
{
  std::atomic<int> threads_in_trsv{0};
}
extern "C" void dtrsv_(const char *uplo, const char *trans, const char *diag, const int *n,
                       const double *a, const int *lda, double *x, const int *incx)
{
  using Trsv = void (*)(const char *, const char *, const char *, const int *, const double *,
                        const int *, double *, const int *);
  static const auto blas = reinterpret_cast<Trsv>(dlsym(RTLD_NEXT, "dtrsv_"));
  threads_in_trsv        = std::max(threads_in_trsv.load(), lightbody::blas_threads());
  blas(uplo, trans, diag, n, a, lda, x, incx);
}

namespace
{
  void count_thread(void *data) { ++*static_cast<std::atomic<int> *>(data); }
} // namespace

TEST(FactorThreads, ARegionAskedForFourThreadsRunsOnOne)
{
  std::atomic<int> threads{0};
  GOMP_parallel(count_thread, &threads, 4, 0);
  EXPECT_EQ(threads, 1);
}

namespace
{
  // The lower triangle of A = I + 1 1^T / n, by columns, into c.
  void fill_dense(lightbody::SparseCholesky &c, std::size_t n)
  {
    c.allocate(n, n * (n + 1) / 2);
    int64_t    *p = c.col_ptr(), *r = c.row_index();
    double     *x = c.values();
    std::size_t k = 0;
    for (std::size_t j = 0; j < n; ++j)
      {
        p[j] = static_cast<int64_t>(k);
        for (std::size_t i = j; i < n; ++i, ++k)
          r[k] = static_cast<int64_t>(i), x[k] = (i == j ? 1.0 : 0.0) + 1.0 / n;
      }
    p[n] = static_cast<int64_t>(k);
  }
} // namespace

// The factorisation has the BLAS's threads; each substitution runs on one (a second only waits
// for its helper where the other core is busy: solver/cholmod_factor.cc) and gives them back.
TEST(FactorThreads, ASubstitutionRunsOnOneBlasThreadAndGivesThemBack)
{
  const int before = lightbody::blas_threads();
  lightbody::set_blas_threads(2);
  if (lightbody::blas_threads() != 2)
    GTEST_SKIP() << "the BLAS does not tell or set its threads (not OpenBLAS)";
  const std::size_t         n = 300;
  lightbody::SparseCholesky c;
  fill_dense(c, n);
  c.analyse();
  ASSERT_LT(c.factorise(), 0);
  threads_in_trsv = 0;
  std::vector<double> b(n, 2.0);
  c.solve(b.data());
  EXPECT_EQ(threads_in_trsv, 1);
  EXPECT_EQ(lightbody::blas_threads(), 2);
  for (double v : b)
    EXPECT_NEAR(v, 1.0, 1e-12);
  threads_in_trsv = 0;
  c.solve_upper(b.data());
  c.solve_lower(b.data());
  EXPECT_EQ(threads_in_trsv, 1);
  EXPECT_EQ(lightbody::blas_threads(), 2);
  lightbody::set_blas_threads(before);
}

// A dense 300 x 300 block is one supernode of 90 000 entries, above the 1 024 from which
// CHOLMOD clears and fills a supernode in an OpenMP loop: the factorisation starts regions, and
// they come through the cap (counted), and the factor is right.
TEST(FactorThreads, CholmodsRegionsComeThroughTheCap)
{
  const std::size_t         n = 300;
  lightbody::SparseCholesky c;
  fill_dense(c, n);
  c.analyse();
  const unsigned long before = lightbody::openmp_regions();
  ASSERT_LT(c.factorise(), 0);
  EXPECT_GT(lightbody::openmp_regions(), before);
  // A 1 = 2 1 (1 is the eigenvector of 1 1^T / n with eigenvalue 1): A^-1 (2 1) = 1.
  std::vector<double> b(n, 2.0);
  c.solve(b.data());
  for (double v : b)
    EXPECT_NEAR(v, 1.0, 1e-12);
}

// A factorisation runs on the BLAS's threads less the cores other processes keep busy, rounded,
// at least one; unknown load changes nothing.
TEST(FactorThreads, ThreadsLessTheCoresOthersKeepBusy)
{
  using lightbody::threads_beside;
  EXPECT_EQ(threads_beside(2, 0.0), 2);
  EXPECT_EQ(threads_beside(2, 0.3), 2);
  EXPECT_EQ(threads_beside(2, 0.7), 1);
  EXPECT_EQ(threads_beside(2, 1.0), 1);
  EXPECT_EQ(threads_beside(2, 1.9), 1);
  EXPECT_EQ(threads_beside(4, 1.4), 3);
  EXPECT_EQ(threads_beside(2, -1), 2);
  EXPECT_EQ(threads_beside(1, 0.0), 1);
}

// Another process spinning on a core is counted as (nearly) a busy core, whatever else the
// machine runs beside this test: the measure is the machine's busy time less this process's.
TEST(FactorThreads, AProcessSpinningBesideIsABusyCore)
{
  if (lightbody::busy_cores_of_others(0.05) < 0)
    GTEST_SKIP() << "no /proc/stat";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0)
    for (volatile unsigned long i = 0;; i = i + 1)
      {
      }
  const double others = lightbody::busy_cores_of_others(0.3);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_GE(others, 0.6);
  EXPECT_LE(others, static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) + 0.2);
}
