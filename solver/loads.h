#pragma once
#include "solver/solution.h"

#include <deal.II/base/point.h>

#include <vector>

namespace lightbody
{
  // Consistent nodal forces (N) of one load case: acceleration field, pressures, hydrostatic
  // liquid pressure, edge line forces and point forces, before any constraint is applied.
  dealii::Vector<double> assemble_load_vector(const Model &model, const Solution &s,
                                              const LoadCaseSpec                  &lc,
                                              const std::vector<dealii::Point<3>> &support_points,
                                              const std::vector<unsigned char>    &component);
} // namespace lightbody
