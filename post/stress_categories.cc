#include "post/stress_categories.h"

#include "post/band_work.h"

#include "solver/distributed_factor.h"
#include "solver/shell_element.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <tuple>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    using Six = std::array<double, 6>;

    // Gauss points through the thickness: exact for the quadratic (in w) stress of a Q2 layer
    // times w.
    constexpr unsigned thickness_points = 5;

    // The running integrals of one column at one in-plane node position: int sigma dw,
    // int sigma w dw and the thickness covered (each adjacent column adds its full thickness).
    struct Column
    {
      Six    s0{}, s1{};
      double covered = 0;
    };

    // A column is known by its patch and the Q2 node position in the patch's (u, v) grid.
    using ColumnKey = std::tuple<unsigned, long, long>;

    // Points in the unit cell: the 3 x 3 in-plane node positions times Gauss points along the
    // reference axis d (the cell's thickness direction). Point index = (a * 3 + b) * n + g.
    Quadrature<3> column_points(unsigned d)
    {
      const QGauss<1>       gauss(thickness_points);
      std::vector<Point<3>> points;
      for (unsigned a = 0; a < 3; ++a)
        for (unsigned b = 0; b < 3; ++b)
          for (unsigned g = 0; g < thickness_points; ++g)
            {
              Point<3> x;
              x[(d + 1) % 3] = 0.5 * a;
              x[(d + 2) % 3] = 0.5 * b;
              x[d]           = gauss.point(g)[0];
              points.push_back(x);
            }
      return Quadrature<3>(points);
    }

    Six plus(const Six &a, const Six &b, double f)
    {
      Six c;
      for (unsigned k = 0; k < 6; ++k)
        c[k] = a[k] + f * b[k];
      return c;
    }
  } // namespace

  namespace
  {
    // Per thread: the element's strains at the column points of each thickness axis.
    struct ColumnScratch
    {
      ColumnScratch(const Model &model, unsigned cell_dofs, const Mapping<3> *mapping)
        : local(cell_dofs), eps(9 * thickness_points)
      {
        for (unsigned d = 0; d < 3; ++d)
          strains.push_back(std::make_unique<ShellStrains>(model, column_points(d), mapping));
      }
      ColumnScratch(const ColumnScratch &o) : local(o.local.size()), eps(o.eps.size())
      {
        for (const auto &st : o.strains)
          strains.push_back(std::make_unique<ShellStrains>(*st));
      }
      std::vector<std::unique_ptr<ShellStrains>> strains;
      Vector<double>                             local;
      std::vector<SymmetricTensor<2, 3>>         eps;
    };

    // Per cell: its nine columns and what the cell adds to each, load case after load case.
    struct ColumnCopy
    {
      std::size_t         key[9]{}; // the columns' numbers (ColumnNumbers)
      std::vector<Column> add;      // [lc * 9 + column]
    };

    // The columns of every patch numbered in one array: a patch of n_u x n_v elements has
    // (2 n_u + 1) x (2 n_v + 1) Q2 node positions, its columns from first[patch] on.
    struct ColumnNumbers
    {
      explicit ColumnNumbers(const Model &model)
      {
        for (const Patch &p : model.patches)
          {
            first.push_back(count);
            along_u.push_back(2 * p.n_u + 1);
            along_v.push_back(2 * p.n_v + 1);
            count += std::size_t(along_u.back()) * along_v.back();
          }
      }
      std::size_t operator()(const ColumnKey &k) const
      {
        const auto [patch, i, j] = k;
        if (i < 0 || j < 0 || i >= along_u[patch] || j >= along_v[patch])
          throw std::logic_error("a stress column outside its patch's grid");
        return first[patch] + std::size_t(i) * along_v[patch] + std::size_t(j);
      }
      std::vector<std::size_t> first;
      std::vector<long>        along_u, along_v;
      std::size_t              count = 0;
    };
  } // namespace

  void stress_categories(const Results &results, std::vector<LoadCaseResult> &rs, bool spread)
  {
    const Solution                  &s     = results.solution;
    const Model                     &model = s.model;
    const QGauss<1>                  gauss(thickness_points);
    const std::vector<Quadrature<3>> points = {column_points(0), column_points(1),
                                               column_points(2)};

    // The number of the column through a unit-cell point of a cell: its patch and the Q2 node
    // position in the patch's (u, v) grid.
    const ColumnNumbers number(model);
    auto                column_of = [&](unsigned cell, const Point<3> &xi) {
      const auto   pr    = model.parameters(cell, xi);
      const auto  &g     = model.cell_geometry[cell];
      const Patch &patch = model.patches[g.patch];
      return number(ColumnKey{g.patch, std::lround(2.0 * patch.n_u * pr[0]),
                              std::lround(2.0 * patch.n_v * pr[1])});
    };
    // Per column, one running integral for every load case (columns[column * n_cases + lc]). The
    // cells are worked in parallel and added in their order (the same sums with any number of
    // threads); spread over the processes of an MPI launch, each its band of cells, the sums
    // then added up on every process.
    const std::size_t   n_cases = rs.size();
    std::vector<Column> columns(number.count * n_cases);
    ColumnCopy          prototype;
    prototype.add.resize(9 * n_cases);
    using CellIterator = DoFHandler<3>::active_cell_iterator;
    work_band(
      s, spread,
      [&](const CellIterator &cell, ColumnScratch &sc, ColumnCopy &cd) {
        const unsigned  index = model_cell(cell);
        const unsigned  d     = model.thickness_axis(index);
        const Material &m     = model.parts[cell->material_id()].material;
        sc.strains[d]->reinit(cell);
        const auto &column = points[d].get_points();
        // The cell's nine columns: their thickness parameters and numbers.
        double w0[9], w1[9];
        for (unsigned ab = 0; ab < 9; ++ab)
          {
            Point<3> lower = column[ab * thickness_points], upper = lower;
            lower[d] = 0, upper[d] = 1;
            w0[ab]     = model.parameters(index, lower)[2];
            w1[ab]     = model.parameters(index, upper)[2];
            cd.key[ab] = column_of(index, lower);
          }
        for (unsigned lc = 0; lc < n_cases; ++lc)
          {
            cell->get_dof_values(s.load_cases[lc].displacement, sc.local);
            sc.strains[d]->strains(sc.local, sc.eps);
            for (unsigned ab = 0; ab < 9; ++ab)
              {
                Column &col = cd.add[lc * 9 + ab];
                col         = Column{};
                for (unsigned g = 0; g < thickness_points; ++g)
                  {
                    const double weight = gauss.weight(g) * std::abs(w1[ab] - w0[ab]);
                    const double w      = w0[ab] + gauss.point(g)[0] * (w1[ab] - w0[ab]);
                    const Six    sigma  = stress_from_strain(sc.eps[ab * thickness_points + g], m);
                    col.s0              = plus(col.s0, sigma, weight);
                    col.s1              = plus(col.s1, sigma, weight * w);
                  }
                col.covered = std::abs(w1[ab] - w0[ab]);
              }
          }
      },
      [&](const ColumnCopy &cd) {
        for (unsigned ab = 0; ab < 9; ++ab)
          for (unsigned lc = 0; lc < n_cases; ++lc)
            {
              const Column &a = cd.add[lc * 9 + ab];
              Column       &c = columns[cd.key[ab] * n_cases + lc];
              c.s0            = plus(c.s0, a.s0, 1);
              c.s1            = plus(c.s1, a.s1, 1);
              c.covered += a.covered;
            }
      },
      ColumnScratch(model, s.fe.n_dofs_per_cell(), band_mapping(s, spread)), prototype);
    static_assert(sizeof(Column) == 13 * sizeof(double), "a column is 13 doubles");
    if (spread)
      sum_over_processes(reinterpret_cast<double *>(columns.data()), 13 * columns.size());
    if (spread && distributed_rank() > 0)
      return; // (rank 0 goes on alone)

    // Every node takes the categories of its column.
    const std::size_t n_nodes = results.node_handler.n_dofs();
    for (auto &r : rs)
      {
        r.membrane_von_mises.assign(n_nodes, 0.0);
        r.membrane_bending_von_mises.assign(n_nodes, 0.0);
        r.top_von_mises.assign(n_nodes, 0.0);
        r.bottom_von_mises.assign(n_nodes, 0.0);
      }
    const auto                          &support = results.fe_scalar.get_unit_support_points();
    std::vector<types::global_dof_index> node_dofs(results.fe_scalar.n_dofs_per_cell());
    for (const auto &cell : results.node_handler.active_cell_iterators())
      {
        const unsigned index = cell->active_cell_index();
        const double   t     = model.parts[cell->material_id()].thickness;
        cell->get_dof_indices(node_dofs);
        for (unsigned q = 0; q < support.size(); ++q)
          {
            const std::size_t column = column_of(index, support[q]);
            for (unsigned lc = 0; lc < n_cases; ++lc)
              {
                const Column &c = columns[column * n_cases + lc];
                if (!(c.covered > 0))
                  continue;
                LoadCaseResult &r        = rs[lc];
                const Six       membrane = plus(Six{}, c.s0, 1 / c.covered);
                // sigma(w) = membrane + bending 2 w / t: int sigma w dw = bending t^2 / 6 per
                // column, and `covered` holds the thickness once per adjacent column.
                const Six    bending            = plus(Six{}, c.s1, 6 / (t * c.covered));
                const double top                = von_mises(plus(membrane, bending, 1));
                const double bottom             = von_mises(plus(membrane, bending, -1));
                const auto   n                  = node_dofs[q];
                r.membrane_von_mises[n]         = von_mises(membrane);
                r.membrane_bending_von_mises[n] = std::max(top, bottom);
                r.top_von_mises[n]              = top;
                r.bottom_von_mises[n]           = bottom;
              }
          }
      }
  }
} // namespace lightbody
