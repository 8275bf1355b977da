#pragma once
// The result folder: written into a temporary folder beside it and swapped in when complete, and
// only ever over a folder that lightbody wrote itself. A folder of the user's own files, the
// current folder, a regular file, a symlink or a folder holding an input file is refused.
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightbody
{
  // The marker lightbody writes into every result folder: its first line names the program and
  // version, the following lines the files it wrote. A folder is replaced only when it holds the
  // marker and nothing the marker does not list.
  inline constexpr const char *result_marker = ".lightbody";

  // `--out DIR` cannot be used: it is not a folder lightbody wrote, or it holds an input file.
  // Nothing of it was touched. The driver maps this to the command-line exit code.
  class OutputFolderError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  // The folder a command writes when no folder is given: results/<case name><suffix> (the
  // suffix "" for run, "-mesh", "-ccx", "-sweep", "-size"), relative to the current folder.
  std::string default_result_folder(const std::string &case_name, const std::string &suffix);

  // Checks that `out_dir` may be written: it does not exist yet (its parents may be created), or
  // it is a lightbody result folder holding none of `inputs` (the case file, includes, meshes).
  // Throws OutputFolderError naming the folder and the reason.
  void check_result_folder(const std::string &out_dir, const std::vector<std::string> &inputs);

  // For the processes of an MPI launch, which write the result folder together: a folder made
  // in the nearest existing parent of the folder `out_dir`'s temporary folder goes beside (named
  // by the machine and the process), for the other processes to look for; "" where none could be
  // made (check_result_folder has refused such a folder already). remove_sharing_probe removes it.
  std::string make_sharing_probe(const std::string &out_dir);
  void        remove_sharing_probe(const std::string &probe);

  // Writes `text` to `path` and closes it; throws with the system's reason (a full disk, no
  // permission) when any of it could not be written.
  void write_text_file(const std::filesystem::path &path, const std::string &text);

  // Calls `write` with an empty temporary folder beside `out_dir`, writes the marker, and swaps
  // the folder into place in one step. A failure removes the temporary folder and any parent
  // folder it created, and leaves an earlier result folder as it was. Temporary folders of
  // killed runs beside it are removed.
  void write_folder_atomically(const std::string &out_dir, const std::vector<std::string> &inputs,
                               const std::function<void(const std::filesystem::path &)> &write);
} // namespace lightbody
