#include "input/input_file.h"

#include "input/errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lightbody
{
  std::string read_input_file(const std::string &path, const std::string &what)
  {
    auto fail = [&](const std::string &why) -> std::string {
      throw InputError({path, 0, 0}, "", "cannot read the " + what + ": " + why);
    };
    // Opened without blocking (a FIFO would wait for a writer) and checked before reading.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
      return fail(errno == ELOOP ? "a loop of symbolic links" : std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
      {
        ::close(fd);
        return fail(S_ISDIR(st.st_mode) ? "it is a folder" : "it is not a regular file");
      }
    if (static_cast<unsigned long long>(st.st_size) > max_input_file_bytes)
      {
        ::close(fd);
        return fail("it has " + std::to_string(st.st_size / (1024 * 1024)) + " MB, more than the " +
                    std::to_string(max_input_file_bytes / (1024 * 1024)) + " MB accepted");
      }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done  = 0;
    int         error = 0;
    while (done < text.size())
      {
        const ssize_t n = ::read(fd, &text[done], text.size() - done);
        if (n < 0 && errno == EINTR)
          continue;
        if (n < 0)
          error = errno;
        if (n <= 0)
          break;
        done += static_cast<std::size_t>(n);
      }
    ::close(fd);
    if (done != text.size())
      return fail(error ? std::strerror(error) : "it changed while being read");
    return text;
  }
} // namespace lightbody
