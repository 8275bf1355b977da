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
