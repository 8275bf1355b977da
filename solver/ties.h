#pragma once
#include "meshes/model.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/affine_constraints.h>

#include <vector>

namespace lightbody
{
  // Constraints for the model's ties: on each joint, the following part's face displacement is
  // the mortar projection of the leading part's displacement onto the follower's face space,
  // tested with the dual (biorthogonal) basis of the follower's faces: u_f = D^-1 M~_fl u_l with
  // D diagonal, so that a tied DoF follows only the leading faces under its own face functions.
  // Unlike node-to-face interpolation, this passes the patch test on non-matching meshes
  // (constant tractions pass, and any quadratic displacement of the follower's face space is
  // reproduced exactly). DoFs already constrained (supports) or shared with the leading part keep
  // their own values.
  //
  // TieBasis::standard tests with the face functions themselves (M_ff^-1 over the whole joint:
  // long constraint lines, weights below 1e-6 dropped); kept for the benchmark's comparison.
  enum class TieBasis
  {
    dual,
    standard
  };

  // LIGHTBODY_TIE_BASIS=standard gives the standard basis (read for bench/ties_benchmark.py
  // only), anything else the dual one.
  TieBasis tie_basis_from_environment();

  void add_tie_constraints(const Model &model, const dealii::DoFHandler<3> &dof_handler,
                           const dealii::FESystem<3>         &fe,
                           dealii::AffineConstraints<double> &constraints,
                           TieBasis                           basis = TieBasis::dual);
} // namespace lightbody
