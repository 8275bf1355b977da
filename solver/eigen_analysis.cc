#include "solver/eigen_analysis.h"
#include "solver/supernodal_solve.h"

#include "input/errors.h"
#include "solver/condensed_assembly.h"
#include "solver/eigen_solver.h"
#include "solver/rigid_body_modes.h"
#include "solver/shell_element.h"

#include <deal.II/base/multithread_info.h>
#include <deal.II/base/parallel.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/work_stream.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping.h>

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    constexpr unsigned cell_dofs = ShellStrains::n_cell_dofs;

    // nu = -1 / lambda: the most negative nu are the lowest positive load factors.
    // A basis of up to 40 vectors before a restart: the buckling modes of the example bodies
    // converge within it (Lanczos checked after every product, 3 modes: default tank 29 products,
    // van 33; Spectra's implicitly restarted Lanczos, which checks after a whole subspace, took
    // 44 + 63 products on the tank with 23, 41 + 41 with 40, and 30 and 60 were worse than 40).
    // Each product is two triangular solves with the whole factor (0.15 s on the tank); with
    // blocks of three vectors a step (solver/eigen_solver.h) the tank's two analyses take 54 and
    // 57 products in 18 and 19 steps, one restart each, and a subspace of 60 did not help
    // (bench/buckling_benchmark.py --blocks, 2026-12-04).
    // Ritz residuals of 1e-6 of the load factor: a Ritz value's error is of the order of the
    // squared residual over the gap to the next eigenvalue, far below the reported digits. The
    // example bodies' load factors agree to 10 digits with those of 1e-9, and Lanczos stops
    // sooner (products, 1e-9 -> 1e-6: van 76 -> 41, tipper 78 -> 76, tank 41 and 41 either way;
    // measured 2026-12-02).
    constexpr double buckling_tolerance = 1e-6;
    // (The natural frequencies' too: 6 of cases/van_body_6200.yaml took 90 products with the
    // basis of 26 that 6 pairs would get, 81 with 40 and with 60; 12: 123 with 32, 114 with 40,
    // 102 with 60; 2026-12-04.)
    constexpr unsigned eigen_subspace = 40;

    // Zero rows and columns for the constrained DoFs (their diagonal too): the eigenproblem
    // then has nothing there.
    void clear_constrained(const AffineConstraints<double> &c, SparseMatrix<double> &A)
    {
      for (const auto &line : c.get_lines())
        A.diag_element(line.index) = 0;
    }

    // The constrained DoFs of a mode from the free ones (homogeneous: prescribed displacements
    // are of the static case, not of the mode).
    void distribute_homogeneous(const AffineConstraints<double> &c, Vector<double> &v)
    {
      for (const auto &line : c.get_lines())
        {
          double x = 0;
          for (const auto &[j, w] : line.entries)
            x += w * v[j];
          v[line.index] = x;
        }
    }

    double seconds_since(std::chrono::steady_clock::time_point t0)
    {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
  } // namespace

  namespace
  {
    // For each cell, the stress the displacement u causes at its points, handed with the
    // cell's strains to `local` (from several threads at once: the cells' own data only), then
    // `add` (from one thread at a time) with the Copy `local` filled; returns the stress range
    // over the cells.
    struct CellCopy
    {
      FullMatrix<double>                   local{cell_dofs, cell_dofs};
      std::vector<types::global_dof_index> dofs = std::vector<types::global_dof_index>(cell_dofs);
      double                               compression = 0, largest = 0; // MPa
    };
    template <class Local, class Add>
    StressRange stress_of_cells(const Model &model, const Solution &s, const Vector<double> &u,
                                const std::vector<DoFHandler<3>::active_cell_iterator> *cells,
                                const Local &local, const Add &add,
                                const Mapping<3> *mapping = nullptr)
    {
      struct Scratch
      {
        Scratch(const Model &m, const Mapping<3> *g) : strains(m, QGauss<3>(3), g) {}
        Scratch(const Scratch &o) : strains(o.strains) {}
        ShellStrains                       strains;
        Vector<double>                     cell_u = Vector<double>(cell_dofs);
        std::vector<SymmetricTensor<2, 3>> eps, sigma;
      };
      StressRange                                            range;
      const std::vector<DoFHandler<3>::active_cell_iterator> all =
        cells ? std::vector<DoFHandler<3>::active_cell_iterator>()
              : std::vector<DoFHandler<3>::active_cell_iterator>(
                  s.dof_handler.active_cell_iterators().begin(),
                  s.dof_handler.active_cell_iterators().end());
      const auto &list = cells ? *cells : all;
      WorkStream::run(
        list.cbegin(), list.cend(),
        [&](const auto &it, Scratch &sc, CellCopy &cd) {
          const DoFHandler<3>::active_cell_iterator &cell = *it;
          cell->get_dof_indices(cd.dofs);
          for (unsigned i = 0; i < cell_dofs; ++i)
            sc.cell_u[i] = u[cd.dofs[i]];
          sc.strains.reinit(cell);
          sc.strains.strains(sc.cell_u, sc.eps);
          const Material &m = model.parts[cell->material_id()].material;
          sc.sigma.resize(sc.eps.size());
          cd.compression = cd.largest = 0;
          for (unsigned q = 0; q < sc.eps.size(); ++q)
            {
              sc.sigma[q] = m.lame_lambda() * trace(sc.eps[q]) * unit_symmetric_tensor<3>() +
                            2 * m.lame_mu() * sc.eps[q];
              const auto principal = eigenvalues(sc.sigma[q]); // descending
              cd.largest = std::max({cd.largest, std::abs(principal[0]), std::abs(principal[2])});
              cd.compression = std::max(cd.compression, -principal[2]);
            }
          local(cell, sc.strains, sc.sigma, cd);
        },
        [&](const CellCopy &cd) {
          range.compression = std::max(range.compression, cd.compression);
          range.largest     = std::max(range.largest, cd.largest);
          add(cd);
        },
        Scratch(model, mapping), CellCopy());
      return range;
    }
  } // namespace

  StressRange assemble_geometric_stiffness(const Model &model, const Solution &s,
                                           const Vector<double>            &u,
                                           const AffineConstraints<double> &constraints,
                                           SparseMatrix<double>            &KG)
  {
    std::optional<CondensedAssembly> condensed;
    if (CondensedAssembly::needed(constraints))
      condensed.emplace(s.dof_handler);
    const StressRange range = stress_of_cells(
      model, s, u, nullptr,
      [](const auto &, const ShellStrains &strains, const auto &sigma, CellCopy &cd) {
        strains.geometric_stiffness(sigma, cd.local);
      },
      [&](const CellCopy &cd) {
        if (condensed)
          condensed->add(cd.local, cd.dofs);
        else
          constraints.distribute_local_to_global(cd.local, cd.dofs, KG);
      });
    if (condensed)
      condensed->condense(constraints, KG, nullptr);
    clear_constrained(constraints, KG);
    return range;
  }

  // The cells' scalar matrices and, for the products, a vector of the DoFs they touch through
  // the constraints and one for each chunk of cells (added up after). A band's vectors are of
  // its own DoFs alone (`relevant`): its cells' and those their constrained DoFs follow.
  struct GeometricStiffness::Cells
  {
    static constexpr unsigned nodes = ShellStrains::n_cell_nodes;

    // The most vectors of one product: as many as one supernodal solve takes, so that the
    // Lanczos processes run side by side make one product per solve.
    static constexpr std::size_t most_columns = SupernodalSolve::most_columns;

    // A constrained DoF of the vectors and those it follows, positions in the vectors.
    struct Line
    {
      types::global_dof_index                                 index;
      std::vector<std::pair<types::global_dof_index, double>> entries;
    };

    const std::vector<DoFHandler<3>::active_cell_iterator> *band = nullptr;
    const Mapping<3> *mapping                                    = nullptr; // band's; null: model's
    std::size_t n = 0, n_cells = 0, first = 0; // the cells held: model's cells [first, + n_cells)
    // The DoFs of the products' vectors, in order (whole: all n of them, m = n; a band's, m of
    // them, none for a band without cells).
    bool                                 whole = true;
    std::vector<types::global_dof_index> relevant;
    std::size_t                          m = 0;
    std::vector<Line>                    lines;
    // Per cell, node a's component c at 3 a + c (its position in the vectors); per cell, 27 x 27.
    std::vector<types::global_dof_index>     dofs;
    std::vector<double>                      g;
    mutable std::vector<Vector<double>>      px;    // P x, per vector
    mutable std::vector<std::vector<double>> chunk; // per chunk of cells, DoF-major

    // A DoF's position in the vectors.
    types::global_dof_index position(types::global_dof_index i) const
    {
      if (whole)
        return i;
      return static_cast<types::global_dof_index>(
        std::lower_bound(relevant.begin(), relevant.end(), i) - relevant.begin());
    }

    // y = P^T (sum of the cells' K_G) P x for `columns` vectors (m x columns, one after the
    // other): the cells' matrices read once for all of them.
    void product(const double *x, double *y, std::size_t columns) const
    {
      for (std::size_t first = 0; first < columns; first += most_columns)
        product_of_some(x + first * m, y + first * m, std::min(most_columns, columns - first));
    }

    // The same with x and y of all n DoFs (y zero off the vectors' DoFs).
    void product_of_all(const double *x, double *y, std::size_t columns) const
    {
      if (whole)
        return product(x, y, columns);
      std::vector<double> xr(m * columns), yr(m * columns);
      for (std::size_t j = 0; j < columns; ++j)
        for (std::size_t k = 0; k < m; ++k)
          xr[j * m + k] = x[j * n + relevant[k]];
      product(xr.data(), yr.data(), columns);
      std::fill(y, y + n * columns, 0.0);
      for (std::size_t j = 0; j < columns; ++j)
        for (std::size_t k = 0; k < m; ++k)
          y[j * n + relevant[k]] = yr[j * m + k];
    }

    void product_of_some(const double *x, double *y, const std::size_t columns) const
    {
      // px = P x: a constrained DoF's value from those it follows (homogeneous).
      if (px.size() < columns)
        px.resize(columns, Vector<double>(m));
      for (std::size_t j = 0; j < columns; ++j)
        {
          std::copy(x + j * m, x + (j + 1) * m, px[j].begin());
          for (const Line &l : lines)
            {
              double v = 0;
              for (const auto &[i, w] : l.entries)
                v += w * px[j][i];
              px[j][l.index] = v;
            }
        }
      const std::size_t chunks = chunk.size();
      const std::size_t width  = 3 * columns;
      using Block =
        Eigen::Matrix<double, nodes, Eigen::Dynamic, Eigen::RowMajor, nodes, 3 * most_columns>;
      parallel::apply_to_subranges(
        std::size_t(0), chunks,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t k = begin; k < end; ++k)
            {
              std::vector<double> &z     = chunk[k];
              const std::size_t    first = n_cells * k / chunks, last = n_cells * (k + 1) / chunks;
              z.assign(m * columns, 0.0);
              Block X(nodes, width), Y(nodes, width);
              for (std::size_t c = first; c < last; ++c)
                {
                  const types::global_dof_index *d = &dofs[c * 3 * nodes];
                  for (unsigned a = 0; a < nodes; ++a)
                    for (std::size_t j = 0; j < columns; ++j)
                      for (unsigned i = 0; i < 3; ++i)
                        X(a, 3 * j + i) = px[j][d[3 * a + i]];
                  Y.noalias() =
                    Eigen::Map<const Eigen::Matrix<double, nodes, nodes, Eigen::RowMajor>>(
                      &g[c * nodes * nodes])
                      .lazyProduct(X);
                  for (unsigned a = 0; a < nodes; ++a)
                    for (std::size_t j = 0; j < columns; ++j)
                      for (unsigned i = 0; i < 3; ++i)
                        z[d[3 * a + i] * columns + j] += Y(a, 3 * j + i);
                }
            }
        },
        1);
      parallel::apply_to_subranges(
        std::size_t(0), m,
        [&](std::size_t begin, std::size_t end) {
          for (std::size_t i = begin; i < end; ++i)
            for (std::size_t j = 0; j < columns; ++j)
              {
                double v = 0;
                for (const auto &z : chunk)
                  v += z[i * columns + j];
                y[j * m + i] = v;
              }
        },
        4096);
      // y = P^T z: a constrained DoF's share to those it follows, its own row zero.
      for (std::size_t j = 0; j < columns; ++j)
        {
          double *yj = y + j * m;
          for (const Line &l : lines)
            for (const auto &[i, w] : l.entries)
              yj[i] += w * yj[l.index];
          for (const Line &l : lines)
            yj[l.index] = 0;
        }
    }
  };

  double lanczos_bytes(unsigned modes, std::size_t dofs)
  {
    // A Lanczos step's block b: P x and each thread's sums (b each), the basis (subspace + b),
    // the step's vectors and the triangular solves' interleaved rows (two of n x 8).
    const double b       = lanczos_block_most;
    const double vectors = b * (1 + MultithreadInfo::n_threads()) +
                           (lanczos_subspace(modes, eigen_subspace) + b) + 2 * b +
                           2 * SupernodalSolve::most_columns;
    return 8.0 * vectors * static_cast<double>(dofs);
  }

  double spread_lanczos_bytes(unsigned modes, std::size_t dofs, int processes)
  {
    // The basis V and Y = A V, each (subspace + b) columns, spread; whole: the next block and
    // a step's block with their products with A (4 b), the block's solve gathered (b), a
    // random start vector with its product (2).
    const double b = lanczos_block_most;
    const double vectors =
      2 * (lanczos_subspace(modes, eigen_subspace) + b) / std::max(processes, 1) + 5 * b + 2;
    return 8.0 * vectors * static_cast<double>(dofs);
  }

  namespace
  {
    // A cell's K_G: its DoFs and its scalar 27 x 27 matrix.
    constexpr double geometric_cell_bytes =
      ShellStrains::n_cell_dofs * (8.0 + 8.0 * ShellStrains::n_cell_nodes / 3);
  } // namespace

  double GeometricStiffness::analysis_bytes(std::size_t cells, std::size_t dofs, unsigned modes)
  {
    return geometric_cell_bytes * static_cast<double>(cells) + lanczos_bytes(modes, dofs);
  }

  double GeometricStiffness::band_bytes(std::size_t cells, std::size_t dofs, int processes)
  {
    // (a product's P x and each thread's sums; the vectors sent and summed, multiply_shares;
    // and the band's DoFs: each of its vectors of those alone, taken as 1.25 / N of all DoFs,
    // the DoFs its cells share with the next bands' besides its own; measured on rank 0's band
    // of the default tank at 300 mm 0.50 of all at N = 2 and 0.26 at N = 4, of the van body at
    // 200 mm 0.44 at N = 2)
    const double band_dofs =
      std::min(1.0, 1.25 / std::max(processes, 1)) * static_cast<double>(dofs);
    const double vectors = 1 + MultithreadInfo::n_threads() + 2;
    return geometric_cell_bytes * static_cast<double>(cells) / std::max(processes, 1) +
           (8.0 * vectors + 4) * band_dofs;
  }

  GeometricStiffness::GeometricStiffness(
    const DoFHandler<3> &dof_handler, const AffineConstraints<double> &constraints,
    const std::vector<DoFHandler<3>::active_cell_iterator> *band, const Mapping<3> *mapping)
    : cells_(std::make_shared<Cells>())
  {
    Cells &c  = *cells_;
    c.band    = band;
    c.mapping = mapping;
    c.n       = dof_handler.n_dofs();
    c.n_cells = band ? band->size() : dof_handler.get_triangulation().n_active_cells();
    c.first   = band && !band->empty() ? model_cell(band->front()) : 0;
    c.dofs.resize(c.n_cells * cell_dofs);
    c.g.resize(c.n_cells * Cells::nodes * Cells::nodes);
    std::vector<types::global_dof_index> dofs(cell_dofs);
    const auto add = [&](const DoFHandler<3>::active_cell_iterator &cell) {
      const std::size_t k = model_cell(cell) - c.first;
      cell->get_dof_indices(dofs);
      types::global_dof_index *d = &c.dofs[k * cell_dofs];
      for (unsigned i = 0; i < cell_dofs; ++i)
        d[3 * ShellStrains::node_of_dof(i) + ShellStrains::component_of_dof(i)] = dofs[i];
    };
    if (band)
      for (std::size_t k = 0; k < band->size(); ++k)
        {
          if (model_cell((*band)[k]) != c.first + k)
            throw std::logic_error("GeometricStiffness: a band of cells not in order");
          add((*band)[k]);
        }
    else
      for (const auto &cell : dof_handler.active_cell_iterators())
        add(cell);
    // A band's vectors: its cells' DoFs and those their constrained DoFs follow (the
    // constraints are closed: those are not constrained themselves), the cells' DoFs then
    // their positions among them.
    c.whole = !band;
    if (band)
      {
        c.relevant = c.dofs;
        std::sort(c.relevant.begin(), c.relevant.end());
        c.relevant.erase(std::unique(c.relevant.begin(), c.relevant.end()), c.relevant.end());
        const std::size_t own = c.relevant.size();
        for (std::size_t k = 0; k < own; ++k)
          if (const auto *entries = constraints.get_constraint_entries(c.relevant[k]))
            for (const auto &e : *entries)
              c.relevant.push_back(e.first);
        std::sort(c.relevant.begin(), c.relevant.end());
        c.relevant.erase(std::unique(c.relevant.begin(), c.relevant.end()), c.relevant.end());
        c.relevant.shrink_to_fit();
        for (auto &d : c.dofs)
          d = c.position(d);
      }
    c.m                 = band ? c.relevant.size() : c.n;
    const auto add_line = [&](types::global_dof_index i) {
      if (!constraints.is_constrained(i))
        return;
      Cells::Line l{c.position(i), {}};
      if (const auto *entries = constraints.get_constraint_entries(i))
        for (const auto &[j, w] : *entries)
          l.entries.emplace_back(c.position(j), w);
      c.lines.push_back(std::move(l));
    };
    if (band)
      for (const types::global_dof_index i : c.relevant)
        add_line(i);
    else
      for (const auto &line : constraints.get_lines())
        add_line(line.index);
    c.chunk.resize(std::min<std::size_t>(std::max(1u, MultithreadInfo::n_threads()),
                                         std::max<std::size_t>(1, c.n_cells / 64)));
  }

  StressRange GeometricStiffness::assemble(const Model &model, const Solution &s,
                                           const Vector<double> &u)
  {
    Cells &c = *cells_;
    return stress_of_cells(
      model, s, u, c.band,
      [&c](const DoFHandler<3>::active_cell_iterator &cell, const ShellStrains &strains,
           const std::vector<SymmetricTensor<2, 3>> &sigma, CellCopy &) {
        strains.geometric_stiffness(
          sigma, &c.g[(model_cell(cell) - c.first) * Cells::nodes * Cells::nodes]);
      },
      [](const CellCopy &) {}, c.mapping);
  }

  PencilMatrix GeometricStiffness::pencil() const
  {
    PencilMatrix p(
      [cells = cells_](const double *x, double *y) { cells->product_of_all(x, y, 1); });
    p.multiply_columns = [cells = cells_](const double *x, double *y, std::size_t columns) {
      cells->product_of_all(x, y, columns);
    };
    return p;
  }

  GeometricStiffness::BandProduct GeometricStiffness::band_product() const
  {
    BandProduct b;
    if (cells_->whole)
      {
        b.dofs.resize(cells_->n);
        std::iota(b.dofs.begin(), b.dofs.end(), types::global_dof_index(0));
      }
    else
      b.dofs = cells_->relevant;
    b.product = [cells = cells_](const double *x, double *y) { cells->product(x, y, 1); };
    return b;
  }

  std::pair<double, double>
  assemble_mass(const Model &model, const Solution &s, const ModalSpec &modal,
                const AffineConstraints<double> &constraints, SparseMatrix<double> &M,
                const std::vector<DoFHandler<3>::active_cell_iterator> *cells,
                const Mapping<3>                                       *mapping)
  {
    ShellStrains                         strains(model, QGauss<3>(3), mapping);
    FullMatrix<double>                   local(cell_dofs, cell_dofs);
    std::vector<types::global_dof_index> dofs(cell_dofs);
    double                               structural = 0, added = 0;
    std::optional<CondensedAssembly>     condensed;
    if (CondensedAssembly::needed(constraints))
      condensed.emplace(s.dof_handler, cells);
    const auto add = [&] {
      if (condensed)
        condensed->add(local, dofs);
      else
        constraints.distribute_local_to_global(local, dofs, M);
    };
    const auto one_cell = [&](const DoFHandler<3>::active_cell_iterator &cell) {
      cell->get_dof_indices(dofs);
      strains.reinit(cell);
      strains.mass(model.parts[cell->material_id()].material.density, local);
      for (unsigned i = 0; i < cell_dofs; ++i)
        for (unsigned j = 0; j < cell_dofs; ++j)
          if (s.fe.system_to_component_index(i).first == 0)
            structural += local(i, j);
      add();
    };
    // The cells whose matrices are added (a share: the non-structural masses' pieces on them).
    std::vector<bool> mine(model.triangulation.n_active_cells(), cells == nullptr);
    if (cells)
      for (const auto &cell : *cells)
        {
          mine[model_cell(cell)] = true;
          one_cell(cell);
        }
    else
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        one_cell(cell);

    for (std::size_t k = 0; k < modal.masses.size(); ++k)
      {
        const NonStructuralMass &nm  = modal.masses[k];
        const std::string        key = "modal.masses[" + std::to_string(k) + "]";
        if (nm.point)
          {
            // The mass at the point, spread by the cell's shape functions there.
            const Point<3> p((*nm.point)[0], (*nm.point)[1], (*nm.point)[2]);
            const auto     found = model.locate(p);
            if (!found)
              throw InputError(nm.where, key + ".point",
                               "the point is not on any part (nor within a quarter gauge of one)");
            const DoFHandler<3>::active_cell_iterator cell(&model.triangulation, 0, found->first,
                                                           &s.dof_handler);
            added += nm.mass;
            if (!mine[cell->active_cell_index()])
              continue;
            cell->get_dof_indices(dofs);
            for (unsigned i = 0; i < cell_dofs; ++i)
              for (unsigned j = 0; j < cell_dofs; ++j)
                local(i, j) =
                  s.fe.system_to_component_index(i).first == s.fe.system_to_component_index(j).first
                    ? nm.mass * s.fe.shape_value(i, found->second) *
                        s.fe.shape_value(j, found->second)
                    : 0;
            add();
            continue;
          }
        // Spread over the surface's area (inside the box): mass / A int N_a N_b dA.
        const auto it = model.surfaces.find(nm.surface);
        if (it == model.surfaces.end() || it->second.empty())
          throw InputError(nm.where, key + ".surface",
                           "\"" + nm.surface + "\" has no element faces in the model");
        const QIterated<2> rule(QGauss<1>(3), nm.in_box ? 8 : 1);
        FEFaceValues<3>    fv(*model.mapping, s.fe, rule,
                              update_values | update_quadrature_points | update_JxW_values);
        auto               inside = [&](const Point<3> &x) {
          for (unsigned k = 0; k < 3 && nm.in_box; ++k)
            if (x[k] < nm.box_min[k] || x[k] > nm.box_max[k])
              return false;
          return true;
        };
        double area = 0;
        for (const FaceRef &f : it->second)
          {
            fv.reinit(
              DoFHandler<3>::active_cell_iterator(&model.triangulation, 0, f.cell, &s.dof_handler),
              f.face);
            for (unsigned q = 0; q < rule.size(); ++q)
              if (inside(fv.quadrature_point(q)))
                area += fv.JxW(q);
          }
        if (!(area > 0))
          throw InputError(nm.where, key + ".surface",
                           "\"" + nm.surface + "\" has no area inside the given box");
        const double per_area = nm.mass / area;
        for (const FaceRef &f : it->second)
          {
            const DoFHandler<3>::active_cell_iterator cell(&model.triangulation, 0, f.cell,
                                                           &s.dof_handler);
            if (!mine[cell->active_cell_index()])
              continue;
            fv.reinit(cell, f.face);
            local = 0;
            for (unsigned q = 0; q < rule.size(); ++q)
              if (inside(fv.quadrature_point(q)))
                for (unsigned i = 0; i < cell_dofs; ++i)
                  {
                    const double wi = per_area * fv.JxW(q) * fv.shape_value(i, q);
                    if (wi == 0)
                      continue;
                    for (unsigned j = 0; j < cell_dofs; ++j)
                      if (s.fe.system_to_component_index(i).first ==
                          s.fe.system_to_component_index(j).first)
                        local(i, j) += wi * fv.shape_value(j, q);
                  }
            cell->get_dof_indices(dofs);
            add();
          }
        added += nm.mass;
      }
    if (condensed)
      condensed->condense(constraints, M, nullptr);
    clear_constrained(constraints, M);
    return {structural, added};
  }

  namespace
  {

    // The load factors and modes of the eigenpairs of K^-1 K_G.
    BucklingSolution buckling_of(EigenPairs e, unsigned modes, const AffineConstraints<double> &c)
    {
      BucklingSolution b;
      b.requested      = modes;
      b.converged      = e.converged;
      b.iterations     = e.iterations;
      b.products       = e.products;
      b.preconditioned = e.preconditioned;
      b.processes      = e.processes;
      for (std::size_t k = 0; k < e.values.size(); ++k)
        {
          // A load factor above 1e6 is no buckling at all (compression too small to speak of).
          if (!(e.values[k] < -1e-6))
            continue;
          Vector<double> &phi = e.vectors[k];
          distribute_homogeneous(c, phi);
          const double peak = phi.linfty_norm();
          if (!(peak > 0) || !std::isfinite(peak))
            throw ModelError("a buckling mode is not finite");
          // The sign that makes the largest component positive, so that runs agree.
          const auto at = std::max_element(
            phi.begin(), phi.end(), [](double x, double y) { return std::abs(x) < std::abs(y); });
          phi *= (*at > 0 ? 1 : -1) / peak;
          b.factors.push_back(-1 / e.values[k]);
          b.modes.push_back(std::move(phi));
        }
      return b;
    }
  } // namespace

  BucklingSolution buckling_modes(bool compression, const FactoredMatrix &K, const PencilMatrix &KG,
                                  unsigned modes, const AffineConstraints<double> &c,
                                  const EigenProgress &progress)
  {
    const auto t0 = std::chrono::steady_clock::now();
    if (!compression)
      {
        BucklingSolution b;
        b.requested = modes;
        return b;
      }
    BucklingSolution b =
      buckling_of(extreme_eigenpairs(K, KG, modes, EigenEnd::smallest, buckling_tolerance,
                                     eigen_subspace, 0, progress),
                  modes, c);
    b.seconds = seconds_since(t0);
    return b;
  }

  std::vector<BucklingSolution>
  buckling_modes_together(const FactoredMatrix &K, const std::vector<BucklingRequest> &requests,
                          const AffineConstraints<double> &c)
  {
    const auto                    t0 = std::chrono::steady_clock::now();
    std::vector<BucklingSolution> out(requests.size());
    std::vector<EigenRequest>     solved;
    std::vector<std::size_t>      which;
    for (std::size_t k = 0; k < requests.size(); ++k)
      {
        out[k].requested = requests[k].modes;
        if (requests[k].compression)
          {
            solved.push_back({requests[k].KG, requests[k].modes, requests[k].progress});
            which.push_back(k);
          }
      }
    std::vector<EigenPairs> pairs   = extreme_eigenpairs_together(K, solved, EigenEnd::smallest,
                                                                  buckling_tolerance, eigen_subspace);
    const double            seconds = seconds_since(t0);
    for (std::size_t j = 0; j < which.size(); ++j)
      {
        out[which[j]]         = buckling_of(std::move(pairs[j]), requests[which[j]].modes, c);
        out[which[j]].seconds = seconds;
      }
    return out;
  }

  ModalSolution vibration_modes(const FactoredMatrix &K_shifted, double shift,
                                const PencilMatrix &M, const AffineConstraints<double> &c,
                                const std::vector<unsigned char> &component, unsigned modes,
                                const EigenProgress         &progress,
                                const std::vector<Point<3>> *free_body)
  {
    const auto    t0 = std::chrono::steady_clock::now();
    ModalSolution m;
    m.shift = shift;
    EigenPairs e;
    if (free_body && runs_preconditioned(K_shifted))
      {
        // The six rigid-body modes from the DoFs' points, about their centre, zero at the
        // constrained DoFs (ties, straight fibres: their values follow from the others').
        const std::size_t n = K_shifted.size();
        Point<3>          centre;
        std::size_t       counted = 0;
        for (std::size_t i = 0; i < n; ++i)
          if (!c.is_constrained(i))
            centre += (*free_body)[i], ++counted;
        centre /= std::max<double>(static_cast<double>(counted), 1);
        std::vector<Vector<double>> rigid(6, Vector<double>(n));
        for (std::size_t i = 0; i < n; ++i)
          {
            if (c.is_constrained(i) || component[i] > 2)
              continue;
            const Tensor<1, 3> r    = (*free_body)[i] - centre;
            const double       p[3] = {r[0], r[1], r[2]};
            for (unsigned k = 0; k < 6; ++k)
              rigid[k][i] = rigid_body_mode(k, component[i], p);
          }
        e = preconditioned_eigenpairs(K_shifted, M, modes, rigid, 1e-9, progress);
        // They were rigid-body modes if their omega^2 are within the products' round-off of
        // zero (3e-5 s measured on a thin wall, the tied parts' rotations about 1e-6 s): else
        // the pencil is not a free body's and the pairs are not trusted.
        for (std::size_t k = 0; k < std::min<std::size_t>(6, e.values.size()); ++k)
          if (!(std::abs(1 / e.values[k] - shift) < 1e-3 * shift))
            e.converged = false;
      }
    else
      e = extreme_eigenpairs(K_shifted, M, modes, EigenEnd::largest, 1e-9, eigen_subspace, 0,
                             progress);
    m.converged      = e.converged;
    m.iterations     = e.iterations;
    m.products       = e.products;
    m.preconditioned = e.preconditioned;
    m.processes      = e.processes;
    // Rigid translations r_d: the mass that can move and each mode's share of it.
    std::array<Vector<double>, 3> Mr;
    for (unsigned d = 0; d < 3; ++d)
      {
        Vector<double> r(K_shifted.size());
        for (std::size_t i = 0; i < r.size(); ++i)
          r[i] = component[i] == d && !c.is_constrained(i) ? 1 : 0;
        Mr[d].reinit(r.size());
        M.vmult(r.data(), Mr[d].data(), r.size());
        m.total_mass[d] = r * Mr[d];
      }
    for (std::size_t k = 0; k < e.values.size(); ++k)
      {
        // nu = 1 / (omega^2 + s); phi^T (K + s M) phi = 1 gives phi^T M phi = nu.
        const double nu = e.values[k];
        // The null space of M (the held DoFs) gives nu = 0 up to round-off: not a mode. Nor is
        // anything 1e5 times the first frequency, beyond what any mesh resolves.
        if (!(nu > 1e-10 * e.values[0]))
          continue;
        Vector<double> phi = e.vectors[k];
        phi /= std::sqrt(nu);
        const double          omega2 = 1 / nu - shift;
        std::array<double, 3> eff;
        for (unsigned d = 0; d < 3; ++d)
          {
            const double gamma = phi * Mr[d];
            eff[d]             = gamma * gamma;
          }
        distribute_homogeneous(c, phi);
        // Rigid-body modes: omega^2 within the eigen solver's accuracy of zero.
        if (std::abs(omega2) < 1e-3 * shift)
          ++m.rigid_body_modes;
        m.omega2.push_back(omega2);
        m.modes.push_back(std::move(phi));
        m.effective_mass.push_back(eff);
      }
    m.seconds = seconds_since(t0);
    return m;
  }
} // namespace lightbody
