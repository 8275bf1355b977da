#pragma once
// The model of a case as a CalculiX (Abaqus-format) input deck, for a cross-check in CalculiX.
#include "meshes/model.h"
#include "input/case.h"

#include <string>

namespace lightbody
{
  // Writes `path` (a .inp deck): the nodes and C3D20R bricks (the 27-node cells without their
  // face and centre nodes), a material and solid section per part, ties as *TIE (each pair of
  // tied parts: the following part's faces on the leading part's), shared nodes as shared, the
  // fixed and prescribed supports as *BOUNDARY and springs as SPRING1 elements, each load case
  // as a *STATIC step (accelerations as GRAV, pressures as *DLOAD on the element faces, point
  // loads as *CLOAD on the nearest node), each probe as a node set with *NODE PRINT.
  // Throws InputError naming the support or load case for what a deck cannot say yet: elastic
  // beddings, hydrostatic and distributed loads, edge loads.
  void write_ccx_deck(const Model &model, const Case &c, const std::string &path);
} // namespace lightbody
