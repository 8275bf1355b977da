#pragma once
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>
#include <deal.II/lac/vector.h>

#include <vector>

namespace lightbody
{
  // Assembly of a symmetric matrix under constraints whose lines have many entries (the ties'
  // mortar weights: a follower DoF follows tens of leader DoFs). The cells' matrices are added
  // without the constraints into A0 (the cells' own couplings), and the constrained matrix is
  // formed once, A = P^T A0 P for x = P y + g, row by row in parallel. Expanding each cell's
  // matrix through the constraints instead (AffineConstraints::distribute_local_to_global) costs
  // the square of a line's entries per cell and cell, in the serial copier: 88 % of the tipper
  // example's assembly.
  //
  // The result equals the per-cell expansion's: the same entries in the unconstrained rows and
  // columns, a constrained DoF's row and column empty but for its diagonal (the sum of the cells'
  // |diagonal| there, 1 where that is zero), and the right-hand side's share of the
  // inhomogeneities, -P^T A0 g, in `lifting` (zero in the constrained rows).
  class CondensedAssembly
  {
  public:
    // Whether any constraint line has entries (supports alone have none: the per-cell path is
    // then as fast and needs no second matrix).
    static bool needed(const dealii::AffineConstraints<double> &constraints);

    // cells: the cells whose matrices will be added (null: all). With some only (a process's
    // share in the SPMD run), A0 holds their couplings, and condense adds their share of
    // P^T A0 P: a constrained DoF's diagonal only where these cells have one (the shares' sum is
    // the whole matrix).
    explicit CondensedAssembly(
      const dealii::DoFHandler<3>                                    &dof_handler,
      const std::vector<dealii::DoFHandler<3>::active_cell_iterator> *cells = nullptr);

    // A0 += the cell's matrix (not thread-safe: call it from the copier).
    void add(const dealii::FullMatrix<double>                   &local,
             const std::vector<dealii::types::global_dof_index> &dofs);

    // A += P^T A0 P (A's structure made with the constraints, constrained DoFs not kept);
    // lifting, when given (size n), += -P^T A0 g. Throws if A's structure lacks an entry.
    void condense(const dealii::AffineConstraints<double> &constraints,
                  dealii::SparseMatrix<double> &A, dealii::Vector<double> *lifting) const;

  private:
    bool                         share_ = false;
    dealii::SparsityPattern      pattern_;
    dealii::SparseMatrix<double> A0_;
  };
} // namespace lightbody
