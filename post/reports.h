#pragma once
// The summary files of a run from its results as plain data (no deal.II): report.json,
// report.md and the picture of the governing load case.
#include "input/case.h"
#include "post/result_data.h"
#include "solver/stage_log.h"

#include <string>

namespace lightbody
{
  // The picture of the governing load case for report.md: made, or why not.
  struct Picture
  {
    bool        made = false;
    std::string file;          // beside report.md
    std::string message;       // why there is no picture
    bool        fields = true; // the .vtu files were written (not --output summary)
  };

  // Runs the renderer program (lightbody-render) on a .vtu: directly when there is an X display,
  // under xvfb-run when there is none; never throws, a failure is described in the result.
  // `spot`: the place to show and mark (the governing point), or null.
  Picture render_picture(const std::string &program, const std::string &vtu, const std::string &png,
                         const std::string &title, const Vec3 *spot = nullptr,
                         double timeout_s = 120, const std::string &mode = "");

  // report.json: the machine-readable summary.
  // `buckling`: the picture of the lowest buckling mode, when a case has one.
  void write_report_json(const ResultData &r, const Case &c, const StageLog &log,
                         const Picture &picture, const std::string &path,
                         const Picture *buckling = nullptr);
  // report.md: the calculation note (case, masses with the S355 comparison, design basis, load
  // cases as expanded, results per load case, the picture).
  void write_report_md(const ResultData &r, const Case &c, const Picture &picture,
                       const std::string &path, const Picture *buckling = nullptr);
} // namespace lightbody
