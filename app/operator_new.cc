// The program's global operator new and delete: std::malloc and std::free, with blocks of 32 MB
// and more advised as transparent huge pages, and those of 64 MB and more touched from two
// threads (solver/huge_pages.h): deal.II's sparsity pattern and matrix were faulted in by the one
// thread that clears them (single runs of the default tank, 2026-12-04: setup 1.77-1.79 s against
// 2.04-2.21 s, assembly 2.59-2.77 s against 3.00-3.17 s, the same peak). Every non-aligned form is
// replaced, so that each allocation and its release agree; the aligned forms stay the library's.
// Under AddressSanitizer they all stay the sanitizer's, which checks that new and delete pair.
#include "solver/huge_pages.h"

#include <cstdlib>
#include <new>

#if !defined(__SANITIZE_ADDRESS__)
namespace
{
  void *allocate(std::size_t n)
  {
    if (n == 0)
      n = 1;
    for (;;)
      {
        if (void *p = std::malloc(n))
          {
            lightbody::advise_huge_pages(p, n);
            lightbody::touch_in_parallel(p, n);
            return p;
          }
        std::new_handler handler = std::get_new_handler();
        if (!handler)
          throw std::bad_alloc();
        handler();
      }
  }

  void *allocate(std::size_t n, const std::nothrow_t &) noexcept
  {
    try
      {
        return allocate(n);
      }
    catch (...)
      {
        return nullptr;
      }
  }
} // namespace

void *operator new(std::size_t n) { return allocate(n); }
void *operator new[](std::size_t n) { return allocate(n); }
void *operator new(std::size_t n, const std::nothrow_t &t) noexcept { return allocate(n, t); }
void *operator new[](std::size_t n, const std::nothrow_t &t) noexcept { return allocate(n, t); }
void  operator delete(void *p) noexcept { std::free(p); }
void  operator delete[](void *p) noexcept { std::free(p); }
void  operator delete(void *p, std::size_t) noexcept { std::free(p); }
void  operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void  operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void  operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }
#endif
