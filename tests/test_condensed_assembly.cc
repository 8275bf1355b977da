// The constrained matrix formed once from the cells' unconstrained matrices (CondensedAssembly,
// used where ties make constraint lines with many entries) equals deal.II's per-cell expansion
// (AffineConstraints::distribute_local_to_global), entry by entry, with chains of constraints,
// prescribed values and lines of up to 40 entries.
#include "solver/condensed_assembly.h"

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace dealii;
using lightbody::CondensedAssembly;

namespace
{
  struct Fixture
  {
    Fixture()
    {
      GridGenerator::subdivided_hyper_rectangle(tria, {3, 2, 1}, Point<3>(0, 0, 0),
                                                Point<3>(3, 2, 0.1));
      dofs.distribute_dofs(fe);
      const types::global_dof_index        n = dofs.n_dofs();
      std::mt19937                         random(12345);
      std::vector<types::global_dof_index> order(n);
      for (types::global_dof_index i = 0; i < n; ++i)
        order[i] = i;
      std::shuffle(order.begin(), order.end(), random);
      // 40 followers with 5-40 entries each (some on earlier followers: chains that close()
      // resolves), 12 held DoFs (4 with a prescribed value), the rest free.
      const unsigned                             followers = 40, held = 12;
      std::uniform_real_distribution<double>     weight(-0.5, 1.0);
      std::uniform_int_distribution<unsigned>    count(5, 40);
      std::uniform_int_distribution<std::size_t> free_dof(followers + held, n - 1);
      for (unsigned k = 0; k < held; ++k)
        {
          constraints.add_line(order[followers + k]);
          if (k % 3 == 0)
            constraints.set_inhomogeneity(order[followers + k], 0.1 * (k + 1));
        }
      for (unsigned k = 0; k < followers; ++k)
        {
          const auto d = order[k];
          constraints.add_line(d);
          const unsigned m = count(random);
          for (unsigned e = 0; e < m; ++e)
            constraints.add_entry(d, order[free_dof(random)], weight(random));
          if (k > 0 && k % 4 == 0) // a chain: this follower also follows an earlier one
            constraints.add_entry(d, order[k - 1], 0.3);
          if (k % 5 == 0) // and one that a held DoF with a prescribed value leads
            constraints.add_entry(d, order[followers], 0.2);
        }
      constraints.close();
      DynamicSparsityPattern dsp(n);
      DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
      pattern.copy_from(dsp);
    }

    // A symmetric cell matrix with a positive diagonal.
    FullMatrix<double> cell_matrix(std::mt19937 &random) const
    {
      std::uniform_real_distribution<double> value(-1.0, 1.0);
      const unsigned                         m = fe.n_dofs_per_cell();
      FullMatrix<double>                     k(m, m);
      for (unsigned i = 0; i < m; ++i)
        for (unsigned j = 0; j <= i; ++j)
          k(i, j) = k(j, i) = value(random) + (i == j ? 10.0 : 0.0);
      return k;
    }

    // The cells' random matrices (seeded) added to `assembly`.
    void add_cells(CondensedAssembly &assembly, unsigned seed) const
    {
      std::mt19937                         random(seed);
      std::vector<types::global_dof_index> cell_dofs(fe.n_dofs_per_cell());
      for (const auto &cell : dofs.active_cell_iterators())
        {
          cell->get_dof_indices(cell_dofs);
          assembly.add(cell_matrix(random), cell_dofs);
        }
    }

    Triangulation<3>          tria;
    FESystem<3>               fe{FE_Q<3>(2), 3};
    DoFHandler<3>             dofs{tria};
    AffineConstraints<double> constraints;
    SparsityPattern           pattern;
  };
} // namespace

TEST(CondensedAssembly, EqualsThePerCellExpansion)
{
  Fixture f;
  ASSERT_TRUE(CondensedAssembly::needed(f.constraints));
  const auto                           n = f.dofs.n_dofs();
  SparseMatrix<double>                 expanded(f.pattern), condensed(f.pattern);
  Vector<double>                       lifting_expanded(n), lifting_condensed(n);
  CondensedAssembly                    assembly(f.dofs);
  std::mt19937                         random(7);
  std::vector<types::global_dof_index> cell_dofs(f.fe.n_dofs_per_cell());
  const Vector<double>                 zero(f.fe.n_dofs_per_cell());
  for (const auto &cell : f.dofs.active_cell_iterators())
    {
      cell->get_dof_indices(cell_dofs);
      const FullMatrix<double> k = f.cell_matrix(random);
      f.constraints.distribute_local_to_global(k, zero, cell_dofs, expanded, lifting_expanded);
      assembly.add(k, cell_dofs);
    }
  assembly.condense(f.constraints, condensed, &lifting_condensed);

  double largest = 0, largest_lifting = 0;
  for (const auto &e : expanded)
    largest = std::max(largest, std::abs(e.value()));
  for (types::global_dof_index i = 0; i < n; ++i)
    if (!f.constraints.is_constrained(i))
      largest_lifting = std::max(largest_lifting, std::abs(lifting_expanded[i]));
  ASSERT_GT(largest, 0);
  ASSERT_GT(largest_lifting, 0); // the prescribed values do reach the free rows
  unsigned compared = 0;
  for (types::global_dof_index i = 0; i < n; ++i)
    {
      for (auto it = expanded.begin(i); it != expanded.end(i); ++it, ++compared)
        EXPECT_NEAR(condensed(i, it->column()), it->value(), 1e-13 * largest)
          << "row " << i << " column " << it->column();
      if (!f.constraints.is_constrained(i))
        {
          EXPECT_NEAR(lifting_condensed[i], lifting_expanded[i], 1e-13 * largest_lifting)
            << "row " << i;
        }
    }
  EXPECT_GT(compared, n);
}

// The product through the constraints (K_G of a buckling analysis with ties: no condensed
// matrix beside the cells') equals the product with the condensed matrix, whose constrained rows
// and columns are cleared (homogeneous: the prescribed values play no part), for any x.
TEST(CondensedAssembly, ProductThroughTheConstraintsEqualsTheCondensedMatrix)
{
  Fixture              f;
  const auto           n = f.dofs.n_dofs();
  SparseMatrix<double> condensed(f.pattern);
  CondensedAssembly    assembly(f.dofs);
  f.add_cells(assembly, 11);
  assembly.condense(f.constraints, condensed, nullptr);
  for (const auto &line : f.constraints.get_lines())
    condensed.diag_element(line.index) = 0;
  std::mt19937                           random(5);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  for (unsigned trial = 0; trial < 3; ++trial)
    {
      Vector<double> x(n), expected(n), y(n);
      for (auto &v : x)
        v = value(random);
      condensed.vmult(expected, x);
      assembly.multiply(f.constraints, x.data(), y.data());
      ASSERT_GT(expected.linfty_norm(), 1);
      for (types::global_dof_index i = 0; i < n; ++i)
        EXPECT_NEAR(y[i], expected[i], 1e-12 * expected.linfty_norm()) << "row " << i;
      for (const auto &line : f.constraints.get_lines())
        EXPECT_EQ(y[line.index], 0.0);
    }
}

// Supports alone (lines without entries) take the per-cell path; a structure made without the
// constraints lacks the ties' couplings, and the condensation says so instead of dropping them.
TEST(CondensedAssembly, NeededOnlyForLinesWithEntriesAndRefusesAShortStructure)
{
  Fixture                   f;
  AffineConstraints<double> supports;
  supports.add_line(0);
  supports.add_line(5);
  supports.close();
  EXPECT_FALSE(CondensedAssembly::needed(supports));

  DynamicSparsityPattern dsp(f.dofs.n_dofs());
  DoFTools::make_sparsity_pattern(f.dofs, dsp);
  SparsityPattern short_pattern;
  short_pattern.copy_from(dsp);
  SparseMatrix<double> A(short_pattern);
  CondensedAssembly    assembly(f.dofs);
  f.add_cells(assembly, 3);
  EXPECT_THROW(assembly.condense(f.constraints, A, nullptr), std::logic_error);
}
