#include "post/vtk_writer.h"
#include "post/result_folder.h"
#include <vtkErrorCode.h>
#include <cerrno>
#include <cstring>

#include "input/errors.h"

#include <deal.II/base/data_out_base.h>
#include <deal.II/numerics/data_out.h>

#include <vtkCellData.h>
#include <vtkFieldData.h>
#include <vtkIntArray.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  void write_quadratic_vtu(DataOut<3> &out, const Model &model,
                           const std::map<std::string, std::vector<int>> &cell_fields,
                           const std::string                             &path)
  {
    out.build_patches(*model.mapping, 2, DataOut<3>::curved_inner_cells);
    DataOutBase::VtkFlags flags;
    flags.write_higher_order_cells = true;
    flags.compression_level        = DataOutBase::VtkFlags::best_speed;
    out.set_flags(flags);
    std::ostringstream vtu;
    out.write_vtu(vtu);

    // deal.II writes cell data as point data; VTK puts part and material where ParaView expects
    // them (cell data, with their names as field data) and writes binary appended, compressed.
    auto reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
    reader->ReadFromInputStringOn();
    reader->SetInputString(vtu.str());
    reader->Update();
    vtkUnstructuredGrid *grid = reader->GetOutput();
    if (grid->GetNumberOfCells() != static_cast<vtkIdType>(model.triangulation.n_active_cells()))
      throw std::runtime_error("internal: VTK output has " +
                               std::to_string(grid->GetNumberOfCells()) + " cells");
    std::vector<std::string> materials;
    std::vector<int>         material_of_part;
    for (const auto &p : model.parts)
      {
        auto it = std::find(materials.begin(), materials.end(), p.material.name);
        if (it == materials.end())
          it = materials.insert(materials.end(), p.material.name);
        material_of_part.push_back(static_cast<int>(it - materials.begin()));
      }
    auto part = vtkSmartPointer<vtkIntArray>::New(), material = vtkSmartPointer<vtkIntArray>::New();
    part->SetName("part");
    material->SetName("material");
    part->SetNumberOfValues(grid->GetNumberOfCells());
    material->SetNumberOfValues(grid->GetNumberOfCells());
    for (const auto &cell : model.triangulation.active_cell_iterators())
      {
        part->SetValue(cell->active_cell_index(), cell->material_id());
        material->SetValue(cell->active_cell_index(), material_of_part[cell->material_id()]);
      }
    grid->GetCellData()->AddArray(part);
    grid->GetCellData()->AddArray(material);
    auto part_names     = vtkSmartPointer<vtkStringArray>::New(),
         material_names = vtkSmartPointer<vtkStringArray>::New();
    part_names->SetName("part_names");
    material_names->SetName("material_names");
    for (const auto &p : model.parts)
      part_names->InsertNextValue(p.name);
    for (const auto &m : materials)
      material_names->InsertNextValue(m);
    grid->GetFieldData()->AddArray(part_names);
    grid->GetFieldData()->AddArray(material_names);
    for (const auto &[name, values] : cell_fields)
      {
        auto a = vtkSmartPointer<vtkIntArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfValues(grid->GetNumberOfCells());
        for (vtkIdType i = 0; i < grid->GetNumberOfCells(); ++i)
          a->SetValue(i, values[i]);
        grid->GetCellData()->AddArray(a);
      }

    auto writer = vtkSmartPointer<vtkXMLUnstructuredGridWriter>::New();
    writer->SetFileName(path.c_str());
    writer->SetInputData(grid);
    writer->SetDataModeToAppended();
    writer->EncodeAppendedDataOff();
    writer->SetCompressorTypeToZLib();
    // VTK reports a failed write (a full disk) as a many-line message of its own; the error
    // code says it in one line.
    const int display = vtkObject::GetGlobalWarningDisplay();
    vtkObject::GlobalWarningDisplayOff();
    errno               = 0;
    const int written   = writer->Write();
    const int vtk_error = static_cast<int>(writer->GetErrorCode());
    vtkObject::SetGlobalWarningDisplay(display);
    if (written != 1 || vtk_error != 0)
      throw std::runtime_error("cannot write " + path + ": " +
                               (vtk_error == vtkErrorCode::OutOfDiskSpaceError
                                  ? std::string("the disk is full")
                                : errno ? std::string(std::strerror(errno))
                                        : "VTK error " + std::to_string(vtk_error)));
  }

  void write_vtu(const Results &r, unsigned lc, const std::string &path)
  {
    const Solution       &s     = r.solution;
    const Model          &model = s.model;
    const LoadCaseResult &res   = r.load_cases[lc];
    DataOut<3>            out;
    out.attach_dof_handler(s.dof_handler);
    const std::vector<std::string> u_names(3, "displacement_mm");
    const std::vector<DataComponentInterpretation::DataComponentInterpretation> vector_kind(
      3, DataComponentInterpretation::component_is_part_of_vector);
    out.add_data_vector(s.load_cases[lc].displacement, u_names, DataOut<3>::type_dof_data,
                        vector_kind);

    // Nodal fields live on the scalar Q2 node handler.
    const std::size_t           n        = r.node_handler.n_dofs();
    const char                 *names[6] = {"stress_xx_MPa", "stress_yy_MPa", "stress_zz_MPa",
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
    // Stress categories: membrane, linearised membrane + bending, and the two surfaces.
    std::vector<Vector<double>> categories;
    categories.reserve(4); // DataOut keeps references to them
    for (const auto &[values, name] :
         {std::pair{&res.membrane_von_mises, "membrane_von_mises_MPa"},
          std::pair{&res.membrane_bending_von_mises, "membrane_bending_von_mises_MPa"},
          std::pair{&res.top_von_mises, "top_von_mises_MPa"},
          std::pair{&res.bottom_von_mises, "bottom_von_mises_MPa"}})
      if (values->size() == n)
        {
          categories.emplace_back(values->begin(), values->end());
          out.add_data_vector(r.node_handler, categories.back(), name);
        }
    Vector<double> utilization(res.utilization.begin(), res.utilization.end());
    if (!res.utilization.empty())
      out.add_data_vector(r.node_handler, utilization, "utilization");
    // Buckling mode shapes, largest displacement 1 (scale them in ParaView's Warp By Vector).
    const auto &modes = s.load_cases[lc].buckling.modes;
    for (std::size_t k = 0; k < modes.size(); ++k)
      out.add_data_vector(modes[k],
                          std::vector<std::string>(3, "buckling_mode_" + std::to_string(k + 1)),
                          DataOut<3>::type_dof_data, vector_kind);

    std::map<std::string, std::vector<int>> cell_fields;
    if (r.design.checked)
      cell_fields["heat_affected"] =
        std::vector<int>(r.design.heat_affected.begin(), r.design.heat_affected.end());
    write_quadratic_vtu(out, model, cell_fields, path);
  }

  void write_modal_vtu(const Results &r, const std::string &path)
  {
    const Solution &s = r.solution;
    DataOut<3>      out;
    out.attach_dof_handler(s.dof_handler);
    const std::vector<DataComponentInterpretation::DataComponentInterpretation> vector_kind(
      3, DataComponentInterpretation::component_is_part_of_vector);
    // Mode shapes scaled to a largest displacement of 1 (mass-normalised in the solver).
    std::vector<Vector<double>> modes;
    modes.reserve(s.modal->modes.size()); // DataOut keeps references to them
    for (std::size_t k = 0; k < s.modal->modes.size(); ++k)
      {
        modes.push_back(s.modal->modes[k]);
        const double peak = modes.back().linfty_norm();
        if (peak > 0)
          modes.back() /= peak;
        out.add_data_vector(modes.back(),
                            std::vector<std::string>(3, "mode_" + std::to_string(k + 1)),
                            DataOut<3>::type_dof_data, vector_kind);
      }
    write_quadratic_vtu(out, s.model, {}, path);
  }

  void write_pvd(const Results &r, const std::string &path)
  {
    std::vector<std::pair<double, std::string>> steps;
    for (unsigned i = 0; i < r.load_cases.size(); ++i)
      steps.emplace_back(i, file_stem(r.load_cases[i].name) + ".vtu");
    std::ostringstream pvd;
    DataOutBase::write_pvd_record(pvd, steps);
    write_text_file(path, pvd.str());
  }
} // namespace lightbody
