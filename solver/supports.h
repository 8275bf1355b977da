#pragma once
#include "meshes/model.h"

#include <deal.II/dofs/dof_handler.h>

#include <string>
#include <vector>

namespace lightbody
{
  // Marks (ORs into `selected`) the DoFs of a region: whole through-thickness faces of part
  // edges, the nodes inside a box, or the nodes on a plane. Works for any DoF handler on the
  // model (the solver's, or a scalar one for the mesh view). Throws InputError naming the
  // support for an edge without faces.
  void select_region(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                     const std::vector<dealii::Point<3>> &support_points, const RegionSpec &region,
                     const SupportSpec &spec, std::vector<bool> &selected);
  // The regions of a support: its own, or every region of the named region it refers to (a
  // body generator's, in `c`).
  std::vector<const RegionSpec *> support_regions(const SupportSpec &spec, const Case &c);
  // The DoFs of a support: its own region, or every region of the named region it refers to
  // (a body generator's, in `c`).
  std::vector<bool> select_support(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                                   const std::vector<dealii::Point<3>> &support_points,
                                   const SupportSpec &spec, const Case &c);

  // A box support meant to clamp (rigid, all components fixed, every region a box) whose
  // `selected` DoFs hold the middle node but not both outer ones of two through-thickness node
  // lines or more (a box around a wall's mid-surface): there the wall turns about it like a
  // hinge. Returns the warning naming the support, or "" (also for a single line: a point
  // restraint, and for supports fixing some components: a hinge may be meant).
  std::string hinge_warning(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                            const std::vector<dealii::Point<3>> &support_points,
                            const SupportSpec &spec, const Case &c,
                            const std::vector<bool> &selected);
} // namespace lightbody
