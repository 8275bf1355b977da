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

  // A file's point fields as written: each a name, its components (1, or 3 for a vector) and
  // its values node by node on the scalar quadratic numbering (Results::node_handler), component
  // fastest; the load case's name (field data `load_case`, empty for none) and the cells'
  // heat-affected flags (by active cell index; empty: not written).
  struct PointField
  {
    std::string        name;
    unsigned           components = 1;
    std::vector<float> values;
  };
  struct VtuFields
  {
    std::string             load_case;
    std::vector<PointField> points;
    std::vector<int>        heat_affected;
  };
  // A load case's fields (displacement, stresses, categories and utilization at the nodes,
  // buckling modes), those `fields` selects.
  VtuFields load_case_fields(const Results &r, unsigned load_case,
                             const FieldSelection &fields = {});
  // The natural mode shapes as point fields mode_1, mode_2, ... (largest displacement 1).
  VtuFields modal_fields(const Results &r);
  // As bytes, to send to other processes, and back.
  std::string serialise(const VtuFields &f);
  VtuFields   deserialise(const std::string &bytes);

  // A piece of the model for a process's .vtu: the active cells [first, last) (by active cell
  // index); the cells around them that share a node are written too, as ghost cells
  // (vtkGhostType 1), so that ParaView treats the faces between pieces as inner faces.
  struct CellBand
  {
    unsigned first = 0, last = 0;
  };
  // A .vtu of the model (nodes: the scalar quadratic numbering) with `f`'s fields: the whole
  // model, or the piece `piece`.
  void write_vtu(const Model &model, const dealii::DoFHandler<3> &nodes, const VtuFields &f,
                 const std::string &path, const CellBand *piece = nullptr);
  // The .pvtu record of pieces written with `f`'s fields (paths relative to the record).
  void write_pvtu(const VtuFields &f, const std::vector<std::string> &pieces,
                  const std::string &path);

  // <dir>/<load case>.vtu: load_case_fields written for the whole model.
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

  // <dir>/results.pvd listing each load case's file (`<load case>` + r.field_file_extension:
  // .vtu, or .pvtu for pieces), one step per load case, each named after its load case.
  void write_pvd(const Results &r, const std::string &path);
} // namespace lightbody
