// The program's global operator new: std::malloc, with blocks of 32 MB and more advised as
// transparent huge pages (solver/huge_pages.h). The other forms of new (array, nothrow) call
// this one; delete stays the library's (std::free).
#include "solver/huge_pages.h"

#include <cstdlib>
#include <new>

void *operator new(std::size_t n)
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
