#include "solver/loads.h"

#include "input/errors.h"

#include <deal.II/base/qprojector.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    Tensor<1, 3> tensor(const Vec3 &v) { return Tensor<1, 3>({v[0], v[1], v[2]}); }

    // Adds the integral of phi_a * traction(x, n) over the given faces.
    template <class Traction>
    void add_face_load(const Model &model, const Solution &s, const std::vector<FaceRef> &faces,
                       Vector<double> &f, Traction traction,
                       const Quadrature<2> &rule = QGauss<2>(3))
    {
      FEFaceValues<3>                      fv(*model.mapping, s.fe, rule,
                                              update_values | update_quadrature_points | update_normal_vectors |
                                                update_JxW_values);
      std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
      for (const FaceRef &ref : faces)
        {
          const DoFHandler<3>::active_cell_iterator cell(&model.triangulation, 0, ref.cell,
                                                         &s.dof_handler);
          fv.reinit(cell, ref.face);
          cell->get_dof_indices(dofs);
          const double thickness = model.parts[cell->material_id()].thickness;
          for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
            {
              const Tensor<1, 3> t =
                traction(fv.quadrature_point(q), fv.normal_vector(q), thickness);
              for (unsigned i = 0; i < dofs.size(); ++i)
                {
                  const unsigned c = s.fe.system_to_component_index(i).first;
                  f[dofs[i]] += fv.shape_value(i, q) * t[c] * fv.JxW(q);
                }
            }
        }
    }

    // Calls point(x, n, JxW) at every quadrature point of the faces (n: the face's normal, out
    // of its cell).
    template <class Point_function>
    void for_each_face_point(const Model &model, const std::vector<FaceRef> &faces,
                             const Quadrature<2> &rule, Point_function point)
    {
      const FE_Q<3>   fe(1);
      FEFaceValues<3> fv(*model.mapping, fe, rule,
                         update_quadrature_points | update_normal_vectors | update_JxW_values);
      for (const FaceRef &ref : faces)
        {
          fv.reinit(Triangulation<3>::active_cell_iterator(&model.triangulation, 0, ref.cell),
                    ref.face);
          for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
            point(fv.quadrature_point(q), fv.normal_vector(q), fv.JxW(q));
        }
    }

    // The least and largest height -(g_dir . x) on each face, bounds no point of the face lies
    // outside of. A face's height is a biquadratic polynomial of its reference coordinates (the
    // quadratic mapping): its values at the face's 3 x 3 nodes give its Bernstein coefficients,
    // whose least and largest bound it (the convex hull property). (Where the face's cell sees
    // it in another orientation, the values come in that orientation's order: the same
    // polynomial with its coordinates exchanged or reversed, whose bounds are the same.)
    std::vector<std::pair<double, double>>
    height_bounds(const Model &model, const std::vector<FaceRef> &faces, const Tensor<1, 3> &g_dir)
    {
      std::vector<Point<2>> nodes;
      for (unsigned j = 0; j < 3; ++j)
        for (unsigned i = 0; i < 3; ++i)
          nodes.emplace_back(0.5 * i, 0.5 * j);
      const FE_Q<3>   fe(1);
      FEFaceValues<3> fv(*model.mapping, fe, Quadrature<2>(nodes), update_quadrature_points);
      std::vector<std::pair<double, double>> bounds;
      bounds.reserve(faces.size());
      for (const FaceRef &ref : faces)
        {
          fv.reinit(Triangulation<3>::active_cell_iterator(&model.triangulation, 0, ref.cell),
                    ref.face);
          double b[3][3]; // b[j][i]: the height at node (i, j), then its Bernstein coefficients
          for (unsigned q = 0; q < 9; ++q)
            b[q / 3][q % 3] = -(g_dir * fv.quadrature_point(q));
          // A quadratic's values f(0), f(1/2), f(1) to its Bernstein coefficients f(0),
          // 2 f(1/2) - (f(0) + f(1)) / 2, f(1): along each row, then along each column.
          for (unsigned j = 0; j < 3; ++j)
            b[j][1] = 2 * b[j][1] - 0.5 * (b[j][0] + b[j][2]);
          for (unsigned i = 0; i < 3; ++i)
            b[1][i] = 2 * b[1][i] - 0.5 * (b[0][i] + b[2][i]);
          double least = b[0][0], largest = b[0][0];
          for (const auto &row : b)
            for (double v : row)
              least = std::min(least, v), largest = std::max(largest, v);
          bounds.emplace_back(least, largest);
        }
      return bounds;
    }

    // The heights -(g_dir . x) and the weights (g_dir . n) JxW of the rule's points on the
    // faces (n into the liquid: the weights are those of the normal out of it), face by face.
    void heights_and_weights(const Model &model, const std::vector<FaceRef> &faces,
                             const Tensor<1, 3> &g_dir, const Quadrature<2> &rule,
                             std::vector<double> &height, std::vector<double> &weight)
    {
      height.clear();
      weight.clear();
      for_each_face_point(model, faces, rule,
                          [&](const Point<3> &x, const Tensor<1, 3> &n, double JxW) {
                            height.push_back(-(g_dir * x));
                            weight.push_back((g_dir * n) * JxW);
                          });
    }

    // The sum of (min(h, H) - lo) w over the points' heights h and weights w: the liquid volume
    // below the level H that they contribute (below the reference height lo).
    double volume_below(const std::vector<double> &height, const std::vector<double> &weight,
                        double H, double lo)
    {
      double V = 0;
      for (std::size_t i = 0; i < height.size(); ++i)
        V += (std::min(height[i], H) - lo) * weight[i];
      return V;
    }

    // Bisection for the height H in [a, b] where volume(H) = target (volume grows with H).
    template <class Volume>
    double bisect(Volume volume, double target, double a, double b, double span)
    {
      for (int i = 0; i < 100 && b - a > 1e-12 * span; ++i)
        {
          const double m               = 0.5 * (a + b);
          (volume(m) < target ? a : b) = m;
        }
      return 0.5 * (a + b);
    }

    // The height (against the acceleration g_dir) of the free surface that holds `filling` of
    // the volume enclosed by the faces. The liquid volume below height H is, by the divergence
    // theorem with F = u min(u.x, H) (u = -g_dir, div F = 1 below H, 0 above),
    // V(H) = sum over faces of int min(u.x, H) (u . n_out) dA, n_out pointing out of the liquid
    // (into the wall). V grows with H; bisection finds the level. The integrand has a kink
    // where the level crosses a face, which `rule` (a composite rule) follows; on a face wholly
    // below or above the level it is a polynomial of the face's coordinates (the height and
    // u . n dA of the quadratic geometry, of degree 5 at most in each), which the 3 x 3 Gauss
    // rule integrates exactly. So the level is found first with the Gauss rule on every face,
    // then again with `rule` on the faces within a band about it (one face's height above and
    // below, widened until the level lies inside it) and the Gauss rule's sums elsewhere: the
    // same level as `rule` on every face (before 2026-12-06, 64 times the points: 4.5 s of the
    // loads of a partly filled tank at 30 mm).
    // (`bounds`: height_bounds of the faces, not read for a filling of 1)
    double free_surface_level(const Model &model, const std::vector<FaceRef> &faces,
                              const std::vector<std::pair<double, double>> &bounds,
                              const Tensor<1, 3> &g_dir, double filling, const Quadrature<2> &rule)
    {
      const QGauss<2>     gauss(3);
      std::vector<double> height, weight;
      heights_and_weights(model, faces, g_dir, gauss, height, weight);
      if (filling >= 1)
        return *std::max_element(height.begin(), height.end());
      double lo = bounds[0].first, hi = bounds[0].second, extent = 0;
      for (const auto &[least, largest] : bounds)
        lo = std::min(lo, least), hi = std::max(hi, largest),
        extent = std::max(extent, largest - least);
      // The Gauss rule's volume on every face, and the level it gives.
      auto         volume = [&](double H) { return volume_below(height, weight, H, lo); };
      const double target = filling * volume(hi);
      const double guess  = bisect(volume, target, lo, hi, hi - lo);
      // Per face, the Gauss rule's sums of (h - lo) w and of w.
      const std::size_t   points = gauss.size();
      std::vector<double> below(faces.size(), 0.0), sum_w(faces.size(), 0.0);
      for (std::size_t f = 0; f < faces.size(); ++f)
        for (std::size_t q = f * points; q < (f + 1) * points; ++q)
          below[f] += (height[q] - lo) * weight[q], sum_w[f] += weight[q];
      for (double margin = std::max(extent, 1e-3 * (hi - lo));; margin *= 2)
        {
          const double a = std::max(lo, guess - margin), b = std::min(hi, guess + margin);
          // Faces wholly below a: their whole (h - lo) w; wholly above b: (H - lo) w; the band
          // between, with `rule`.
          double               fixed = 0, above = 0;
          std::vector<FaceRef> band;
          for (std::size_t f = 0; f < faces.size(); ++f)
            if (bounds[f].second <= a)
              fixed += below[f];
            else if (bounds[f].first >= b)
              above += sum_w[f];
            else
              band.push_back(faces[f]);
          std::vector<double> band_height, band_weight;
          heights_and_weights(model, band, g_dir, rule, band_height, band_weight);
          auto banded = [&](double H) {
            return fixed + (H - lo) * above + volume_below(band_height, band_weight, H, lo);
          };
          const bool everything = a <= lo && b >= hi;
          if (everything || (banded(a) <= target && target <= banded(b)))
            return bisect(banded, target, a, b, hi - lo);
        }
    }

    // The faces wholly below the level `level` (their height bounds, height_bounds, below it:
    // depth level + g_dir . x positive everywhere on them, so that no face is taken as wet or
    // dry that is not) and those it crosses; the faces wholly above it are left out.
    std::pair<std::vector<FaceRef>, std::vector<FaceRef>>
    faces_by_level(const std::vector<FaceRef>                   &faces,
                   const std::vector<std::pair<double, double>> &bounds, double level)
    {
      std::vector<FaceRef> wet, crossed;
      for (std::size_t f = 0; f < faces.size(); ++f)
        if (bounds[f].second < level)
          wet.push_back(faces[f]);
        else if (bounds[f].first < level)
          crossed.push_back(faces[f]);
      return {std::move(wet), std::move(crossed)};
    }

    // How far the faces are from enclosing a volume. For a closed surface (normals out of the
    // volume V) the divergence theorem gives sum n dA = 0 and sum x_i n_j dA = V delta_ij; the
    // larger of |sum n dA| / area and max |sum x_i n_j dA - V delta_ij| / |V| is 0 for a closed
    // surface, about 1 for a plate or a shell open at its ends (whose normals alone cancel).
    double opening_fraction(const Model &model, const std::vector<FaceRef> &faces,
                            const Quadrature<2> &rule)
    {
      Tensor<1, 3> sum;
      Tensor<2, 3> moment;
      double       area = 0;
      for_each_face_point(model, faces, rule,
                          [&](const Point<3> &x, const Tensor<1, 3> &n, double JxW) {
                            sum += n * JxW, area += JxW;
                            moment += outer_product(Tensor<1, 3>(x), n * JxW);
                          });
      const double volume = trace(moment) / 3;
      if (!(area > 0) || !(std::abs(volume) > 0))
        return 1.0;
      double off = 0;
      for (unsigned i = 0; i < 3; ++i)
        for (unsigned j = 0; j < 3; ++j)
          off = std::max(off, std::abs(moment[i][j] - (i == j ? volume : 0.0)));
      return std::max(sum.norm() / area, off / std::abs(volume));
    }

    // The area of the faces where `inside` holds, with the given rule.
    template <class Inside>
    double surface_area(const Model &model, const std::vector<FaceRef> &faces,
                        const Quadrature<2> &rule, Inside inside)
    {
      double area = 0;
      for_each_face_point(model, faces, rule,
                          [&](const Point<3> &x, const Tensor<1, 3> &, double JxW) {
                            if (inside(x))
                              area += JxW;
                          });
      return area;
    }

    const std::vector<FaceRef> &faces_of(const std::map<std::string, std::vector<FaceRef>> &m,
                                         const std::string &name, const SourceLocation &where,
                                         const std::string &key)
    {
      const auto it = m.find(name);
      if (it == m.end() || it->second.empty())
        throw InputError(where, key, "\"" + name + "\" has no element faces in the model");
      return it->second;
    }
    // An edge's faces; a missing edge is named with the edges the part has.
    const std::vector<FaceRef> &faces_of(const Model &model, const std::string &name,
                                         const SourceLocation &where, const std::string &key)
    {
      const auto it = model.edges.find(name);
      if (it == model.edges.end() || it->second.empty())
        throw InputError(where, key, model.missing_edge_message(name));
      return it->second;
    }

    // A point force spread along the through-thickness line of nodes nearest to the point, with
    // the consistent weights of quadratic elements (1/6, 4/6, 1/6 per layer).
    void add_point_load(const Model &model, const Solution &s, const PointLoad &pl,
                        const std::vector<Point<3>>      &support_points,
                        const std::vector<unsigned char> &component, Vector<double> &f)
    {
      const Point<3> p(pl.point[0], pl.point[1], pl.point[2]);
      const auto     found = model.locate(p);
      if (!found)
        throw InputError(pl.where, "point_forces.point",
                         "the point is not on any part (nor within a quarter gauge of one)");
      const unsigned     cell_index = found->first;
      const Tensor<1, 3> n          = model.normal(cell_index, found->second);
      const unsigned     part =
        Triangulation<3>::active_cell_iterator(&model.triangulation, 0, cell_index)->material_id();
      const double   t      = model.parts[part].thickness;
      const unsigned layers = model.parts[part].layers;

      // The nearest node line of this cell, by distance from the line through p along n.
      const DoFHandler<3>::active_cell_iterator cell(&model.triangulation, 0, cell_index,
                                                     &s.dof_handler);
      std::vector<types::global_dof_index>      dofs(s.fe.n_dofs_per_cell());
      cell->get_dof_indices(dofs);
      auto in_plane = [&](const Point<3> &x) {
        const Tensor<1, 3> d = x - p;
        return (d - (d * n) * n).norm();
      };
      types::global_dof_index root = dofs[0];
      for (auto d : dofs)
        if (in_plane(support_points[d]) < in_plane(support_points[root]))
          root = d;
      const Point<3> r   = support_points[root];
      const double   tol = 1e-6 * std::max(model.size, 1.0);
      // The point may lie anywhere through the thickness (on the mid-surface, or on a face):
      // the node line lies within one gauge of it. Of the nodes on that line, the 2 layers + 1
      // consecutive ones spanning the gauge and reaching the point are the part's.
      std::vector<std::pair<double, types::global_dof_index>> line[3];
      for (std::size_t d = 0; d < support_points.size(); ++d)
        {
          const Tensor<1, 3> dx = support_points[d] - r;
          const double       z  = (support_points[d] - p) * n;
          if ((dx - (dx * n) * n).norm() < tol && std::abs(z) <= t + tol)
            line[component[d]].emplace_back(z, d);
        }
      const unsigned m = 2 * layers + 1;
      for (unsigned c = 0; c < 3; ++c)
        {
          std::sort(line[c].begin(), line[c].end());
          std::size_t first = line[c].size();
          double      best  = 1e300;
          for (std::size_t k = 0; k + m <= line[c].size(); ++k)
            {
              const double lo = line[c][k].first, hi = line[c][k + m - 1].first;
              if (std::abs(hi - lo - t) < 1e-3 * t + tol && lo <= tol && hi >= -tol &&
                  std::abs(lo + hi) < best)
                best = std::abs(lo + hi), first = k;
            }
          if (first == line[c].size())
            throw InputError(pl.where, "point_forces.point",
                             "no through-thickness line of nodes was found at the point; give a "
                             "point on the part's mid-surface or faces");
          for (unsigned k = 0; k < m; ++k)
            {
              const double w = (k == 0 || k == m - 1) ? 1.0 : (k % 2 ? 4.0 : 2.0);
              f[line[c][first + k].second] += pl.force[c] * w / (6.0 * layers);
            }
        }
    }
  } // namespace

  namespace
  {
    // The face loads of a load case: apply(faces, traction(x, n, thickness), rule) for each
    // (pressures, liquid pressures, distributed forces, edge pressures, edge forces).
    template <class Apply>
    void face_loads(const Model &model, const LoadCaseSpec &lc, Apply apply)
    {
      for (const auto &p : lc.pressures)
        apply(faces_of(model.surfaces, p.surface, p.where, "pressures.surface"),
              [&](const Point<3> &, const Tensor<1, 3> &normal, double) {
                return -p.pressure * normal; // pushes into the face
              });
      for (const auto &h : lc.hydrostatic)
        {
          const Tensor<1, 3> g     = tensor(h.gravity);
          const Tensor<1, 3> g_dir = g / g.norm();
          const auto &faces = faces_of(model.surfaces, h.surface, h.where, "hydrostatic.surface");
          double      level = h.level;
          // (the faces' height bounds, for the level of a filling and the faces it crosses)
          const std::vector<std::pair<double, double>> bounds =
            h.full ? std::vector<std::pair<double, double>>() : height_bounds(model, faces, g_dir);
          // Liquid pressure has a kink where the free surface crosses a face: a composite rule
          // keeps its integral (and the resultant) accurate. A full compartment has no kink: the
          // pressure is linear on every face and the plain Gauss rule is exact (and 64 times
          // cheaper).
          const Quadrature<2> rule =
            h.full ? Quadrature<2>(QGauss<2>(3)) : Quadrature<2>(QIterated<2>(QGauss<1>(3), 8));
          if (h.full)
            // Full: the free surface touches the highest point of the wetted surface. On curved
            // heads under a tilted acceleration that point lies between nodes; at the highest
            // quadrature point every point of the rule is wet, so that the resultant is the
            // liquid's mass times the acceleration.
            level = free_surface_level(model, faces, {}, g_dir, 1.0, rule);
          else if (h.filling > 0)
            {
              // A tank's compartments measure 1e-13 (0.35 % between a head and a partition: the
              // shell's inner face runs on half the partition's gauge behind its face); an open
              // surface (a plate, a shell without its heads, sides facing different ways) about 1:
              // it has no volume to fill, its level would be made up.
              const double opening = opening_fraction(model, faces, QGauss<2>(3));
              if (!(opening < 0.05))
                {
                  char text[400];
                  std::snprintf(text, sizeof text,
                                "\"%s\" does not enclose a volume (by the divergence theorem "
                                "it is %.3g %% from closed): a filling needs a closed "
                                "surface, e.g. a tank's compartment_K, its sides all facing the "
                                "liquid; give `level` instead",
                                h.surface.c_str(), 100 * opening);
                  throw InputError(h.where, "hydrostatic.filling", text);
                }
              level = free_surface_level(model, faces, bounds, g_dir, h.filling, rule);
            }
          const auto pressure = [&](const Point<3> &x, const Tensor<1, 3> &normal, double) {
            // Depth below the free surface along gravity.
            const double depth = level + g_dir * x;
            return -(depth > 0 ? h.density * g.norm() * depth : 0.0) * normal;
          };
          if (h.full)
            apply(faces, pressure, rule);
          else
            {
              // The composite rule only on the faces the free surface crosses: a face wholly
              // below it carries a pressure linear in x, which the plain Gauss rule integrates
              // as a full compartment's; a face wholly above it carries none. (On every face
              // before 2026-12-06: 64 times the points, 5.5 s of the loads of
              // cases/tank_shell_5083.yaml at 30 mm, whose level is its top.)
              const auto [wet, crossed] = faces_by_level(faces, bounds, level);
              apply(wet, pressure, QGauss<2>(3));
              apply(crossed, pressure, rule);
            }
        }
      for (const auto &d : lc.distributed)
        {
          // Uniform traction F / A over the selected area; A is measured with the same rule, so
          // the nodal forces sum to F exactly. A box cuts faces: a composite rule follows the cut.
          const auto &faces =
            faces_of(model.surfaces, d.surface, d.where, "distributed_forces.surface");
          const QIterated<2> rule(QGauss<1>(3), d.in_box ? 8 : 1);
          auto               inside = [&](const Point<3> &x) {
            if (!d.in_box)
              return true;
            for (unsigned k = 0; k < 3; ++k)
              if (x[k] < d.box_min[k] || x[k] > d.box_max[k])
                return false;
            return true;
          };
          const double area = surface_area(model, faces, rule, inside);
          if (!(area > 0))
            throw InputError(d.where, "distributed_forces.surface",
                             "\"" + d.surface + "\" has no area inside the given box");
          const Tensor<1, 3> t = tensor(d.force) / area;
          apply(
            faces,
            [&](const Point<3> &x, const Tensor<1, 3> &, double) {
              return inside(x) ? t : Tensor<1, 3>();
            },
            rule);
        }
      for (const auto &e : lc.edge_pressures)
        apply(faces_of(model, e.edge, e.where, "edge_pressures.edge"),
              [&](const Point<3> &, const Tensor<1, 3> &n, double) {
                return e.direction ? e.value * tensor(*e.direction) : -e.value * n;
              });
      for (const auto &e : lc.edge_loads)
        apply(faces_of(model, e.edge, e.where, "edge_forces.edge"),
              [&](const Point<3> &, const Tensor<1, 3> &, double thickness) {
                return tensor(e.force_per_length) / thickness; // spread through thickness
              });
    }
  } // namespace

  namespace
  {
    Vector<double> load_vector(const Model &model, const Solution &s, const LoadCaseSpec &lc,
                               const std::vector<Point<3>>      &support_points,
                               const std::vector<unsigned char> &component,
                               const Vector<double>             *body_weights);
  } // namespace

  namespace
  {
    // The loads' errors name their key within the load case ("pressures.surface"); the message
    // names the whole key (load_cases.NAME.pressures.surface) like the reader's.
    template <class Work>
    auto naming_load_errors(const LoadCaseSpec &lc, Work work)
    {
      try
        {
          return work();
        }
      catch (const InputError &e)
        {
          std::vector<Diagnostic> named = e.diagnostics();
          for (Diagnostic &d : named)
            if (d.key.rfind("load_cases.", 0) != 0)
              d.key = "load_cases." + lc.name + "." + d.key;
          throw InputError(named);
        }
    }
  } // namespace

  Vector<double> assemble_load_vector(const Model &model, const Solution &s, const LoadCaseSpec &lc,
                                      const std::vector<Point<3>>      &support_points,
                                      const std::vector<unsigned char> &component,
                                      const Vector<double>             *body_weights)
  {
    return naming_load_errors(
      lc, [&] { return load_vector(model, s, lc, support_points, component, body_weights); });
  }

  bool has_body_force(const LoadCaseSpec &lc) { return tensor(lc.acceleration).norm() > 0; }

  Vector<double> body_force_weights(const Model &model, const Solution &s)
  {
    Vector<double> w(s.dof_handler.n_dofs());
    FEValues<3>    fv(*model.mapping, s.fe, QGauss<3>(3), update_values | update_JxW_values);
    std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        fv.reinit(cell);
        cell->get_dof_indices(dofs);
        const double rho = model.parts[cell->material_id()].material.density;
        for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
          for (unsigned i = 0; i < dofs.size(); ++i)
            w[dofs[i]] += fv.shape_value(i, q) * rho * fv.JxW(q);
      }
    return w;
  }

  void visit_face_points(const Model &model, const std::vector<FaceRef> &faces,
                         const Quadrature<2> &rule, const FacePointVisitor &visit)
  {
    const FE_Q<3>   fe(1);
    FEFaceValues<3> fv(*model.mapping, fe, rule,
                       update_quadrature_points | update_normal_vectors | update_JxW_values);
    // The rule's points on every face in every orientation, as the face values take them: a
    // face seen from its cell in another orientation orders them otherwise.
    const auto          hex = ReferenceCells::Hexahedron;
    const Quadrature<3> all = QProjector<3>::project_to_all_faces(hex, rule);
    for (const FaceRef &ref : faces)
      {
        const Triangulation<3>::active_cell_iterator cell(&model.triangulation, 0, ref.cell);
        fv.reinit(cell, ref.face);
        const unsigned offset = QProjector<3>::DataSetDescriptor::face(
          hex, ref.face, cell->face_orientation(ref.face), cell->face_flip(ref.face),
          cell->face_rotation(ref.face), rule.size());
        // (Checked on the face's first two points, two mappings per face: a point on a diagonal
        // of the face would not tell a face seen transposed; where they do not match, each
        // point's unit position is found by the inverse mapping.)
        const double tolerance = 1e-9 * std::max(model.size, 1.0);
        bool         matches   = true;
        for (unsigned q = 0; q < std::min(2u, fv.n_quadrature_points) && matches; ++q)
          matches = model.mapping->transform_unit_to_real_cell(cell, all.point(offset + q))
                      .distance(fv.quadrature_point(q)) <= tolerance;
        for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
          {
            const Point<3> &x = fv.quadrature_point(q);
            const Point<3>  xi =
              matches ? all.point(offset + q) : model.mapping->transform_real_to_unit_cell(cell, x);
            visit(ref, xi, x, fv.normal_vector(q), fv.JxW(q));
          }
      }
  }

  void visit_face_loads(const Model &model, const LoadCaseSpec &lc, const FaceLoadVisitor &visit)
  {
    naming_load_errors(lc, [&] {
      face_loads(model, lc,
                 [&](const std::vector<FaceRef> &faces, auto traction,
                     const Quadrature<2> &rule = QGauss<2>(3)) {
                   visit_face_points(
                     model, faces, rule,
                     [&](const FaceRef &ref, const Point<3> &xi, const Point<3> &x,
                         const Tensor<1, 3> &n, double JxW) {
                       const unsigned part =
                         Triangulation<3>::active_cell_iterator(&model.triangulation, 0, ref.cell)
                           ->material_id();
                       visit(ref, xi, traction(x, n, model.parts[part].thickness) * JxW);
                     });
                 });
      return 0;
    });
  }

  namespace
  {
    Vector<double> load_vector(const Model &model, const Solution &s, const LoadCaseSpec &lc,
                               const std::vector<Point<3>>      &support_points,
                               const std::vector<unsigned char> &component,
                               const Vector<double>             *body_weights)
    {
      Vector<double> f(s.dof_handler.n_dofs());

      // Body force per volume = density * acceleration (weight and inertia alike).
      if (has_body_force(lc))
        {
          const Tensor<1, 3>   a   = tensor(lc.acceleration);
          const Vector<double> own = body_weights ? Vector<double>() : body_force_weights(model, s);
          const Vector<double> &weights = body_weights ? *body_weights : own;
          for (std::size_t d = 0; d < f.size(); ++d)
            f[d] += a[component[d]] * weights[d];
        }
      face_loads(model, lc,
                 [&](const std::vector<FaceRef> &faces, auto traction,
                     const Quadrature<2> &rule = QGauss<2>(3)) {
                   add_face_load(model, s, faces, f, traction, rule);
                 });
      for (const auto &pl : lc.point_loads)
        add_point_load(model, s, pl, support_points, component, f);
      return f;
    }
  } // namespace
} // namespace lightbody
