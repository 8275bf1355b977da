#pragma once
// Fingerprints of matrix structures, to recognise a structure seen
// before (an ordering or symbolic factorisation to reuse), and of the input files the processes
// of an MPI launch read.
#include <cstdint>
#include <string>

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
    // A text (a file's bytes): its length, then its bytes.
    void feed(const std::string &bytes)
    {
      feed(static_cast<uint64_t>(bytes.size()));
      for (unsigned char b : bytes)
        feed(static_cast<uint64_t>(b));
    }
  };
} // namespace lightbody
