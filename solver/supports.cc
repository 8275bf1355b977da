#include "solver/supports.h"

#include "input/errors.h"
#include "solver/cell_lines.h"

#include <algorithm>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
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
      const CellLines                      lines(dof_handler.get_fe());
      std::vector<types::global_dof_index> dofs(dof_handler.get_fe().n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(dofs);
          for (const auto &line : lines.along(model.thickness_axis(cell->active_cell_index())))
            {
              const auto members = line.begin(), end = line.begin() + lines.size();
              if (std::none_of(members, end, [&](unsigned i) { return selected[dofs[i]]; }))
                continue;
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
            }
        }
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

  PartlyHeldLines middle_held_lines(const Model &model, const DoFHandler<3> &dof_handler,
                                    const std::vector<Point<3>> &support_points,
                                    const std::vector<bool>     &selected)
  {
    PartlyHeldLines                      held;
    const CellLines                      lines(dof_handler.get_fe());
    const unsigned                       c = lines.components();
    std::vector<types::global_dof_index> dofs(dof_handler.get_fe().n_dofs_per_cell());
    std::vector<bool>                    seen(selected.size(), false);
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        cell->get_dof_indices(dofs);
        for (const auto &line : lines.along(model.thickness_axis(cell->active_cell_index())))
          {
            // The first component of the k-th node up the line.
            const auto node = [&](unsigned k) { return dofs[line[c * k]]; };
            if (seen[node(1)])
              continue;
            seen[node(1)] = true;
            if (selected[node(1)] && !(selected[node(0)] && selected[node(2)]) && held.count++ == 0)
              {
                held.first      = support_points[node(1)];
                held.half_gauge = 0.5 * model.parts[cell->material_id()].thickness;
              }
          }
      }
    return held;
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
