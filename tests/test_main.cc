#include <gtest/gtest.h>

#if defined(LIGHTBODY_TESTS_RELEASE_MEMORY)
#include "solver/huge_pages.h"
#endif

int main(int argc, char **argv)
{
#if defined(LIGHTBODY_TESTS_RELEASE_MEMORY)
  // As the program does first (app/main.cc): without it the libraries' allocator settings keep
  // large blocks in the heap, where the huge-page advice of a block freed by one test stays on
  // the small blocks of the next (HugePages.LargeBlocksOfNewAreAdvisedSmallOnesAreNot failed when
  // the whole binary ran in one process).
  lightbody::restore_memory_release();
#endif
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
