#include "solver/supports.h"

#include "input/errors.h"

namespace lightbody
{
  using namespace dealii;

  // Marks the DoFs of a region: part edges (whole through-thickness faces), the nodes inside a
  // box, or the nodes on a plane.
  void select_region(const Model &model_, const DoFHandler<3> &dof_handler,
                     const std::vector<Point<3>> &support_points_, const RegionSpec &region,
                     const SupportSpec &spec, std::vector<bool> &selected)
  {
    const double default_tol = 1e-6 * std::max(model_.size, 1.0);
    if (region.kind == RegionSpec::Kind::edges)
      {
        std::vector<types::global_dof_index> face_dofs(dof_handler.get_fe().n_dofs_per_face());
        for (const auto &edge : region.edges)
          {
            const auto it = model_.edges.find(edge);
            if (it == model_.edges.end() || it->second.empty())
              throw InputError(spec.where, "supports." + spec.name,
                               "edge \"" + edge + "\" has no element faces in the model");
            for (const FaceRef &f : it->second)
              {
                const DoFHandler<3>::active_cell_iterator cell(&model_.triangulation, 0, f.cell,
                                                               &dof_handler);
                cell->face(f.face)->get_dof_indices(face_dofs);
                for (auto d : face_dofs)
                  selected[d] = true;
              }
          }
        return;
      }
    const double tol = region.tolerance.value_or(default_tol);
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
          {
            double dist = 0;
            for (unsigned k = 0; k < 3; ++k)
              dist += (x[k] - region.plane_point[k]) * region.plane_normal[k];
            selected[d] = selected[d] || std::abs(dist) <= tol;
          }
      }
  }

} // namespace lightbody
