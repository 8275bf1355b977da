#pragma once
// Buckling load factors and natural frequencies as results: where each mode is largest, the
// buckling check against criteria.buckling_factor, the participating masses in kg.
#include "post/result_data.h"
#include "solver/solution.h"

namespace lightbody
{
  // Fills r.load_cases[i].buckling and r.modal from the solution.
  void eigen_results(const Solution &s, const Case &c, ResultData &r);
} // namespace lightbody
