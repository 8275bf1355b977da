#pragma once
// The parts of a model and the joints between them as plain data (no deal.II): what the reports
// list.
#include "input/materials.h"

#include <string>

namespace lightbody
{
  struct PartMesh
  {
    std::string name;
    Material    material;
    double      thickness = 0;
    unsigned    layers    = 1;
    unsigned    n_cells   = 0;
    bool        from_body = false; // made by a body's generator (not one of the case's own)
  };

  // Two parts joined along a line: by shared nodes, or by tying one part's edge face to the
  // other's face where the meshes cannot be made to conform.
  struct Joint
  {
    std::string part_a, part_b; // for a tie, part_a is the tied (following) part
    enum class Kind
    {
      shared_nodes,
      tied
    } kind           = Kind::shared_nodes;
    double length_mm = 0;
  };
} // namespace lightbody
