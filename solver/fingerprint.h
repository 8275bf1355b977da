#pragma once
// FNV-1a over 64-bit values: fingerprints of matrix structures, to recognise a structure seen
// before (an ordering or symbolic factorisation to reuse).
#include <cstdint>

namespace lightbody
{
  struct Fingerprint
  {
    uint64_t value = 1469598103934665603ull;
    void     feed(uint64_t v)
    {
      for (int b = 0; b < 8; ++b)
        {
          value ^= (v >> (8 * b)) & 0xff;
          value *= 1099511628211ull;
        }
    }
  };
} // namespace lightbody
