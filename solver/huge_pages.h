#pragma once
// Large blocks as transparent huge pages. A large model's matrices and factor are gigabytes,
// touched first while they are filled: with 4 kB pages that is one page fault per 4 kB, which
// on the 2-core build machine took 3-4 s of the default tank's set-up and part of its
// factorisation (measured: set-up 3.6-4.4 s with 4 kB pages, 1.1 s with huge pages). Blocks of
// 32 MB and more are advised MADV_HUGEPAGE where the system allows it (transparent_hugepage
// "madvise" or "always"); elsewhere nothing changes.
#include <cstddef>

namespace lightbody
{
  // Advises the whole 2 MB pages inside [p, p + n) as huge pages when n is at least 32 MB.
  void advise_huge_pages(void *p, std::size_t n);

  // Touches the pages of a freshly allocated block of at least 64 MB (writing a zero byte into
  // each 4 kB page) from two threads where the machine has two cores or more, so that the kernel
  // provides and clears its pages on both at once instead of on the thread that fills it later,
  // one page fault at a time. The block's contents must be free to change (malloc) or zero
  // already (calloc of fresh memory). Smaller blocks, one core or LIGHTBODY_PARALLEL_TOUCH=0
  // (for bench/memory_touch_benchmark.py's peer): nothing. Returns whether it touched.
  bool touch_in_parallel(void *p, std::size_t n);

  // Gives the C library's allocator back its release of freed memory, which a library that
  // deal.II pulls in turns off as it is loaded: libsuperlu_dist.so.8 (through PETSc) sets
  // M_MMAP_MAX 0 and M_TRIM_THRESHOLD -1 (seen in gdb: mallopt(-4, 0) and mallopt(-1, -1) from
  // its initialisers), so no block was mapped of its own and nothing freed left the process: the
  // default tank's matrices freed before its factorisation (1.3 GB) stayed resident and its
  // peak was 3.72 GB (2.85 GB with this). Blocks of 32 MB and more (glibc's ceiling for its own
  // threshold) are mapped again, each unmapped when freed, and the heap's free top is returned
  // above 64 MB. Call it first in main (after the libraries' initialisers).
  // LIGHTBODY_MALLOC_RELEASE=0 leaves the allocator as the libraries set it (for
  // bench/memory_touch_benchmark.py's peer). Returns whether it changed the settings.
  bool restore_memory_release();

  // Whether the mapping at the first 2 MB boundary from p carries the huge-page advice
  // (/proc/self/smaps "hg"; the advice covers whole 2 MB pages only).
  bool huge_pages_advised(const void *p);
} // namespace lightbody
