#pragma once
// Linear buckling and natural vibration on the factorised stiffness (solver/ internal): the
// geometric stiffness of a load case's stress state, the consistent mass matrix with the
// non-structural masses, and the eigenpairs turned into load factors and frequencies.
#include "solver/eigen_solver.h"
#include "solver/solution.h"

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/sparse_matrix.h>

#include <memory>

namespace lightbody
{
  // The stress range of a load case: the largest compression (minus the smallest principal
  // stress) and the largest principal stress in magnitude, MPa.
  struct StressRange
  {
    double compression = 0, largest = 0;
    // Some point of the body is in compression (compression below a millionth of the largest
    // stress is round-off of the stress recovery, measured 1e-8 in a plate in pure tension, and
    // would buckle above a load factor of 1e6): without it K_G is positive semi-definite and
    // there is no positive buckling load factor.
    bool compressed() const { return compression > 1e-6 * largest; }
  };

  // K_G of the stress the displacement u causes, condensed by the constraints; the rows and
  // columns of constrained DoFs are zero. `cells`: those whose matrices are added (null: all;
  // some: a process's share in the SPMD run, KG's structure then made from them), and whose
  // stress range is returned.
  StressRange assemble_geometric_stiffness(
    const Model &model, const Solution &s, const dealii::Vector<double> &u,
    const dealii::AffineConstraints<double> &constraints, dealii::SparseMatrix<double> &KG,
    const std::vector<dealii::DoFHandler<3>::active_cell_iterator> *cells = nullptr);

  class CondensedAssembly;

  // K_G of a load case as the eigen solver's products (one process), made again for each load
  // case in the same memory. Where ties make constraints of many entries, the cells' matrices
  // (CondensedAssembly) are kept and each product is taken through the constraints, P^T A0 P x,
  // instead of forming the condensed matrix beside them: that matrix was the default tank's peak
  // of memory (3.72 GB against 3.14 GB without it; the factor 1.3 GB). Else the matrix in K's
  // structure, as assemble_geometric_stiffness makes it.
  class GeometricStiffness
  {
  public:
    // `structure`: K's, for the matrix made where no constraint has entries (else not used:
    // may be null).
    GeometricStiffness(const dealii::DoFHandler<3>             &dof_handler,
                       const dealii::AffineConstraints<double> &constraints,
                       const dealii::SparsityPattern           *structure);
    // K_G of the stress the displacement u causes (all cells), in place of the one before;
    // returns the stress range.
    StressRange assemble(const Model &model, const Solution &s, const dealii::Vector<double> &u);
    // The products y = K_G x (zero at the constrained DoFs).
    PencilMatrix pencil() const;

  private:
    std::shared_ptr<dealii::SparseMatrix<double>> matrix_;
    std::shared_ptr<CondensedAssembly>            cells_;
    const dealii::AffineConstraints<double>      *constraints_ = nullptr;
  };

  // The consistent mass of the structure and of the modal case's non-structural masses,
  // condensed by the constraints (constrained rows and columns zero); `cells` as above (the
  // non-structural masses' pieces on them). Returns the structural mass (of the cells) and the
  // added mass (all of it), tonne.
  std::pair<double, double>
  assemble_mass(const Model &model, const Solution &s, const ModalSpec &modal,
                const dealii::AffineConstraints<double>                        &constraints,
                dealii::SparseMatrix<double>                                   &M,
                const std::vector<dealii::DoFHandler<3>::active_cell_iterator> *cells = nullptr);

  // The lowest `modes` buckling load factors of K (factorised) and K_G.
  // `compression`: the answer of assemble_geometric_stiffness (without it: no modes, no solve).
  BucklingSolution buckling_modes(bool compression, const FactoredMatrix &K, const PencilMatrix &KG,
                                  unsigned modes, const dealii::AffineConstraints<double> &c);

  // The lowest natural frequencies from the factor of K + shift M.
  ModalSolution vibration_modes(const FactoredMatrix &K_shifted, double shift,
                                const PencilMatrix &M, const dealii::AffineConstraints<double> &c,
                                const std::vector<unsigned char> &component, unsigned modes);
} // namespace lightbody
