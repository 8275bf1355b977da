// The constrained matrix formed once from the cells' unconstrained matrices (CondensedAssembly,
// used where ties make constraint lines with many entries) equals deal.II's per-cell expansion
// (AffineConstraints::distribute_local_to_global), entry by entry, with chains of constraints,
// prescribed values and lines of up to 40 entries.
#include "input/case_reader.h"
#include "meshes/model.h"
#include "solver/condensed_assembly.h"
#include "solver/distributed_factor.h"
#include "solver/eigen_analysis.h"
#include "solver/solution.h"

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace dealii;
using lightbody::CondensedAssembly;

namespace
{
  // Random constraints on n DoFs (seeded): 40 followers with 5-40 entries each (some on earlier
  // followers: chains that close() resolves), 12 held DoFs (4 with a prescribed value), the rest
  // free. Closed.
  void random_constraints(types::global_dof_index n, AffineConstraints<double> &constraints,
                          unsigned seed)
  {
    std::mt19937                         random(seed);
    std::vector<types::global_dof_index> order(n);
    for (types::global_dof_index i = 0; i < n; ++i)
      order[i] = i;
    std::shuffle(order.begin(), order.end(), random);
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
  }

  struct Fixture
  {
    Fixture()
    {
      GridGenerator::subdivided_hyper_rectangle(tria, {3, 2, 1}, Point<3>(0, 0, 0),
                                                Point<3>(3, 2, 0.1));
      dofs.distribute_dofs(fe);
      const types::global_dof_index n = dofs.n_dofs();
      random_constraints(n, constraints, 12345);
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

// K_G as the eigen solver multiplies by it (GeometricStiffness: each cell's 27 x 27 matrix, the
// product taken cell by cell and through the constraints) equals the assembled, condensed K_G
// (assemble_geometric_stiffness, whose constrained rows and columns are zero) for any x: on a
// curved part of two layers under a random displacement, with random constraints of many
// entries and chains (the ties' kind) and with supports alone. The stress ranges agree too.
TEST(GeometricStiffness, CellProductsEqualTheAssembledMatrix)
{
  const auto          model = lightbody::build_model(lightbody::read_case_from_string(R"(
materials:
  al: {E: 70000 MPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 200 MPa, Rm: 260 MPa, source: test}
parts:
  p:
    material: al
    thickness: 4 mm
    mesh_size: 40 mm
    layers: 2
    cylinder: {origin: [0, 0, 0], axis: [0, 1, 0], radius: 300 mm, length: 120 mm, angles: [0, 60]}
supports:
  s: {box: {min: [-1e4, -1e4, -1e4], max: [1e4, 1e4, 1e4]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, -1 g]}
)",
                                                                                      "kg.yaml"));
  lightbody::Solution s(*model);
  s.dof_handler.distribute_dofs(s.fe);
  const auto n = s.dof_handler.n_dofs();
  ASSERT_GT(model->triangulation.n_active_cells(), 8u);
  std::mt19937                           random(3);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  Vector<double>                         u(n);
  for (auto &v : u)
    v = 0.01 * value(random);

  for (const bool ties : {true, false})
    {
      AffineConstraints<double> constraints;
      if (ties)
        random_constraints(n, constraints, 99);
      else
        {
          for (types::global_dof_index i = 0; i < n; i += 17)
            constraints.add_line(i);
          constraints.close();
        }
      ASSERT_EQ(lightbody::CondensedAssembly::needed(constraints), ties);
      DynamicSparsityPattern dsp(n);
      DoFTools::make_sparsity_pattern(s.dof_handler, dsp, constraints, false);
      SparsityPattern pattern;
      pattern.copy_from(dsp);
      SparseMatrix<double>         KG(pattern);
      const lightbody::StressRange assembled =
        lightbody::assemble_geometric_stiffness(*model, s, u, constraints, KG);
      lightbody::GeometricStiffness cells(s.dof_handler, constraints);
      const lightbody::StressRange  range = cells.assemble(*model, s, u);
      EXPECT_EQ(range.compression, assembled.compression);
      EXPECT_EQ(range.largest, assembled.largest);
      ASSERT_GT(range.compression, 0);
      const lightbody::PencilMatrix product = cells.pencil();
      for (unsigned trial = 0; trial < 3; ++trial)
        {
          Vector<double> x(n), expected(n), y(n);
          for (auto &v : x)
            v = value(random);
          KG.vmult(expected, x);
          product.vmult(x.data(), y.data(), n);
          ASSERT_GT(expected.linfty_norm(), 0);
          for (types::global_dof_index i = 0; i < n; ++i)
            EXPECT_NEAR(y[i], expected[i], 1e-11 * expected.linfty_norm())
              << (ties ? "ties" : "supports") << ", row " << i;
          for (const auto &line : constraints.get_lines())
            EXPECT_EQ(y[line.index], 0.0);
        }
      // Several vectors at once (a Lanczos step's block; more than eight: in groups of eight),
      // each as its own product.
      for (const std::size_t columns : {3u, 10u})
        {
          std::vector<double> x(n * columns), y(n * columns);
          for (auto &v : x)
            v = value(random);
          product.vmult(x.data(), y.data(), n, columns);
          for (std::size_t j = 0; j < columns; ++j)
            {
              Vector<double> xj(x.begin() + j * n, x.begin() + (j + 1) * n), expected(n);
              KG.vmult(expected, xj);
              for (types::global_dof_index i = 0; i < n; ++i)
                ASSERT_NEAR(y[j * n + i], expected[i], 1e-11 * expected.linfty_norm())
                  << columns << " columns, column " << j << ", row " << i;
            }
        }
      // The SPMD run's bands (cell_share of 3 processes, the last empty where the cells are
      // fewer): each band's products summed equal the matrix's, the stress ranges' extremes
      // those of all cells.
      for (const int processes : {3, static_cast<int>(model->triangulation.n_active_cells()) + 1})
        {
          std::vector<std::vector<DoFHandler<3>::active_cell_iterator>> bands(processes);
          std::vector<std::unique_ptr<lightbody::GeometricStiffness>>   shares;
          lightbody::StressRange                                        extremes;
          for (int p = 0; p < processes; ++p)
            {
              const auto [first, last] =
                lightbody::cell_share(model->triangulation.n_active_cells(), p, processes);
              for (const auto &cell : s.dof_handler.active_cell_iterators())
                if (cell->active_cell_index() >= first && cell->active_cell_index() < last)
                  bands[p].push_back(cell);
              shares.push_back(std::make_unique<lightbody::GeometricStiffness>(
                s.dof_handler, constraints, &bands[p]));
              const lightbody::StressRange r = shares.back()->assemble(*model, s, u);
              extremes.compression           = std::max(extremes.compression, r.compression);
              extremes.largest               = std::max(extremes.largest, r.largest);
            }
          EXPECT_EQ(extremes.compression, assembled.compression);
          EXPECT_EQ(extremes.largest, assembled.largest);
          Vector<double> x(n), expected(n), sum(n), y(n);
          for (auto &v : x)
            v = value(random);
          KG.vmult(expected, x);
          for (const auto &share : shares)
            {
              y = 1e300; // (each band's product sets all of y)
              share->pencil().vmult(x.data(), y.data(), n);
              sum += y;
              // The band's products on its own DoFs alone (those of the SPMD run): the same
              // values there, the band's product zero elsewhere; a band of several holds fewer
              // than all DoFs.
              const auto band = share->band_product();
              ASSERT_TRUE(std::is_sorted(band.dofs.begin(), band.dofs.end()));
              if (processes == 3)
                {
                  EXPECT_LT(band.dofs.size(), n);
                }
              if (bands[&share - &shares[0]].empty())
                {
                  EXPECT_EQ(band.dofs.size(), 0u); // (a band without cells: no DoFs)
                }
              std::vector<double> xb(band.dofs.size()), yb(band.dofs.size());
              std::vector<bool>   held(n, false);
              for (std::size_t k = 0; k < band.dofs.size(); ++k)
                {
                  xb[k]              = x[band.dofs[k]];
                  held[band.dofs[k]] = true;
                }
              band.product(xb.data(), yb.data());
              for (std::size_t k = 0; k < band.dofs.size(); ++k)
                ASSERT_EQ(yb[k], y[band.dofs[k]]) << processes << " bands, DoF " << band.dofs[k];
              for (types::global_dof_index i = 0; i < n; ++i)
                {
                  if (!held[i])
                    {
                      ASSERT_EQ(y[i], 0.0) << processes << " bands, DoF " << i;
                    }
                }
            }
          for (types::global_dof_index i = 0; i < n; ++i)
            ASSERT_NEAR(sum[i], expected[i], 1e-11 * expected.linfty_norm())
              << processes << " bands, row " << i;
        }
      // A band must be the cells in order.
      std::vector<DoFHandler<3>::active_cell_iterator> gap{
        s.dof_handler.begin_active(), std::next(s.dof_handler.begin_active(), 2)};
      EXPECT_THROW(lightbody::GeometricStiffness(s.dof_handler, constraints, &gap),
                   std::logic_error);
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
