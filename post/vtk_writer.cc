#include "post/vtk_writer.h"
#include "post/result_folder.h"

#include "input/case_reader.h" // name_matches
#include "input/errors.h"

#include <deal.II/base/data_out_base.h>
#include <deal.II/dofs/dof_tools.h>

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkHigherOrderHexahedron.h>
#include <vtkIdTypeArray.h>
#include <vtkIntArray.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  bool FieldSelection::wants(const std::string &field) const
  {
    if (patterns.empty())
      return true;
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string &p) { return name_matches(p, field); });
  }

  const std::vector<std::string> &result_field_names()
  {
    static const std::vector<std::string> names = {"displacement_mm",
                                                   "von_mises_MPa",
                                                   "principal_stress_1_MPa",
                                                   "principal_stress_2_MPa",
                                                   "principal_stress_3_MPa",
                                                   "stress_xx_MPa",
                                                   "stress_yy_MPa",
                                                   "stress_zz_MPa",
                                                   "stress_xy_MPa",
                                                   "stress_yz_MPa",
                                                   "stress_xz_MPa",
                                                   "membrane_von_mises_MPa",
                                                   "membrane_bending_von_mises_MPa",
                                                   "top_von_mises_MPa",
                                                   "bottom_von_mises_MPa",
                                                   "utilization",
                                                   "buckling_mode_*"};
    return names;
  }

  namespace
  {
    // The model as a VTK grid with one point per node of the scalar quadratic numbering `nodes`
    // (point i is DoF i), cells as 27-node Lagrange hexahedra, and the cells' part, material and
    // thickness.
    class NodeGrid
    {
    public:
      NodeGrid(const Model &model, const DoFHandler<3> &nodes)
        : model_(model), nodes_(nodes), grid_(vtkSmartPointer<vtkUnstructuredGrid>::New())
      {
        const std::size_t     n = nodes.n_dofs();
        std::vector<Point<3>> x(n);
        DoFTools::map_dofs_to_support_points(*model.mapping, nodes, x);
        auto coordinates = vtkSmartPointer<vtkDoubleArray>::New();
        coordinates->SetNumberOfComponents(3);
        coordinates->SetNumberOfTuples(static_cast<vtkIdType>(n));
        for (std::size_t i = 0; i < n; ++i)
          for (unsigned d = 0; d < 3; ++d)
            coordinates->SetTypedComponent(static_cast<vtkIdType>(i), static_cast<int>(d), x[i][d]);
        auto points = vtkSmartPointer<vtkPoints>::New();
        points->SetData(coordinates);
        grid_->SetPoints(points);

        // VTK's place of each local node of the quadratic element, from its unit support point.
        const auto      &fe       = nodes.get_fe();
        const int        order[3] = {2, 2, 2};
        std::vector<int> vtk_index(fe.n_dofs_per_cell());
        for (unsigned k = 0; k < fe.n_dofs_per_cell(); ++k)
          {
            const Point<3> &p = fe.get_unit_support_points()[k];
            vtk_index[k]      = vtkHigherOrderHexahedron::PointIndexFromIJK(
                   static_cast<int>(std::lround(2 * p[0])), static_cast<int>(std::lround(2 * p[1])),
                   static_cast<int>(std::lround(2 * p[2])), order);
          }
        const vtkIdType cells   = static_cast<vtkIdType>(model.triangulation.n_active_cells());
        auto            offsets = vtkSmartPointer<vtkIdTypeArray>::New(),
             connectivity       = vtkSmartPointer<vtkIdTypeArray>::New();
        offsets->SetNumberOfValues(cells + 1);
        connectivity->SetNumberOfValues(cells * 27);
        std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
        for (const auto &cell : nodes.active_cell_iterators())
          {
            cell->get_dof_indices(dofs);
            const vtkIdType c = static_cast<vtkIdType>(cell->active_cell_index());
            for (unsigned k = 0; k < dofs.size(); ++k)
              connectivity->SetValue(27 * c + vtk_index[k], static_cast<vtkIdType>(dofs[k]));
          }
        for (vtkIdType c = 0; c <= cells; ++c)
          offsets->SetValue(c, 27 * c);
        auto cell_array = vtkSmartPointer<vtkCellArray>::New();
        cell_array->SetData(offsets, connectivity);
        grid_->SetCells(VTK_LAGRANGE_HEXAHEDRON, cell_array);

        std::vector<std::string> materials;
        std::vector<int>         material_of_part;
        for (const auto &p : model.parts)
          {
            auto it = std::find(materials.begin(), materials.end(), p.material.name);
            if (it == materials.end())
              it = materials.insert(materials.end(), p.material.name);
            material_of_part.push_back(static_cast<int>(it - materials.begin()));
          }
        std::vector<int>    part(cells), material(cells);
        std::vector<double> thickness(cells);
        for (const auto &cell : model.triangulation.active_cell_iterators())
          {
            const auto i = cell->active_cell_index();
            part[i]      = cell->material_id();
            material[i]  = material_of_part[cell->material_id()];
            thickness[i] = model.parts[cell->material_id()].thickness;
          }
        add_cell_field("part", part);
        add_cell_field("material", material);
        auto t = vtkSmartPointer<vtkFloatArray>::New();
        t->SetName("thickness_mm");
        t->SetNumberOfValues(cells);
        for (vtkIdType i = 0; i < cells; ++i)
          t->SetValue(i, static_cast<float>(thickness[i]));
        grid_->GetCellData()->AddArray(t);
        auto part_names     = vtkSmartPointer<vtkStringArray>::New(),
             material_names = vtkSmartPointer<vtkStringArray>::New();
        part_names->SetName("part_names");
        material_names->SetName("material_names");
        for (const auto &p : model.parts)
          part_names->InsertNextValue(p.name);
        for (const auto &m : materials)
          material_names->InsertNextValue(m);
        grid_->GetFieldData()->AddArray(part_names);
        grid_->GetFieldData()->AddArray(material_names);
      }

      void add_cell_field(const std::string &name, const std::vector<int> &values)
      {
        auto a = vtkSmartPointer<vtkIntArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfValues(grid_->GetNumberOfCells());
        for (vtkIdType i = 0; i < grid_->GetNumberOfCells(); ++i)
          a->SetValue(i, values[i]);
        grid_->GetCellData()->AddArray(a);
      }

      // A scalar on the nodes (values[i] at node i), written as float32.
      template <class Values>
      void add_point_field(const std::string &name, const Values &values)
      {
        auto a = vtkSmartPointer<vtkFloatArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfValues(grid_->GetNumberOfPoints());
        for (vtkIdType i = 0; i < grid_->GetNumberOfPoints(); ++i)
          a->SetValue(i, static_cast<float>(values[i]));
        grid_->GetPointData()->AddArray(a);
      }

      // A vector field of the displacement numbering (`handler`, three components per node) at
      // the nodes.
      void add_point_vector(const std::string &name, const DoFHandler<3> &handler,
                            const Vector<double> &v)
      {
        if (node_of_dof_.empty())
          map_vector_dofs(handler);
        auto a = vtkSmartPointer<vtkFloatArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfComponents(3);
        a->SetNumberOfTuples(grid_->GetNumberOfPoints());
        for (std::size_t i = 0; i < node_of_dof_.size(); ++i)
          a->SetTypedComponent(node_of_dof_[i], component_of_dof_[i], static_cast<float>(v[i]));
        grid_->GetPointData()->AddArray(a);
      }

      void add_text(const std::string &name, const std::string &value)
      {
        auto a = vtkSmartPointer<vtkStringArray>::New();
        a->SetName(name.c_str());
        a->InsertNextValue(value);
        grid_->GetFieldData()->AddArray(a);
      }

      void write(const std::string &path) const
      {
        auto writer = vtkSmartPointer<vtkXMLUnstructuredGridWriter>::New();
        writer->SetFileName(path.c_str());
        writer->SetInputData(grid_);
        writer->SetDataModeToAppended();
        writer->EncodeAppendedDataOff();
        writer->SetCompressorTypeToZLib();
        writer->SetCompressionLevel(1); // fastest: the files are written far more than read
        // VTK reports a failed write (a full disk) as a many-line message of its own; the
        // error code says it in one line.
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

    private:
      // Node and component of every DoF of the vector numbering: the k-th base function of a
      // cell's vector element sits on the k-th node of the scalar one.
      void map_vector_dofs(const DoFHandler<3> &handler)
      {
        node_of_dof_.assign(handler.n_dofs(), 0);
        component_of_dof_.assign(handler.n_dofs(), 0);
        const auto                          &fe = handler.get_fe();
        std::vector<types::global_dof_index> vector_dofs(fe.n_dofs_per_cell()),
          node_dofs(nodes_.get_fe().n_dofs_per_cell());
        auto node_cell = nodes_.begin_active();
        for (const auto &cell : handler.active_cell_iterators())
          {
            cell->get_dof_indices(vector_dofs);
            node_cell->get_dof_indices(node_dofs);
            for (unsigned i = 0; i < vector_dofs.size(); ++i)
              {
                const auto [component, k]         = fe.system_to_component_index(i);
                node_of_dof_[vector_dofs[i]]      = static_cast<vtkIdType>(node_dofs[k]);
                component_of_dof_[vector_dofs[i]] = static_cast<int>(component);
              }
            ++node_cell;
          }
      }

      const Model                         &model_;
      const DoFHandler<3>                 &nodes_;
      vtkSmartPointer<vtkUnstructuredGrid> grid_;
      std::vector<vtkIdType>               node_of_dof_;
      std::vector<int>                     component_of_dof_;
    };
  } // namespace

  void write_vtu(const Results &r, unsigned lc, const std::string &path,
                 const FieldSelection &fields)
  {
    const Solution       &s   = r.solution;
    const LoadCaseResult &res = r.load_cases[lc];
    NodeGrid              grid(s.model, r.node_handler);
    grid.add_text("load_case", res.name);
    if (fields.wants("displacement_mm"))
      grid.add_point_vector("displacement_mm", s.dof_handler, s.load_cases[lc].displacement);
    const std::size_t n     = r.node_handler.n_dofs();
    auto              field = [&](const std::string &name, auto value_at) {
      if (!fields.wants(name))
        return;
      std::vector<double> v(n);
      for (std::size_t i = 0; i < n; ++i)
        v[i] = value_at(i);
      grid.add_point_field(name, v);
    };
    field("von_mises_MPa", [&](std::size_t i) { return res.von_mises[i]; });
    for (unsigned k = 0; k < 3; ++k)
      field("principal_stress_" + std::to_string(k + 1) + "_MPa",
            [&](std::size_t i) { return res.principal[i][k]; });
    const char *components[6] = {"stress_xx_MPa", "stress_yy_MPa", "stress_zz_MPa",
                                 "stress_xy_MPa", "stress_yz_MPa", "stress_xz_MPa"};
    for (unsigned k = 0; k < 6; ++k)
      field(components[k], [&](std::size_t i) { return res.stress[i][k]; });
    // Stress categories: membrane, linearised membrane + bending, and the two surfaces.
    for (const auto &[values, name] :
         {std::pair{&res.membrane_von_mises, "membrane_von_mises_MPa"},
          std::pair{&res.membrane_bending_von_mises, "membrane_bending_von_mises_MPa"},
          std::pair{&res.top_von_mises, "top_von_mises_MPa"},
          std::pair{&res.bottom_von_mises, "bottom_von_mises_MPa"}})
      if (values->size() == n)
        field(name, [&, values = values](std::size_t i) { return (*values)[i]; });
    if (res.utilization.size() == n)
      field("utilization", [&](std::size_t i) { return res.utilization[i]; });
    // Buckling mode shapes, largest displacement 1 (scale them in ParaView's Warp By Vector).
    const auto &modes = s.load_cases[lc].buckling.modes;
    for (std::size_t k = 0; k < modes.size(); ++k)
      {
        const std::string name = "buckling_mode_" + std::to_string(k + 1);
        if (fields.wants(name))
          grid.add_point_vector(name, s.dof_handler, modes[k]);
      }
    if (r.design.checked)
      grid.add_cell_field("heat_affected", std::vector<int>(r.design.heat_affected.begin(),
                                                            r.design.heat_affected.end()));
    grid.write(path);
  }

  void write_model_vtu(const Model &model, const DoFHandler<3> &nodes,
                       const std::map<std::string, std::vector<double>> &point_fields,
                       const std::map<std::string, std::vector<int>>    &cell_fields,
                       const std::string                                &path)
  {
    NodeGrid grid(model, nodes);
    for (const auto &[name, values] : point_fields)
      grid.add_point_field(name, values);
    for (const auto &[name, values] : cell_fields)
      grid.add_cell_field(name, values);
    grid.write(path);
  }

  void write_modal_vtu(const Results &r, const std::string &path)
  {
    const Solution &s = r.solution;
    NodeGrid        grid(s.model, r.node_handler);
    // Mode shapes scaled to a largest displacement of 1 (mass-normalised in the solver).
    for (std::size_t k = 0; k < s.modal->modes.size(); ++k)
      {
        Vector<double> mode = s.modal->modes[k];
        const double   peak = mode.linfty_norm();
        if (peak > 0)
          mode /= peak;
        grid.add_point_vector("mode_" + std::to_string(k + 1), s.dof_handler, mode);
      }
    grid.write(path);
  }

  void write_pvd(const Results &r, const std::string &path)
  {
    // One time step per load case (ParaView's time slider steps through them), named after it:
    // ParaView shows the name with each data set, and each .vtu carries it as `load_case`.
    std::ostringstream pvd;
    pvd << "<?xml version=\"1.0\"?>\n"
        << "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
        << "  <Collection>\n";
    auto xml = [](const std::string &text) {
      std::string out;
      for (char c : text)
        switch (c)
          {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
          }
      return out;
    };
    for (unsigned i = 0; i < r.load_cases.size(); ++i)
      pvd << "    <DataSet timestep=\"" << i << "\" group=\"\" part=\"0\" name=\""
          << xml(r.load_cases[i].name) << "\" file=\""
          << xml(file_stem(r.load_cases[i].name) + ".vtu") << "\"/>\n";
    pvd << "  </Collection>\n</VTKFile>\n";
    write_text_file(path, pvd.str());
  }
} // namespace lightbody
