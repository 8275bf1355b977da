#pragma once
// Linear buckling and natural vibration on the factorised stiffness (solver/ internal): the
// geometric stiffness of a load case's stress state, the consistent mass matrix with the
// non-structural masses, and the eigenpairs turned into load factors and frequencies.
#include "solver/eigen_solver.h"
#include "solver/solution.h"

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/sparse_matrix.h>

namespace lightbody
{
  // K_G of the stress the displacement u causes, condensed by the constraints; the rows and
  // columns of constrained DoFs are zero. Returns false when no point of the body is in
  // compression (every principal stress >= 0): K_G is then positive semi-definite and there is
  // no positive buckling load factor.
  bool assemble_geometric_stiffness(const Model &model, const Solution &s,
                                    const dealii::Vector<double>            &u,
                                    const dealii::AffineConstraints<double> &constraints,
                                    dealii::SparseMatrix<double>            &KG);

  // The consistent mass of the structure and of the modal case's non-structural masses,
  // condensed by the constraints (constrained rows and columns zero). Returns the structural
  // and the added mass (tonne).
  std::pair<double, double> assemble_mass(const Model &model, const Solution &s,
                                          const ModalSpec                         &modal,
                                          const dealii::AffineConstraints<double> &constraints,
                                          dealii::SparseMatrix<double>            &M);

  // The lowest `modes` buckling load factors of K (factorised) and K_G.
  // `compression`: the answer of assemble_geometric_stiffness (without it: no modes, no solve).
  BucklingSolution buckling_modes(bool compression, const FactoredMatrix &K,
                                  const dealii::SparseMatrix<double> &KG, unsigned modes,
                                  const dealii::AffineConstraints<double> &c);

  // The lowest natural frequencies from the factor of K + shift M.
  ModalSolution vibration_modes(const FactoredMatrix &K_shifted, double shift,
                                const dealii::SparseMatrix<double>      &M,
                                const dealii::AffineConstraints<double> &c,
                                const std::vector<unsigned char> &component, unsigned modes);
} // namespace lightbody
