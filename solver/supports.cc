#include "solver/supports.h"

#include "input/errors.h"
#include "solver/cell_lines.h"

#include <algorithm>
#include <cstdio>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    // Calls f(cell, line, dofs) for every through-thickness node line of every cell (a line
    // shared by cells comes once per cell), dofs the cell's DoF indices.
    template <class F>
    void for_each_line(const Model &model, const DoFHandler<3> &dof_handler, const CellLines &lines,
                       F &&f)
    {
      std::vector<types::global_dof_index> dofs(dof_handler.get_fe().n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(dofs);
          for (const auto &line : lines.along(model.thickness_axis(cell->active_cell_index())))
            f(cell, line, dofs);
        }
    }

    // A plane holds whole through-thickness node lines: where a line lies in the plane but its
    // outer nodes miss it by more than the tolerance (the extrusion normals of an imported
    // faceted mesh tilt at its boundary), a support of the middle node alone would be a hinge.
    // A line is completed when one of its nodes is held and none lies farther from the plane than
    // a quarter of the line's length (a line crossing the plane is not in it).
    template <class Distance>
    void complete_lines(const Model &model, const DoFHandler<3> &dof_handler,
                        const std::vector<Point<3>> &support_points, const Distance &distance,
                        std::vector<bool> &selected)
    {
      const CellLines lines(dof_handler.get_fe());
      for_each_line(model, dof_handler, lines,
                    [&](const auto &, const auto &line, const auto &dofs) {
                      const auto members = line.begin(), end = line.begin() + lines.size();
                      if (std::none_of(members, end, [&](unsigned i) { return selected[dofs[i]]; }))
                        return;
                      double length = 0, farthest = 0;
                      for (auto i = members; i != end; ++i)
                        {
                          const Point<3> &x = support_points[dofs[*i]];
                          farthest          = std::max(farthest, std::abs(distance(x)));
                          for (auto j = members; j != end; ++j)
                            length = std::max(length, x.distance(support_points[dofs[*j]]));
                        }
                      if (farthest <= 0.25 * length)
                        for (auto i = members; i != end; ++i)
                          selected[dofs[*i]] = true;
                    });
    }
  } // namespace

  // Marks the DoFs of a region: part edges (whole through-thickness faces), the nodes inside a
  // box, or the nodes on a plane.
  void select_region(const Model &model_, const DoFHandler<3> &dof_handler,
                     const std::vector<Point<3>> &support_points_, const RegionSpec &region,
                     const SupportSpec &spec, std::vector<bool> &selected)
  {
    const double default_tol = 1e-6 * std::max(model_.size, 1.0);
    const double tol         = region.tolerance.value_or(default_tol);
    auto         distance    = [&](const Point<3> &x) {
      double dist = 0;
      for (unsigned k = 0; k < 3; ++k)
        dist += (x[k] - region.plane_point[k]) * region.plane_normal[k];
      return dist;
    };
    if (region.kind == RegionSpec::Kind::edges)
      {
        std::vector<types::global_dof_index> face_dofs(dof_handler.get_fe().n_dofs_per_face());
        for (const auto &edge : region.edges)
          {
            const auto it = model_.edges.find(edge);
            if (it == model_.edges.end() || it->second.empty())
              throw InputError(spec.where, "supports." + spec.name,
                               model_.missing_edge_message(edge));
            for (const FaceRef &f : it->second)
              {
                const DoFHandler<3>::active_cell_iterator cell(&model_.triangulation, 0, f.cell,
                                                               &dof_handler);
                cell->face(f.face)->get_dof_indices(face_dofs);
                for (auto d : face_dofs)
                  selected[d] = selected[d] || !region.edges_on_plane ||
                                std::abs(distance(support_points_[d])) <= tol;
              }
          }
        return;
      }
    if (region.kind == RegionSpec::Kind::surface)
      {
        // The DoFs of the surface's faces (inside the box when one is given).
        const auto it = model_.surfaces.find(region.surface);
        if (it == model_.surfaces.end())
          throw InputError(spec.where, "supports." + spec.name,
                           "surface \"" + region.surface + "\" has no element faces in the model");
        std::vector<types::global_dof_index> face_dofs(dof_handler.get_fe().n_dofs_per_face());
        for (const FaceRef &f : it->second)
          {
            const DoFHandler<3>::active_cell_iterator cell(&model_.triangulation, 0, f.cell,
                                                           &dof_handler);
            cell->face(f.face)->get_dof_indices(face_dofs);
            // A bedding acts on every DoF of a face that overlaps its box (its reactions are
            // summed there); a rigid support holds the nodes inside the box.
            Point<3> lo = support_points_[face_dofs[0]], hi = lo;
            for (auto d : face_dofs)
              for (unsigned k = 0; k < 3; ++k)
                lo[k] = std::min(lo[k], support_points_[d][k]),
                hi[k] = std::max(hi[k], support_points_[d][k]);
            bool overlaps = true;
            for (unsigned k = 0; k < 3 && region.in_box; ++k)
              overlaps =
                overlaps && hi[k] >= region.box_min[k] - tol && lo[k] <= region.box_max[k] + tol;
            for (auto d : face_dofs)
              {
                bool in = true;
                for (unsigned k = 0; k < 3 && region.in_box; ++k)
                  in = in && support_points_[d][k] >= region.box_min[k] - tol &&
                       support_points_[d][k] <= region.box_max[k] + tol;
                selected[d] = selected[d] || (spec.elastic() ? overlaps : in);
              }
          }
        return;
      }
    for (std::size_t d = 0; d < selected.size(); ++d)
      {
        const Point<3> &x = support_points_[d];
        if (region.kind == RegionSpec::Kind::box)
          {
            bool in = true;
            for (unsigned k = 0; k < 3; ++k)
              in = in && x[k] >= region.box_min[k] - tol && x[k] <= region.box_max[k] + tol;
            selected[d] = selected[d] || in;
          }
        else
          selected[d] = selected[d] || std::abs(distance(x)) <= tol;
      }
    if (region.kind == RegionSpec::Kind::plane)
      complete_lines(model_, dof_handler, support_points_, distance, selected);
  }

  std::vector<bool> select_support(const Model &model, const DoFHandler<3> &dof_handler,
                                   const std::vector<Point<3>> &support_points,
                                   const SupportSpec &spec, const Case &c)
  {
    std::vector<bool> selected(dof_handler.n_dofs(), false);
    for (const RegionSpec *r : support_regions(spec, c))
      select_region(model, dof_handler, support_points, *r, spec, selected);
    return selected;
  }

  std::string hinge_warning(const Model &model, const DoFHandler<3> &dof_handler,
                            const std::vector<Point<3>> &support_points, const SupportSpec &spec,
                            const Case &c, const std::vector<bool> &selected)
  {
    const auto regions = support_regions(spec, c);
    if (spec.elastic() || !(spec.fixed[0] && spec.fixed[1] && spec.fixed[2]) ||
        std::any_of(regions.begin(), regions.end(),
                    [](const RegionSpec *r) { return r->kind != RegionSpec::Kind::box; }))
      return "";
    // The lines held at the middle node but not at both outer ones, each once (a cell's line:
    // one layer of a wall of several).
    std::size_t       count = 0;
    Point<3>          first;
    double            half_gauge = 0;
    const CellLines   lines(dof_handler.get_fe());
    const unsigned    k = lines.components();
    std::vector<bool> seen(selected.size(), false);
    for_each_line(
      model, dof_handler, lines, [&](const auto &cell, const auto &line, const auto &dofs) {
        // The first component of the n-th node up the line.
        const auto node = [&](unsigned n) { return dofs[line[k * n]]; };
        if (seen[node(1)])
          return;
        seen[node(1)] = true;
        if (selected[node(1)] && !(selected[node(0)] && selected[node(2)]) && count++ == 0)
          {
            first      = support_points[node(1)];
            half_gauge = 0.5 * model.parts[cell->material_id()].thickness;
          }
      });
    if (count < 2)
      return "";
    const auto write = [&](char *text, std::size_t size) {
      return std::snprintf(text, size,
                           "support \"%s\" holds the middle node but not the faces of %zu "
                           "through-thickness node lines (one at (%.1f, %.1f, %.1f) mm): the wall "
                           "turns about it there like a hinge, whatever `fix` says; to hold the "
                           "whole thickness, let the box reach the wall's faces (%.3g mm from the "
                           "mid-surface)",
                           spec.name.c_str(), count, first[0], first[1], first[2], half_gauge);
    };
    // (sized to the text: a support's name has no limit)
    std::string text(static_cast<std::size_t>(std::max(0, write(nullptr, 0))), '\0');
    write(text.data(), text.size() + 1);
    return text;
  }

  std::vector<const RegionSpec *> support_regions(const SupportSpec &spec, const Case &c)
  {
    std::vector<const RegionSpec *> regions;
    if (spec.named_region.empty())
      regions.push_back(&spec.region);
    else
      for (const auto &r : c.named_regions.at(spec.named_region))
        regions.push_back(&r);
    return regions;
  }
} // namespace lightbody
