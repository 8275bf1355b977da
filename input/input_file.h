#pragma once
// Reading the user's input files (case files, includes, gmsh meshes) with limits, so that a FIFO,
// a device, a folder or a huge file is refused at once with a message instead of hanging or
// exhausting the memory.
#include <cstddef>
#include <string>

namespace lightbody
{
  // Larger input files are refused: a case file is a few kB, a gmsh mesh of a whole body tens
  // of MB.
  inline constexpr std::size_t max_input_file_bytes = 200u * 1024u * 1024u;

  // The whole text of `path`, a regular file of at most max_input_file_bytes. `what` names the
  // file in messages ("case file", "included file", "gmsh file"). Throws InputError.
  std::string read_input_file(const std::string &path, const std::string &what);
} // namespace lightbody
