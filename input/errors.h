#pragma once
// Errors that cross the library boundary. Library code throws; only the driver picks exit codes.
#include <stdexcept>
#include <string>
#include <vector>

namespace lightbody
{
  // Where a value came from in a case file. line and column are 1-based; 0 means unknown.
  struct SourceLocation
  {
    std::string file;
    int         line   = 0;
    int         column = 0;
  };

  // One problem with the input, e.g. `tank.yaml:14:7: parts.shell.thickness: must be positive`.
  struct Diagnostic
  {
    SourceLocation where;
    std::string    key;
    std::string    message;

    std::string to_string() const;
  };

  // Bad input: every problem found in a file, reported at once.
  class InputError : public std::runtime_error
  {
  public:
    explicit InputError(std::vector<Diagnostic> diagnostics);
    InputError(const SourceLocation &where, const std::string &key, const std::string &message);

    const std::vector<Diagnostic> &diagnostics() const { return diagnostics_; }

  private:
    std::vector<Diagnostic> diagnostics_;
  };

  // The input was valid but the model cannot be solved as given (free body, degenerate element...).
  class ModelError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  // Collects diagnostics while reading so that all problems of a file come out in one run.
  class DiagnosticList
  {
  public:
    void add(const SourceLocation &where, const std::string &key, const std::string &message)
    {
      list_.push_back({where, key, message});
    }
    bool        empty() const { return list_.empty(); }
    std::size_t size() const { return list_.size(); }
    // Throws InputError when anything was collected.
    void throw_if_any() const;

  private:
    std::vector<Diagnostic> list_;
  };

  // Helpers for messages that name what was expected.
  // The edit (Levenshtein) distance between two words.
  std::size_t edit_distance(const std::string &a, const std::string &b);
  std::string join(const std::vector<std::string> &v, const char *sep = ", ");
  // The choices, only the first twelve of a longer list ("a, b, ..., l and 87 more").
  std::string some_of(const std::vector<std::string> &choices);
  // " (did you mean \"x\"?)" for a choice close to the word, else " (expected one of: ...)".
  std::string suggestion(const std::string &word, const std::vector<std::string> &choices);
} // namespace lightbody
