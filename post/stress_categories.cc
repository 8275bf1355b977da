#include "post/stress_categories.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <map>
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

  void stress_categories(const Results &results, const LoadCaseSolution &l, LoadCaseResult &r)
  {
    const Solution                           &s     = results.solution;
    const Model                              &model = s.model;
    const QGauss<1>                           gauss(thickness_points);
    std::vector<std::unique_ptr<FEValues<3>>> fv;
    for (unsigned d = 0; d < 3; ++d)
      fv.push_back(
        std::make_unique<FEValues<3>>(*model.mapping, s.fe, column_points(d), update_gradients));
    const FEValuesExtractors::Vector   displacement(0);
    std::vector<SymmetricTensor<2, 3>> eps(9 * thickness_points);

    // The patch grid position of a unit-cell point of a cell.
    auto key_of = [&](unsigned cell, const Point<3> &xi) {
      const auto   pr    = model.parameters(cell, xi);
      const auto  &g     = model.cell_geometry[cell];
      const Patch &patch = model.patches[g.patch];
      return ColumnKey{g.patch, std::lround(2.0 * patch.n_u * pr[0]),
                       std::lround(2.0 * patch.n_v * pr[1])};
    };
    // The reference axis along which the thickness parameter w changes.
    auto thickness_axis = [&](unsigned cell) {
      const double w0   = model.parameters(cell, Point<3>(0, 0, 0))[2];
      unsigned     best = 0;
      double       most = -1;
      for (unsigned d = 0; d < 3; ++d)
        {
          const double dw = std::abs(model.parameters(cell, Point<3>::unit_vector(d))[2] - w0);
          if (dw > most)
            most = dw, best = d;
        }
      return best;
    };

    std::map<ColumnKey, Column> columns;
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        const unsigned  index = cell->active_cell_index();
        const unsigned  d     = thickness_axis(index);
        FEValues<3>    &f     = *fv[d];
        const Material &m     = model.parts[cell->material_id()].material;
        f.reinit(cell);
        f[displacement].get_function_symmetric_gradients(l.displacement, eps);
        const auto &points = f.get_quadrature().get_points();
        for (unsigned ab = 0; ab < 9; ++ab)
          {
            Point<3> lower = points[ab * thickness_points], upper = lower;
            lower[d] = 0, upper[d] = 1;
            const double w0  = model.parameters(index, lower)[2];
            const double w1  = model.parameters(index, upper)[2];
            Column      &col = columns[key_of(index, lower)];
            for (unsigned g = 0; g < thickness_points; ++g)
              {
                const double weight = gauss.weight(g) * std::abs(w1 - w0);
                const double w      = w0 + gauss.point(g)[0] * (w1 - w0);
                const Six    sigma  = stress_from_strain(eps[ab * thickness_points + g], m);
                col.s0              = plus(col.s0, sigma, weight);
                col.s1              = plus(col.s1, sigma, weight * w);
              }
            col.covered += std::abs(w1 - w0);
          }
      }

    // Every node takes the categories of its column.
    const std::size_t n_nodes = results.node_handler.n_dofs();
    r.membrane_von_mises.assign(n_nodes, 0.0);
    r.membrane_bending_von_mises.assign(n_nodes, 0.0);
    r.top_von_mises.assign(n_nodes, 0.0);
    r.bottom_von_mises.assign(n_nodes, 0.0);
    const auto                          &support = results.fe_scalar.get_unit_support_points();
    std::vector<types::global_dof_index> node_dofs(results.fe_scalar.n_dofs_per_cell());
    for (const auto &cell : results.node_handler.active_cell_iterators())
      {
        const unsigned index = cell->active_cell_index();
        const double   t     = model.parts[cell->material_id()].thickness;
        cell->get_dof_indices(node_dofs);
        for (unsigned q = 0; q < support.size(); ++q)
          {
            const auto it = columns.find(key_of(index, support[q]));
            if (it == columns.end() || !(it->second.covered > 0))
              continue;
            const Column &c        = it->second;
            const Six     membrane = plus(Six{}, c.s0, 1 / c.covered);
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
} // namespace lightbody
