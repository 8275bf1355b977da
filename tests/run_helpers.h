#pragma once
// Runs a case through the library, as a script would: no files, no progress output.
#include "meshes/model.h"
#include "solver/errors.h"
#include "post/results.h"
#include "solver/case_reader.h"
#include "solver/pipeline.h"
#include "solver/solution.h"

#include <gtest/gtest.h>

#include <string>

namespace lightbody::testing
{
  inline RunOutcome run_yaml(const std::string &yaml, const std::vector<Override> &overrides = {})
  {
    StageLog log;
    return run_case(read_case_from_string(yaml, "test.yaml", overrides), {}, log);
  }

  inline RunOutcome run_file(const std::string &relative, const std::vector<Override> &overrides = {})
  {
    StageLog log;
    return run_case(read_case(std::string(LIGHTBODY_SOURCE_DIR) + "/" + relative, overrides), {},
                    log);
  }

  inline const ProbeResult &probe(const LoadCaseResult &lc, const std::string &name)
  {
    for (const auto &p : lc.probes)
      if (p.name == name)
        return p;
    throw std::runtime_error("no probe " + name);
  }

  // The message of the ModelError a case raises ("" and a test failure if it raises none).
  inline std::string model_error_of(const std::string &yaml)
  {
    try
      {
        run_yaml(yaml);
      }
    catch (const ModelError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "expected a ModelError";
    return "";
  }

  // Equilibrium: support reactions plus applied loads sum to zero (1e-6 of the total load).
  inline void expect_equilibrium(const RunOutcome &o)
  {
    for (const auto &lc : o.results->load_cases)
      EXPECT_LT(lc.equilibrium_error, 1e-6) << "load case " << lc.name;
  }
} // namespace lightbody::testing
