// Large blocks (the matrices and the factor) carry the transparent-huge-page advice; small ones
// are left alone; the sparse Cholesky's blocks of 64 MB and more are in memory when allocated
// (touched from two threads). What the kernel then does with the advice is the system's (measured
// effect in solver/huge_pages.h); here only that the advice is given, where the kernel has the
// feature.
#include "solver/cholmod_factor.h"
#include "solver/huge_pages.h"

#include <gtest/gtest.h>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <cstdint>
#include <filesystem>
#include <thread>
#include <memory>
#include <vector>

namespace
{
  bool kernel_has_huge_pages()
  {
    return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled");
  }
} // namespace

TEST(HugePages, LargeBlocksOfNewAreAdvisedSmallOnesAreNot)
{
  if (!kernel_has_huge_pages())
    GTEST_SKIP() << "no transparent huge pages in this kernel";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "operator new stays AddressSanitizer's (app/operator_new.cc)";
#endif
  std::vector<double> large(8u << 20); // 64 MB
  EXPECT_TRUE(lightbody::huge_pages_advised(large.data()));
  auto small = std::make_unique<double[]>(1000);
  EXPECT_FALSE(lightbody::huge_pages_advised(small.get()));
  int on_stack = 0;
  EXPECT_FALSE(lightbody::huge_pages_advised(&on_stack));
}

TEST(HugePages, TheSparseCholeskyMatrixIsAdvised)
{
  if (!kernel_has_huge_pages())
    GTEST_SKIP() << "no transparent huge pages in this kernel";
  lightbody::SparseCholesky c;
  c.allocate(1000, 6u << 20); // 48 MB of values, 48 MB of row indices
  EXPECT_TRUE(lightbody::huge_pages_advised(c.values()));
  EXPECT_TRUE(lightbody::huge_pages_advised(c.row_index()));
}

namespace
{
  // The pages of [p, p + n) in memory (mincore).
  std::size_t resident_pages(void *p, std::size_t n)
  {
    const std::size_t          page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in((n + page - 1) / page);
    if (mincore(p, n, in.data()) != 0)
      return 0;
    std::size_t count = 0;
    for (unsigned char c : in)
      count += c & 1;
    return count;
  }
} // namespace

// A fresh block of 64 MB and more is in memory, every page of it, when touch_in_parallel returns
// (mincore), and still zero; a smaller one is left alone.
TEST(HugePages, LargeFreshBlocksAreTouchedWhole)
{
  if (std::thread::hardware_concurrency() < 2)
    GTEST_SKIP() << "one core: nothing is touched";
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t n    = (std::size_t(96) << 20) + 5 * page;
  void *p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_EQ(resident_pages(p, n), 0u); // fresh anonymous memory: nothing yet
  EXPECT_TRUE(lightbody::touch_in_parallel(p, n));
  EXPECT_EQ(resident_pages(p, n), n / page);
  const auto *bytes = static_cast<const unsigned char *>(p);
  EXPECT_EQ(std::count(bytes, bytes + n, 0), static_cast<std::ptrdiff_t>(n));
  munmap(p, n);

  const std::size_t small = std::size_t(32) << 20;
  void *q = mmap(nullptr, small, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(q, MAP_FAILED);
  EXPECT_FALSE(lightbody::touch_in_parallel(q, small));
  EXPECT_EQ(resident_pages(q, small), 0u);
  munmap(q, small);
}

// The factorisation's large blocks come through the same allocation: the sparse Cholesky
// matrix's values (96 MB here) are in memory, every whole page of them, as soon as allocated.
TEST(HugePages, TheSparseCholeskyLargeArraysAreInMemoryWhenAllocated)
{
  if (std::thread::hardware_concurrency() < 2)
    GTEST_SKIP() << "one core: nothing is touched";
  lightbody::SparseCholesky c;
  const std::size_t         nnz = 12u << 20; // 96 MB of values and of row indices
  c.allocate(1000, nnz);
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  auto *start = reinterpret_cast<char *>((reinterpret_cast<std::uintptr_t>(c.values()) + page - 1) &
                                         ~(page - 1));
  const std::size_t whole = (nnz * sizeof(double) - page) / page * page;
  EXPECT_EQ(resident_pages(start, whole), whole / page);
}

// A library that deal.II pulls in (libsuperlu_dist) turns off, as it is loaded, the mapping of
// large blocks and the return of freed memory: a freed matrix stayed in the process (the default
// tank's peak 3.72 GB against 2.85 GB). After restore_memory_release a large block is mapped of
// its own and leaves the process when freed.
TEST(HugePages, FreedLargeBlocksLeaveTheProcess)
{
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator";
#endif
  lightbody::restore_memory_release();
  const auto resident = [] {
    std::ifstream statm("/proc/self/statm");
    double        pages = 0, rss = 0;
    statm >> pages >> rss;
    return rss * static_cast<double>(sysconf(_SC_PAGESIZE));
  };
  // (larger than all the free memory the heap holds from earlier tests, which malloc reuses
  // before it maps anything)
  const std::size_t n = std::max(std::size_t(128) << 20, mallinfo2().fordblks + (64u << 20));
  char             *p = static_cast<char *>(std::malloc(n));
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, n);
  EXPECT_GE(mallinfo2().hblkhd, n); // mapped of its own
  const double with = resident();
  std::free(p);
  EXPECT_GT(with - resident(), 0.9 * n); // and gone when freed
}
