#pragma once
// Parts from a gmsh mid-surface mesh: the quadrilaterals of one physical surface group of a
// .msh file (format 2.2 or 4.1, ASCII), each a patch of its own, extruded like generated parts.
#include "meshes/surfaces.h"

namespace lightbody
{
  // The patches of the part's group; the nodes' normals are averaged over the quadrilaterals
  // around them so that neighbours extrude to the same points. The group's free edges are the
  // edge "boundary". Throws InputError naming the part for a missing file, group or bad format.
  std::vector<Patch> gmsh_patches(const PartSpec &part);
} // namespace lightbody
