#include "post/result_folder.h"

#include "lightbody/version.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <signal.h>
#include <unistd.h>

namespace lightbody
{
  namespace fs = std::filesystem;

  namespace
  {
    // Temporary folders are named by this prefix, the machine's name and the writing process's
    // id, independent of the target's name (a long legal name plus a suffix could exceed the
    // file-name limit). The machine's name: on a file system shared by the machines of a cluster
    // a process id says whether the writer is alive only on the machine that wrote it.
    const std::string partial_prefix = ".lightbody-partial-";

    std::string host_name()
    {
      char name[HOST_NAME_MAX + 1] = {};
      if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0')
        return "host";
      std::string host = name;
      for (char &ch : host)
        if (ch == '/' || ch == '-')
          ch = '_';
      return host;
    }

    // The process id of a temporary folder written on this machine (0: another machine's, or not
    // a temporary folder). Names of earlier versions carry the id alone.
    long local_writer(const std::string &name)
    {
      if (name.rfind(partial_prefix, 0) != 0)
        return 0;
      std::string rest = name.substr(partial_prefix.size());
      const auto  dash = rest.rfind('-');
      if (dash != std::string::npos)
        {
          if (rest.substr(0, dash) != host_name())
            return 0;
          rest = rest.substr(dash + 1);
        }
      if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos)
        return 0;
      return std::atol(rest.c_str());
    }
    const std::string marker_title = "lightbody result folder";

    [[noreturn]] void refuse(const fs::path &dir, const std::string &why)
    {
      throw OutputFolderError("--out \"" + dir.string() + "\": " + why +
                              "; nothing of it was touched");
    }

    // The files a marker lists; empty and `ok` false when there is no readable marker.
    std::set<std::string> marker_files(const fs::path &dir, bool &ok)
    {
      std::set<std::string> files;
      std::ifstream         in(dir / result_marker);
      std::string           line;
      ok = in && std::getline(in, line) && line.rfind(marker_title, 0) == 0;
      while (ok && std::getline(in, line))
        if (!line.empty())
          files.insert(line);
      return files;
    }

    // The nearest of the target's parents that exists (a folder or not); empty if none does.
    fs::path nearest_existing_parent(const fs::path &target)
    {
      for (fs::path p = target.parent_path(); !p.empty(); p = p.parent_path())
        {
          std::error_code ec;
          if (fs::exists(fs::status(p, ec)))
            return p;
          if (p == p.root_path())
            break;
        }
      return {};
    }

    // A short-lived folder in `parent`, named by its kind, the machine and this process.
    fs::path probe_path(const fs::path &parent, const std::string &kind)
    {
      return parent / (partial_prefix + kind + host_name() + "-" + std::to_string(getpid()));
    }

    fs::path target_path(const std::string &out_dir)
    {
      if (out_dir.empty())
        throw OutputFolderError("--out needs a folder name");
      return fs::absolute(fs::path(out_dir)).lexically_normal();
    }

    bool inside(const fs::path &file, const fs::path &dir)
    {
      std::error_code ec;
      const fs::path  f = fs::weakly_canonical(fs::absolute(file), ec);
      if (ec)
        return false;
      const fs::path d = fs::weakly_canonical(dir, ec);
      if (ec)
        return false;
      const auto m = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
      return m.first == d.end();
    }
  } // namespace

  void write_text_file(const fs::path &path, const std::string &text)
  {
    errno = 0;
    std::ofstream file(path, std::ios::binary);
    file << text;
    file.close();
    if (!file)
      throw std::runtime_error("cannot write " + path.string() + ": " +
                               (errno ? std::strerror(errno) : "write failed"));
  }

  std::string make_sharing_probe(const std::string &out_dir)
  {
    const fs::path  p = nearest_existing_parent(target_path(out_dir));
    std::error_code ec;
    if (p.empty() || !fs::is_directory(p, ec))
      return {};
    const fs::path probe = probe_path(p, "shared-");
    return fs::create_directory(probe, ec) ? probe.string() : std::string();
  }

  void remove_sharing_probe(const std::string &probe)
  {
    std::error_code ec;
    if (!probe.empty())
      fs::remove(probe, ec);
  }

  void check_result_folder(const std::string &out_dir, const std::vector<std::string> &inputs)
  {
    const fs::path target = target_path(out_dir);
    // "/", "." and ".." normalise to paths without a file name of their own.
    const std::string name = target.filename().string();
    if (name.empty() || name == "." || name == ".." || target == target.root_path())
      refuse(target, "is not a result folder of its own (give a new folder name)");
    if (name.size() > NAME_MAX)
      refuse(target, "the folder name is longer than " + std::to_string(NAME_MAX) + " characters");
    if (target.string().size() + partial_prefix.size() + HOST_NAME_MAX + 32 > PATH_MAX)
      refuse(target, "the path is longer than the system allows");
    for (const auto &in : inputs)
      if (inside(in, target))
        refuse(target,
               "it holds the input file \"" + in + "\", which a result folder would replace");
    // The parents: each must be a folder where it exists, and the nearest that exists must take
    // a new folder (tried now, before a run of minutes finds out at its end).
    if (const fs::path p = nearest_existing_parent(target); !p.empty())
      {
        std::error_code ec;
        if (!fs::is_directory(p, ec))
          refuse(target, "\"" + p.string() + "\" is not a folder");
        const fs::path probe = probe_path(p, "probe-");
        if (!fs::create_directory(probe, ec) && ec)
          refuse(target, "cannot create a folder in \"" + p.string() + "\": " + ec.message());
        fs::remove(probe, ec);
      }
    std::error_code ec;
    const auto      st = fs::symlink_status(target, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      refuse(target, ec.message());
    if (!fs::exists(st))
      return;
    if (fs::is_symlink(st))
      refuse(target, "is a symbolic link; lightbody replaces only folders it wrote itself");
    if (!fs::is_directory(st))
      refuse(target, "is a file, not a result folder");
    bool       ok    = false;
    const auto files = marker_files(target, ok);
    if (!ok)
      refuse(target, "exists and is not a folder lightbody wrote (it has no " +
                       std::string(result_marker) + " marker); remove it or choose another --out");
    for (const auto &e : fs::directory_iterator(target, ec))
      {
        const std::string f = e.path().filename().string();
        if (f != result_marker && !files.count(f))
          refuse(target, "holds \"" + f + "\", which lightbody did not write there");
      }
    if (ec)
      refuse(target, ec.message());
  }

  void write_folder_atomically(const std::string &out_dir, const std::vector<std::string> &inputs,
                               const std::function<void(const fs::path &)> &write)
  {
    check_result_folder(out_dir, inputs);
    const fs::path target = target_path(out_dir);
    const fs::path parent = target.parent_path();
    // The parents that do not exist yet, outermost first, to remove again when the write fails.
    std::vector<fs::path> created;
    for (fs::path p = parent; !fs::exists(p) && p != p.root_path(); p = p.parent_path())
      created.insert(created.begin(), p);
    auto remove_created = [&] {
      std::error_code ec;
      for (auto it = created.rbegin(); it != created.rend(); ++it)
        fs::remove(*it, ec); // only when empty
    };
    const fs::path tmp = parent / (partial_prefix + host_name() + "-" + std::to_string(getpid()));
    try
      {
        fs::create_directories(parent);
        // Left-overs of runs that were killed while writing (their process, on this machine, is
        // gone): only folders that carry our name and the marker of a started write.
        for (const auto &e : fs::directory_iterator(parent))
          {
            const long pid = local_writer(e.path().filename().string());
            if (pid <= 0 || !fs::is_directory(e.symlink_status()))
              continue;
            if (pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 &&
                errno == ESRCH && fs::exists(e.path() / result_marker))
              fs::remove_all(e.path());
          }
        fs::remove_all(tmp);
        fs::create_directory(tmp);
        // The marker first, so that a killed run's folder is recognised as ours.
        write_text_file(tmp / result_marker,
                        marker_title + " (lightbody " + version + "), being written\n");
        write(tmp);
        std::vector<std::string> files;
        for (const auto &e : fs::directory_iterator(tmp))
          if (e.path().filename() != result_marker)
            files.push_back(e.path().filename().string());
        std::sort(files.begin(), files.end());
        std::string marker = marker_title + " (lightbody " + version + ")\n";
        for (const auto &f : files)
          marker += f + "\n";
        write_text_file(tmp / result_marker, marker);
        // Checked once more just before the swap: the folder may have changed meanwhile.
        check_result_folder(out_dir, inputs);
        // With an existing folder the two are exchanged in one step (the old results then sit
        // under the temporary name and are removed); at no moment is the target missing or half
        // written.
        if (fs::exists(fs::symlink_status(target)))
          {
            if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
              throw std::runtime_error("cannot replace " + target.string() + ": " +
                                       std::strerror(errno));
            fs::remove_all(tmp);
          }
        else
          fs::rename(tmp, target);
      }
    catch (...)
      {
        std::error_code ec;
        if (fs::exists(tmp / result_marker, ec))
          fs::remove_all(tmp, ec);
        remove_created();
        throw;
      }
  }

  std::string default_result_folder(const std::string &case_name, const std::string &suffix)
  {
    return "results/" + case_name + suffix;
  }
} // namespace lightbody
