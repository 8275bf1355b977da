#pragma once
#include "solver/solution.h"
#include "solver/stage_log.h"

#include <memory>

namespace lightbody
{
  // Linear elastic statics of the model for every load case of the case: assemble once, factorise
  // once, one solve per load case. Throws InputError for supports or loads that select nothing and
  // ModelError for an unsupported body, inverted elements or too little memory.
  struct SolverOptions
  {
    // Memory the factorisation may use, in bytes; 0: what the machine has available now.
    double memory_limit_bytes = 0;
  };

  std::unique_ptr<Solution> solve_load_cases(const Model &model, const Case &c, StageLog &log,
                                             const SolverOptions &options = {});
} // namespace lightbody
