// Runs lightbody-render in a child process with a time limit: under xvfb-run when there is no
// X display, directly when there is one. Whatever goes wrong becomes a message for the report.
#include "post/reports.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace lightbody
{
  namespace
  {
    // The full path of a program on PATH, or "".
    std::string on_path(const std::string &name)
    {
      const char *path = std::getenv("PATH");
      if (!path)
        return "";
      std::string list  = path;
      std::size_t start = 0;
      while (start <= list.size())
        {
          const std::size_t end       = std::min(list.find(':', start), list.size());
          const std::string dir       = list.substr(start, end - start);
          const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
          if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
          start = end + 1;
        }
      return "";
    }

    // The renderer's first error line, or its last line.
    std::string error_line(const std::string &file)
    {
      std::ifstream in(file);
      std::string   line, last;
      while (std::getline(in, line))
        if (line.find_first_not_of(" \t") != std::string::npos)
          {
            last = line;
            if (line.find("rror") != std::string::npos)
              return line;
          }
      return last;
    }
  } // namespace

  Picture render_picture(const std::string &program, const std::string &vtu, const std::string &png,
                         const std::string &title, const Vec3 *spot, double timeout_s,
                         const std::string &mode)
  {
    Picture pic;
    pic.file = std::filesystem::path(png).filename().string();
    if (program.empty() || access(program.c_str(), X_OK) != 0)
      {
        pic.message = "no picture: the renderer lightbody-render was not found" +
                      (program.empty() ? std::string() : " (looked for " + program + ")");
        return pic;
      }
    std::vector<std::string> args;
    const char              *display = std::getenv("DISPLAY");
    if (!display || !*display)
      {
        const std::string xvfb = on_path("xvfb-run");
        if (xvfb.empty())
          {
            pic.message = "no picture: there is no X display and no Xvfb to render off-screen "
                          "(install the Debian package xvfb); the results are complete without it";
            return pic;
          }
        args = {xvfb, "-a", "-s", "-screen 0 1280x800x24"};
      }
    args.insert(args.end(), {program, vtu, png, title});
    if (spot)
      args.push_back(std::to_string((*spot)[0]) + "," + std::to_string((*spot)[1]) + "," +
                     std::to_string((*spot)[2]));
    if (!mode.empty())
      args.insert(args.end(), {"--mode", mode});

    const std::string          log = png + ".log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so that a time-out stops Xvfb with the renderer.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char *> argv;
    for (auto &a : args)
      argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_t     pid = 0;
    const int rc  = posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
      {
        pic.message = "no picture: cannot start " + args[0] + ": " + std::strerror(rc);
        return pic;
      }
    int        status = 0;
    const auto start  = std::chrono::steady_clock::now();
    while (true)
      {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
          break;
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
            timeout_s)
          {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            pic.message = "no picture: the renderer took longer than " +
                          std::to_string(static_cast<int>(timeout_s)) + " s and was stopped";
            std::filesystem::remove(log);
            return pic;
          }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    const std::string detail = error_line(log);
    std::filesystem::remove(log);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && std::filesystem::exists(png))
      {
        pic.made = true;
        return pic;
      }
    std::filesystem::remove(png);
    pic.message = "no picture: rendering failed" +
                  (detail.empty() ? std::string() : " (" + detail + ")") +
                  "; the results are complete without it";
    return pic;
  }
} // namespace lightbody
