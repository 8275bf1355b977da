#pragma once
// Runs a case through the library, as a script would: no files, no progress output.
#include "meshes/model.h"
#include "input/errors.h"
#include "post/results.h"
#include "input/case_reader.h"
#include "app/pipeline.h"
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

  inline RunOutcome run_file(const std::string           &relative,
                             const std::vector<Override> &overrides = {})
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

  // The joint between two parts, in either order, or null.
  inline const Joint *find_joint(const Model &m, const std::string &a, const std::string &b)
  {
    for (const auto &j : m.joints)
      if ((j.part_a == a && j.part_b == b) || (j.part_a == b && j.part_b == a))
        return &j;
    return nullptr;
  }

  // The tie in which `follower` follows `leader`, or null.
  inline const Joint *find_tie(const Model &m, const std::string &follower,
                               const std::string &leader)
  {
    for (const auto &j : m.joints)
      if (j.part_a == follower && j.part_b == leader && j.kind == Joint::Kind::tied)
        return &j;
    return nullptr;
  }

  inline bool has_joint(const Model &m, const std::string &a, const std::string &b,
                        Joint::Kind kind)
  {
    const Joint *j = find_joint(m, a, b);
    return j && j->kind == kind;
  }

  // Equilibrium: support reactions plus applied loads sum to zero (1e-6 of the total load).
  inline void expect_equilibrium(const RunOutcome &o)
  {
    for (const auto &lc : o.results->load_cases)
      EXPECT_LT(lc.equilibrium_error, 1e-6) << "load case " << lc.name;
  }
} // namespace lightbody::testing
