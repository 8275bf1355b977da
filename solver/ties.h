#pragma once
#include "meshes/model.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/affine_constraints.h>

#include <vector>

namespace lightbody
{
  // Constraints for the model's ties: on each joint, the following part's face displacement is
  // the L2 projection (mortar) of the leading part's displacement onto the follower's face space,
  // u_f = M_ff^-1 M_fl u_l. Unlike node-to-face interpolation, this passes the patch test on
  // non-matching meshes (the jump is orthogonal to constant tractions). DoFs already constrained
  // (supports) or shared with the leading part keep their own values.
  void add_tie_constraints(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                           const dealii::FESystem<3>         &fe,
                           dealii::AffineConstraints<double> &constraints);
} // namespace lightbody
