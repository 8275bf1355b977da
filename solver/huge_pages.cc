#include "solver/huge_pages.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>
#include <sstream>
#include <string>

namespace lightbody
{
  void advise_huge_pages(void *p, std::size_t n)
  {
    constexpr std::uintptr_t huge = std::uintptr_t(1) << 21;
    if (!p || n < 16 * huge)
      return;
    const auto a     = reinterpret_cast<std::uintptr_t>(p);
    const auto start = (a + huge - 1) & ~(huge - 1), end = (a + n) & ~(huge - 1);
    if (end > start)
      madvise(reinterpret_cast<void *>(start), end - start, MADV_HUGEPAGE);
  }

  bool touch_in_parallel(void *p, std::size_t n)
  {
    static const bool enabled = [] {
      const char *v = std::getenv("LIGHTBODY_PARALLEL_TOUCH");
      return !(v && std::strcmp(v, "0") == 0) && std::thread::hardware_concurrency() > 1;
    }();
    if (!p || n < (std::size_t(64) << 20) || !enabled)
      return false;
    constexpr std::size_t page  = 4096;
    volatile char        *bytes = static_cast<char *>(p);
    const auto            touch = [bytes](std::size_t from, std::size_t to) {
      for (std::size_t k = from; k < to; k += page)
        bytes[k] = 0;
    };
    // The halves split at a 2 MB boundary, so that no huge page is faulted by both threads.
    const std::size_t half = (n / 2) & ~((std::size_t(1) << 21) - 1);
    try
      {
        std::thread helper(touch, half, n);
        touch(0, half);
        helper.join();
      }
    catch (const std::system_error &)
      {
        // No thread to be had: the pages come when the block is filled, as without this.
        return false;
      }
    return true;
  }

  bool restore_memory_release()
  {
    const char *v = std::getenv("LIGHTBODY_MALLOC_RELEASE");
    if (v && std::strcmp(v, "0") == 0)
      return false;
    return mallopt(M_MMAP_MAX, 65536) == 1 && mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 &&
           mallopt(M_TRIM_THRESHOLD, 64 << 20) == 1;
  }

  bool huge_pages_advised(const void *p)
  {
    constexpr std::uintptr_t huge = std::uintptr_t(1) << 21;
    const auto               a    = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
    std::ifstream            smaps("/proc/self/smaps");
    bool                     inside = false;
    for (std::string line; std::getline(smaps, line);)
      {
        // A mapping's first line: "start-end perms offset dev inode [path]".
        const auto dash = line.find('-');
        if (dash != std::string::npos && dash > 0 && line.find(':') > dash &&
            line.find_first_not_of("0123456789abcdef") == dash)
          {
            const std::uintptr_t from = std::stoull(line.substr(0, dash), nullptr, 16);
            const std::uintptr_t to   = std::stoull(line.substr(dash + 1), nullptr, 16);
            inside                    = from <= a && a < to;
          }
        else if (inside && line.rfind("VmFlags:", 0) == 0)
          {
            std::istringstream flags(line.substr(8));
            for (std::string f; flags >> f;)
              if (f == "hg")
                return true;
            return false;
          }
      }
    return false;
  }
} // namespace lightbody
