#pragma once
// Every key a case file may hold, declared once: the readers take their allowed keys and numeric
// defaults from this table, and `lightbody keys` prints it as the README's key reference (a test
// checks that the README's copy is current).
#include "input/units.h"

#include <string>
#include <vector>

namespace lightbody
{
  struct KeyInfo
  {
    const char *section;  // where the key sits: "parts.NAME.cylinder", "" for the top level
    const char *key;      // the key
    const char *value;    // what it holds: "length", "text", "list of ..."
    const char *fallback; // the default when not given ("" = required or no default)
    const char *meaning;  // one line for the reference
  };

  const std::vector<KeyInfo> &case_keys();

  // The keys allowed in a section, in table order. Throws std::logic_error for a section the
  // table does not know (a programming error, caught by the unit tests).
  std::vector<std::string> keys_of(const std::string &section);

  // A key's default parsed as the quantity q, exactly as if the case file had given it.
  double default_of(const std::string &section, const std::string &key, Quantity q);

  // The table as the README's Markdown reference.
  std::string key_reference_markdown();
} // namespace lightbody
