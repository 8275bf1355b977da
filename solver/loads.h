#pragma once
#include "solver/solution.h"

#include <deal.II/base/point.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/tensor.h>

#include <functional>

#include <vector>

namespace lightbody
{
  // Consistent nodal forces (N) of one load case: acceleration field, pressures, hydrostatic
  // liquid pressure, edge line forces and point forces, before any constraint is applied.
  // `body_weights`: body_force_weights of the model, for the load cases with an acceleration
  // (computed here when null).
  dealii::Vector<double> assemble_load_vector(const Model &model, const Solution &s,
                                              const LoadCaseSpec                  &lc,
                                              const std::vector<dealii::Point<3>> &support_points,
                                              const std::vector<unsigned char>    &component,
                                              const dealii::Vector<double> *body_weights = nullptr);

  // Whether the load case has an acceleration field (a body force).
  bool has_body_force(const LoadCaseSpec &lc);

  // Each DoF's share of the mass, int rho N_i dV (tonne): an acceleration a (mm/s^2) loads each
  // DoF of component c with a_c times it (N). One pass over the cells serves every load case.
  dealii::Vector<double> body_force_weights(const Model &model, const Solution &s);

  // Calls visit(face, the point in its cell's unit coordinates, the point, the face's normal out
  // of its cell, JxW) at every point of the rule on each face.
  using FacePointVisitor =
    std::function<void(const FaceRef &, const dealii::Point<3> &, const dealii::Point<3> &,
                       const dealii::Tensor<1, 3> &, double)>;
  void visit_face_points(const Model &model, const std::vector<FaceRef> &faces,
                         const dealii::Quadrature<2> &rule, const FacePointVisitor &visit);

  // A load case's face loads (pressures, liquid pressures, distributed forces, edge pressures,
  // edge forces) as forces at the quadrature points of the loaded faces: visit(face, the point in
  // its cell's unit coordinates, traction times area weight in N). Their sum is the resultant of
  // those loads; assemble_load_vector integrates the same tractions. Errors as there.
  using FaceLoadVisitor =
    std::function<void(const FaceRef &, const dealii::Point<3> &, const dealii::Tensor<1, 3> &)>;
  void visit_face_loads(const Model &model, const LoadCaseSpec &lc, const FaceLoadVisitor &visit);
} // namespace lightbody
