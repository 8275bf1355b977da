#pragma once
// Stress categories of a solid-shell: the stress profile through the thickness at every element
// column, linearised into membrane (the average) and bending (the linear part) stresses, as in
// design by analysis (EN 13445-3 Annex C, ASME VIII-2 5.2.2): membrane is compared with f,
// membrane + bending with 1.5 f.
#include "post/results.h"

namespace lightbody
{
  // Fills membrane_von_mises, membrane_bending_von_mises, top_von_mises and bottom_von_mises
  // at every Q2 node (the values of the node's column: nodes through the thickness share them)
  // of every load case rs[i] (the solution's load case i). "top" is the side the part's
  // mid-surface normal faces. `spread`: under an MPI launch every process calls this together,
  // each working the cells of its band (cell_share), the columns' integrals added up over them.
  void stress_categories(const Results &results, std::vector<LoadCaseResult> &rs,
                         bool spread = false);
} // namespace lightbody
