#pragma once
// Output files: one .vtu per load case, results.pvd, report.json.
#include "post/results.h"
#include "solver/stage_log.h"

#include <deal.II/numerics/data_out.h>

#include <map>
#include <string>
#include <vector>

namespace lightbody
{
  // <dir>/<load case>.vtu with quadratic (Lagrange) hexahedra, binary and compressed.
  void write_vtu(const Results &r, unsigned load_case, const std::string &path);
  // Builds the quadratic patches of `out` on the model's exact geometry and writes them with VTK:
  // binary appended and compressed, with the cells' part and material (and any further integer
  // cell fields) as cell data and the part and material names as field data.
  void write_quadratic_vtu(dealii::DataOut<3> &out, const Model &model,
                           const std::map<std::string, std::vector<int>> &cell_fields,
                           const std::string &path);

  // <dir>/results.pvd listing the .vtu files, one step per load case.
  void write_pvd(const Results &r, const std::string &path);
  // The picture of the governing load case for report.md: made, or why not.
  struct Picture
  {
    bool        made = false;
    std::string file;      // beside report.md
    std::string message;   // why there is no picture
  };

  // Runs the renderer program (lightbody-render) on a .vtu: directly when there is an X display,
  // under xvfb-run when there is none; never throws, a failure is described in the result.
  // `spot`: the place to show and mark (the governing point), or null.
  Picture render_picture(const std::string &program, const std::string &vtu, const std::string &png,
                         const std::string &title, const Vec3 *spot = nullptr, double timeout_s = 120);

  // report.json: the machine-readable summary.
  void write_report_json(const Results &r, const Case &c, const StageLog &log,
                         const Picture &picture, const std::string &path);
  // report.md: the calculation note (case, masses with the S355 comparison, design basis, load
  // cases as expanded, results per load case, the picture).
  void write_report_md(const Results &r, const Case &c, const Picture &picture,
                       const std::string &path);
} // namespace lightbody
