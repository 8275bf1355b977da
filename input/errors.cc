#include "input/errors.h"

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
} // namespace lightbody
