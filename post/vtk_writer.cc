#include "post/writers.h"

#include "solver/errors.h"

#include <deal.II/base/data_out_base.h>
#include <deal.II/numerics/data_out.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace lightbody
{
  using namespace dealii;

  std::string file_stem(const std::string &name)
  {
    std::string s;
    for (char ch : name)
      s += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')
             ? ch
             : '_';
    return s.empty() ? std::string("load_case") : s;
  }

  void write_vtu(const Results &r, unsigned lc, const std::string &path)
  {
    const Solution       &s   = r.solution;
    const LoadCaseResult &res = r.load_cases[lc];
    DataOut<3>            out;
    out.attach_dof_handler(s.dof_handler);
    const std::vector<std::string> u_names(3, "displacement_mm");
    const std::vector<DataComponentInterpretation::DataComponentInterpretation> vector_kind(
      3, DataComponentInterpretation::component_is_part_of_vector);
    out.add_data_vector(s.load_cases[lc].displacement, u_names, DataOut<3>::type_dof_data,
                        vector_kind);

    // Nodal fields live on the scalar Q2 node handler.
    const std::size_t n = r.node_handler.n_dofs();
    const char *names[6] = {"stress_xx_MPa", "stress_yy_MPa", "stress_zz_MPa",
                            "stress_xy_MPa", "stress_yz_MPa", "stress_xz_MPa"};
    std::vector<Vector<double>> fields(10, Vector<double>(n));
    for (std::size_t i = 0; i < n; ++i)
      {
        for (unsigned k = 0; k < 6; ++k)
          fields[k][i] = res.stress[i][k];
        fields[6][i] = res.von_mises[i];
        for (unsigned k = 0; k < 3; ++k)
          fields[7 + k][i] = res.principal[i][k];
      }
    out.add_data_vector(r.node_handler, fields[6], "von_mises_MPa");
    for (unsigned k = 0; k < 3; ++k)
      out.add_data_vector(r.node_handler, fields[7 + k],
                          "principal_stress_" + std::to_string(k + 1) + "_MPa");
    for (unsigned k = 0; k < 6; ++k)
      out.add_data_vector(r.node_handler, fields[k], names[k]);

    // Cell data: the part and the material of each element (indices into report.json's lists).
    const Model   &model = s.model;
    Vector<double> part(model.triangulation.n_active_cells()),
      material(model.triangulation.n_active_cells());
    std::vector<std::string> materials;
    std::vector<unsigned>    material_of_part;
    for (const auto &p : model.parts)
      {
        auto it = std::find(materials.begin(), materials.end(), p.material.name);
        if (it == materials.end())
          it = materials.insert(materials.end(), p.material.name);
        material_of_part.push_back(it - materials.begin());
      }
    for (const auto &cell : model.triangulation.active_cell_iterators())
      {
        part[cell->active_cell_index()]     = cell->material_id();
        material[cell->active_cell_index()] = material_of_part[cell->material_id()];
      }
    out.add_data_vector(part, "part", DataOut<3>::type_cell_data);
    out.add_data_vector(material, "material", DataOut<3>::type_cell_data);

    out.build_patches(*model.mapping, 2, DataOut<3>::curved_inner_cells);
    DataOutBase::VtkFlags flags;
    flags.write_higher_order_cells = true;
    flags.compression_level        = DataOutBase::VtkFlags::best_speed;
    out.set_flags(flags);
    std::ofstream file(path, std::ios::binary);
    if (!file)
      throw std::runtime_error("cannot write " + path);
    out.write_vtu(file);
    if (!file)
      throw std::runtime_error("writing " + path + " failed");
  }

  void write_pvd(const Results &r, const std::string &path)
  {
    std::vector<std::pair<double, std::string>> steps;
    for (unsigned i = 0; i < r.load_cases.size(); ++i)
      steps.emplace_back(i, file_stem(r.load_cases[i].name) + ".vtu");
    std::ofstream file(path);
    if (!file)
      throw std::runtime_error("cannot write " + path);
    DataOutBase::write_pvd_record(file, steps);
  }
} // namespace lightbody
