#pragma once
// The ParaView files: one .vtu per load case on the exact quadratic geometry, results.pvd.
// One point per node of the model (merged: neighbouring cells share their points), 27-node
// Lagrange hexahedra, binary appended and compressed.
#include "post/results.h"

#include <map>
#include <string>
#include <vector>

namespace lightbody
{
  // Which point fields a .vtu gets: names or patterns with * and ? (`von_mises_MPa`,
  // `principal_*`); empty: all. The cell fields (part, material, thickness_mm, heat_affected)
  // are always written.
  struct FieldSelection
  {
    std::vector<std::string> patterns;
    bool                     wants(const std::string &field) const;
  };
  // Every point field a load case's .vtu can carry (buckling modes as `buckling_mode_*`).
  const std::vector<std::string> &result_field_names();

  // <dir>/<load case>.vtu: displacement, stresses, categories and utilization at the nodes,
  // buckling modes; part, material, thickness and heat-affected cells; the load case's name as
  // field data `load_case`.
  void write_vtu(const Results &r, unsigned load_case, const std::string &path,
                 const FieldSelection &fields = {});

  // The model alone (lightbody mesh): point fields on the scalar quadratic numbering `nodes` and
  // integer cell fields, beside part, material and thickness_mm.
  void write_model_vtu(const Model &model, const dealii::DoFHandler<3> &nodes,
                       const std::map<std::string, std::vector<double>> &point_fields,
                       const std::map<std::string, std::vector<int>>    &cell_fields,
                       const std::string                                &path);

  // <dir>/modal.vtu: the natural mode shapes as point fields mode_1, mode_2, ...
  void write_modal_vtu(const Results &r, const std::string &path);

  // <dir>/results.pvd listing the .vtu files, one step per load case, each named after its load
  // case.
  void write_pvd(const Results &r, const std::string &path);
} // namespace lightbody
