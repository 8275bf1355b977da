#include "post/mesh_view.h"
#include "post/result_folder.h"

#include <nlohmann/json.hpp>

#include "lightbody/version.h"
#include "post/results.h"
#include "post/vtk_writer.h"
#include "input/errors.h"
#include "solver/supports.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  MeshQuality mesh_quality(const Model &model)
  {
    MeshQuality           q;
    std::vector<Point<3>> corners;
    for (unsigned v = 0; v < 8; ++v)
      corners.push_back(GeometryInfo<3>::unit_cell_vertex(v));
    const FE_Q<3> fe(1);
    FEValues<3>   fv(*model.mapping, fe, Quadrature<3>(corners), update_jacobians);
    for (const auto &cell : model.triangulation.active_cell_iterators())
      {
        fv.reinit(cell);
        const std::string &part = model.parts[cell->material_id()].name;
        const Vec3         at{cell->center()[0], cell->center()[1], cell->center()[2]};
        for (unsigned p = 0; p < 8; ++p)
          {
            const DerivativeForm<1, 3, 3> J     = fv.jacobian(p);
            double                        norms = 1;
            for (unsigned c = 0; c < 3; ++c)
              norms *= std::sqrt(J[0][c] * J[0][c] + J[1][c] * J[1][c] + J[2][c] * J[2][c]);
            const double sj = norms > 0 ? J.determinant() / norms : 0;
            // (not a number, from a degenerate geometry, counts as the worst)
            if (!std::isnan(q.min_scaled_jacobian) &&
                (std::isnan(sj) || sj < q.min_scaled_jacobian ||
                 q.min_scaled_jacobian_part.empty()))
              q.min_scaled_jacobian = sj, q.min_scaled_jacobian_part = part,
              q.min_scaled_jacobian_location = at;
          }
        double lo = 1e300, hi = 0;
        for (unsigned l = 0; l < 12; ++l)
          {
            const double len = cell->line(l)->vertex(0).distance(cell->line(l)->vertex(1));
            lo = std::min(lo, len), hi = std::max(hi, len);
          }
        if (lo > 0 && hi / lo > q.max_aspect_ratio)
          q.max_aspect_ratio = hi / lo, q.max_aspect_ratio_part = part,
          q.max_aspect_ratio_location = at;
      }
    if (!(q.min_scaled_jacobian > 0))
      {
        char where[128];
        std::snprintf(where, sizeof(where), "(%.1f, %.1f, %.1f) mm",
                      q.min_scaled_jacobian_location[0], q.min_scaled_jacobian_location[1],
                      q.min_scaled_jacobian_location[2]);
        throw ModelError("part \"" + q.min_scaled_jacobian_part +
                         "\": inverted or degenerate element near " + where + " (scaled Jacobian " +
                         std::to_string(q.min_scaled_jacobian) + "); check the part's geometry");
      }
    return q;
  }

  void write_mesh_view(const Model &model, const Case &c, const MeshQuality &quality,
                       const std::string &dir)
  {
    // Scalar quadratic nodes carry the support flags.
    const FE_Q<3> fe(2);
    DoFHandler<3> nodes(model.triangulation);
    nodes.distribute_dofs(fe);
    std::vector<Point<3>> points(nodes.n_dofs());
    DoFTools::map_dofs_to_support_points(*model.mapping, nodes, points);
    std::map<std::string, std::vector<double>> flags;
    for (const auto &spec : c.supports)
      {
        const std::vector<bool> selected = select_support(model, nodes, points, spec, c);
        flags["support:" + spec.name].assign(selected.begin(), selected.end());
      }
    std::map<std::string, std::vector<int>> cell_fields;
    const std::size_t                       n = model.triangulation.n_active_cells();
    for (const auto &[name, faces] : model.surfaces)
      {
        auto &field = cell_fields["surface:" + name];
        field.assign(n, 0);
        for (const auto &f : faces)
          field[f.cell] = 1;
      }
    auto &tied = cell_fields["tied"];
    tied.assign(n, 0);
    for (const auto &t : model.ties)
      {
        tied[t.follower.cell] = 1;
        for (const auto &l : t.leaders)
          tied[l.cell] = std::max(tied[l.cell], 2); // 1: follows, 2: leads
      }
    write_model_vtu(model, nodes, flags, cell_fields, dir + "/model.vtu");

    const MassReport mass = compute_mass(model);
    using Json            = nlohmann::ordered_json;
    auto vec              = [](const Vec3 &v) { return Json::array({v[0], v[1], v[2]}); };
    Json j;
    j["case"]            = c.name;
    j["program_version"] = version;
    j["elements"]        = n;
    j["mass_kg"]         = mass.total_kg;
    j["parts"]           = Json::array();
    for (unsigned i = 0; i < model.parts.size(); ++i)
      j["parts"].push_back({{"name", model.parts[i].name},
                            {"material", model.parts[i].material.name},
                            {"thickness_mm", model.parts[i].thickness},
                            {"elements", model.parts[i].n_cells},
                            {"mass_kg", mass.parts[i].mass_kg},
                            {"area_mm2", mass.parts[i].volume_mm3 / model.parts[i].thickness}});
    j["joints"] = Json::array();
    for (const auto &jt : model.joints)
      j["joints"].push_back({{"parts", {jt.part_a, jt.part_b}},
                             {"kind", jt.kind == Joint::Kind::tied ? "tied" : "shared_nodes"},
                             {"length_mm", jt.length_mm}});
    j["quality"]  = {{"min_scaled_jacobian", quality.min_scaled_jacobian},
                     {"min_scaled_jacobian_part", quality.min_scaled_jacobian_part},
                     {"min_scaled_jacobian_location_mm", vec(quality.min_scaled_jacobian_location)},
                     {"max_aspect_ratio", quality.max_aspect_ratio},
                     {"max_aspect_ratio_part", quality.max_aspect_ratio_part},
                     {"max_aspect_ratio_location_mm", vec(quality.max_aspect_ratio_location)}};
    j["warnings"] = quality.warnings;
    write_text_file(dir + "/mesh.json",
                    j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  }
} // namespace lightbody
