#include "input/errors.h"

#include <algorithm>

namespace lightbody
{
  std::string Diagnostic::to_string() const
  {
    std::string s = where.file.empty() ? std::string("<case>") : where.file;
    if (where.line > 0)
      s += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
    s += ": ";
    if (!key.empty())
      s += key + ": ";
    return s + message;
  }

  namespace
  {
    std::string join(const std::vector<Diagnostic> &d)
    {
      std::string s;
      for (const auto &x : d)
        s += (s.empty() ? "" : "\n") + x.to_string();
      return s;
    }
  } // namespace

  InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics))
  {
  }

  InputError::InputError(const SourceLocation &where, const std::string &key,
                         const std::string &message)
    : InputError(std::vector<Diagnostic>{{where, key, message}})
  {
  }

  void DiagnosticList::throw_if_any() const
  {
    if (!list_.empty())
      throw InputError(list_);
  }
  std::size_t edit_distance(const std::string &a, const std::string &b)
  {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
      prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
          cur[j] =
            std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
      }
    return prev[b.size()];
  }

  std::string join(const std::vector<std::string> &v, const char *sep)
  {
    std::string s;
    for (const auto &x : v)
      s += (s.empty() ? "" : sep) + x;
    return s;
  }

  std::string some_of(const std::vector<std::string> &choices)
  {
    constexpr std::size_t most = 12;
    if (choices.size() <= most + 4)
      return join(choices);
    return join(std::vector<std::string>(choices.begin(), choices.begin() + most)) + " and " +
           std::to_string(choices.size() - most) + " more";
  }

  std::string suggestion(const std::string &word, const std::vector<std::string> &choices)
  {
    std::string best;
    std::size_t best_d = 1000;
    for (const auto &c : choices)
      {
        // A shortened word ("elliptic" for "ellipsoidal") counts as close.
        std::size_t common = 0;
        while (common < word.size() && common < c.size() && word[common] == c[common])
          ++common;
        const bool        prefix = common >= 4 && common >= 0.6 * word.size();
        const std::size_t d      = prefix ? 1 : edit_distance(word, c);
        if (d < best_d)
          best_d = d, best = c;
      }
    if (!best.empty() && best_d <= std::max<std::size_t>(2, word.size() / 3))
      return " (did you mean \"" + best + "\"?)";
    return " (expected one of: " + some_of(choices) + ")";
  }
} // namespace lightbody
