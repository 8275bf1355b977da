#pragma once
// Fingerprints of matrix structures, to recognise a structure seen
// before (an ordering or symbolic factorisation to reuse).
#include <cstdint>

namespace lightbody
{
  struct Fingerprint
  {
    uint64_t value = 1469598103934665603ull;
    // One 64-bit value at a time (multiply, then fold the high half down): the default tank's
    // matrix structure (27.7 M row indices) took 0.25 s byte by byte (FNV-1a), a quarter of a
    // second of one core before every factorisation.
    void feed(uint64_t v)
    {
      value = (value ^ v) * 0x9e3779b97f4a7c15ull;
      value ^= value >> 32;
    }
  };
} // namespace lightbody
