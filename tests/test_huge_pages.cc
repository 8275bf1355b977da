// Large blocks (the matrices and the factor) carry the transparent-huge-page advice; small ones
// are left alone. What the kernel then does with the advice is the system's (measured effect in
// solver/huge_pages.h); here only that the advice is given, where the kernel has the feature.
#include "solver/cholmod_factor.h"
#include "solver/huge_pages.h"

#include <gtest/gtest.h>

#include <filesystem>
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
