#pragma once
#include "input/case.h"

#include <string>
#include <vector>

namespace lightbody
{
  // "parts.floor.thickness=6 mm": a dotted key path and a YAML value.
  struct Override
  {
    std::string key;
    std::string value;
  };

  // Parses "KEY=VALUE"; throws InputError naming the argument when there is no '='.
  Override parse_override(const std::string &argument);

  // A case file that reads as the case file `case_path` with the overrides: it includes
  // `include` (case_path's path as seen from where the new file goes) and sets the overridden
  // values on top of it (an overridden list item: the whole list); where an override removes a
  // key (a null value), the whole case with its includes resolved.
  std::string case_with_overrides(const std::string &case_path, const std::string &include,
                                  const std::vector<Override> &overrides);

  // A part name against a pattern: '*' stands for any run of characters, '?' for one.
  bool name_matches(const std::string &pattern, const std::string &name);

  // Reads and validates a case file, applying overrides first. All problems found are reported
  // together in one InputError.
  Case read_case(const std::string &path, const std::vector<Override> &overrides = {});

  // The same from YAML text (tests, scripts); `name` stands for the file in messages.
  Case read_case_from_string(const std::string &yaml, const std::string &name,
                             const std::vector<Override> &overrides = {});
} // namespace lightbody
