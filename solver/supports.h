#pragma once
#include "meshes/model.h"

#include <deal.II/dofs/dof_handler.h>

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

  // Through-thickness node lines of which `selected` holds the middle node but not both outer
  // ones (a box around a wall's mid-surface): held there, the wall turns about the support like
  // a hinge. Each line is counted once (a cell's line: one layer of a wall of several);
  // `first` gets one such line's middle node and `half_gauge` half its part's gauge.
  struct PartlyHeldLines
  {
    std::size_t      count = 0;
    dealii::Point<3> first;
    double           half_gauge = 0;
  };
  PartlyHeldLines middle_held_lines(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                                    const std::vector<dealii::Point<3>> &support_points,
                                    const std::vector<bool>             &selected);
} // namespace lightbody
