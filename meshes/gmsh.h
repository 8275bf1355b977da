#pragma once
// Parts from a gmsh mid-surface mesh: the quadrilaterals of one physical surface group of a
// .msh file (format 2.2 or 4.1, ASCII), each a patch of its own, extruded like generated parts.
#include "meshes/surfaces.h"

namespace lightbody
{
  // The patches of the part's group, one per quadrilateral: second-order quadrilaterals (8 or 9
  // nodes) keep their curved shape; each node is extruded along one normal shared by all
  // quadrilaterals around it. The group's free edges are the edge "boundary"; sides on a
  // physical line group are the edge of that group's name (`part.NAME`). Throws InputError naming
  // the part for a missing file, group or bad format.
  std::vector<Patch> gmsh_patches(const PartSpec &part);
} // namespace lightbody
