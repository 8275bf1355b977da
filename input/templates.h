#pragma once
// Load-case templates from the standards: the case's `design_loads` become ordinary load cases
// (appended after the user's own), each with a description of where it comes from.
#include "input/case.h"

#include <string>
#include <vector>

namespace lightbody
{
  // EN 12642 code XL: the elastic deflection of a wall under its test load is at most 300 mm.
  inline constexpr double en12642_xl_deflection_mm = 300;

  // Expands c.design_loads into c.load_cases (and the supports a template needs, and the
  // criteria when the case gives none). Needs the body's named surfaces, so it runs after the
  // body generator. Throws InputError naming the design_loads key for a template that does not
  // fit the body.
  void expand_design_loads(Case &c);

  // Names of the templates, for messages.
  std::vector<std::string> design_load_template_names();

  // A readable summary of a load case's loads (for `lightbody cases` and the report).
  std::vector<std::string> describe_loads(const LoadCaseSpec &lc);
} // namespace lightbody
