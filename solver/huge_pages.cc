#include "solver/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <fstream>
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
