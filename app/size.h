#pragma once
// Gauge sizing: `lightbody size`. The lightest assignment of catalogue gauges to groups of parts
// for which every check of the case passes, by fully stressed design on the parts' utilization
// (and buckling factors and minimum thicknesses) with discrete rounding, then a final check run.
#include "app/pipeline.h"
#include "input/case_reader.h"
#include "solver/stage_log.h"

#include <string>
#include <vector>

namespace lightbody
{
  struct SizeOptions
  {
    std::string              case_path;
    std::vector<Override>    overrides;
    std::vector<std::string> groups;    // part names or patterns; the parts of one share a gauge
    std::vector<double>      gauges_mm; // the catalogue, ascending
    std::vector<std::string> materials; // empty: the parts keep theirs; else each tried in turn
    unsigned                 max_iterations = 12;
    RunOptions               run;
    std::string              out_dir;
    OutputLevel              output = OutputLevel::summary; // of the final run's folder
    std::string              renderer;
  };

  struct SizedGroup
  {
    std::string              pattern;
    std::vector<std::string> parts;
    double                   start_mm = 0, final_mm = 0;
    std::string              material;
    double                   utilization = 0; // largest over the load cases, final design
    std::string              governing_case;  // where it is largest
    std::string governed_by; // "stress", "buckling", "minimum thickness", "smallest gauge"
  };

  struct SizingStep
  {
    std::vector<double> gauges_mm; // per group
    double              mass_kg         = 0;
    bool                passed          = false;
    double              max_utilization = 0;
    double              seconds         = 0;
  };

  struct SizingResult
  {
    std::string             material; // "" when the parts kept their own
    bool                    passed = false;
    std::string             note; // why it stopped without a passing design
    double                  start_mass_kg = 0, final_mass_kg = 0;
    std::vector<SizedGroup> groups;
    std::vector<SizingStep> steps; // every solve, the final check last
    unsigned                iterations = 0;
  };

  struct SizingReport
  {
    std::vector<SizingResult> results;   // one per material tried
    int                       best = -1; // the lightest passing result
  };

  // Parses "3,4,5,6 mm" or "3 mm,4 mm" into ascending positive gauges; throws
  // std::invalid_argument.
  std::vector<double> parse_gauges(const std::string &text);

  // Sizes the case and writes options.out_dir (atomically, like a result folder): sized.yaml (the
  // case file that reproduces the design with `lightbody run`), sizing.json, sizing.md and the
  // final run's result folder in result/. Throws InputError for a group that names no part.
  SizingReport size_case(const SizeOptions &options, StageLog &log);
} // namespace lightbody
