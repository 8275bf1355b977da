// CHOLMOD's OpenMP loops run on a team of one (solver/cholmod_factor.cc: its fixed team of four
// on a two-core machine made small factorisations two to three times slower): the regions it
// starts pass through lightbody's cap, and a region asked for four threads gets one.
#include "solver/cholmod_factor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

extern "C" void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

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

// A dense 300 x 300 block is one supernode of 90 000 entries, above the 1 024 from which
// CHOLMOD clears and fills a supernode in an OpenMP loop: the factorisation starts regions, and
// they come through the cap (counted), and the factor is right.
TEST(FactorThreads, CholmodsRegionsComeThroughTheCap)
{
  const std::size_t         n = 300;
  lightbody::SparseCholesky c;
  c.allocate(n, n * (n + 1) / 2);
  int64_t    *p = c.col_ptr(), *r = c.row_index();
  double     *x = c.values();
  std::size_t k = 0;
  for (std::size_t j = 0; j < n; ++j) // lower triangle of A = I + 1 1^T / n, by columns
    {
      p[j] = static_cast<int64_t>(k);
      for (std::size_t i = j; i < n; ++i, ++k)
        r[k] = static_cast<int64_t>(i), x[k] = (i == j ? 1.0 : 0.0) + 1.0 / n;
    }
  p[n] = static_cast<int64_t>(k);
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
