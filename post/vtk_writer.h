#pragma once
// The ParaView files: one .vtu per load case on the exact quadratic geometry, results.pvd.
#include "post/results.h"

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
                           const std::string                             &path);

  // <dir>/modal.vtu: the natural mode shapes as point fields mode_1, mode_2, ...
  void write_modal_vtu(const Results &r, const std::string &path);

  // <dir>/results.pvd listing the .vtu files, one step per load case.
  void write_pvd(const Results &r, const std::string &path);
} // namespace lightbody
