// The program's global operator new and delete: std::malloc and std::free, with blocks of 32 MB
// and more advised as transparent huge pages (solver/huge_pages.h). Every non-aligned form is
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
