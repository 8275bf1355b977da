#pragma once
// Stress categories of a solid-shell: the stress profile through the thickness at every element
// column, linearised into membrane (the average) and bending (the linear part) stresses, as in
// design by analysis (EN 13445-3 Annex C, ASME VIII-2 5.2.2): membrane is compared with f,
// membrane + bending with 1.5 f.
#include "post/results.h"

namespace lightbody
{
  // Fills r.membrane_von_mises, r.membrane_bending_von_mises, r.top_von_mises and
  // r.bottom_von_mises at every Q2 node (the values of the node's column: nodes through the
  // thickness share them). "top" is the side the part's mid-surface normal faces.
  void stress_categories(const Results &results, const LoadCaseSolution &l, LoadCaseResult &r);
} // namespace lightbody
