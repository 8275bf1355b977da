#pragma once
// The model without a solve: parts, named surfaces, support regions and joints as fields a
// person can look at, and the mesh quality.
#include "meshes/model.h"
#include "input/case.h"

#include <string>
#include <vector>

namespace lightbody
{
  struct MeshQuality
  {
    // Scaled Jacobian det(J)/(|J1||J2||J3|) at the element corners: 1 for a perfect brick,
    // 0 or less for a degenerate or inverted one.
    double      min_scaled_jacobian = 1;
    std::string min_scaled_jacobian_part;
    Vec3        min_scaled_jacobian_location{};
    // Longest over shortest element edge. Solid-shell elements are flat by design: their
    // in-plane size over their thickness is expected here.
    double                   max_aspect_ratio = 1;
    std::string              max_aspect_ratio_part;
    Vec3                     max_aspect_ratio_location{};
    std::vector<std::string> warnings; // the model's meshing warnings
  };

  // Throws ModelError naming the part and place of the worst element when it is inverted or
  // degenerate.
  MeshQuality mesh_quality(const Model &model);

  // Writes <dir>/model.vtu (cell data: part, material, one flag per named surface "surface:NAME"
  // and per joint kind "tied"; point data: one flag per support "support:NAME") and
  // <dir>/mesh.json (parts, joints, quality).
  void write_mesh_view(const Model &model, const Case &c, const MeshQuality &quality,
                       const std::string &dir);
} // namespace lightbody
