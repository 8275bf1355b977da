#include "post/vtk_writer.h"
#include "post/result_folder.h"

#include "input/case_reader.h" // name_matches
#include "input/errors.h"

#include <deal.II/base/data_out_base.h>
#include <deal.II/dofs/dof_tools.h>

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDataSetAttributes.h>
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
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numeric>
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
    // Text inside an XML attribute.
    std::string xml_text(const std::string &text)
    {
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
    }

    // The model as a VTK grid with one point per node of the scalar quadratic numbering `nodes`,
    // cells as 27-node Lagrange hexahedra with their part, material and thickness: the whole
    // model (point i is node i), or a piece: the cells of a band and, as ghost cells, those
    // around it that share a node with it, on the nodes of those cells (in increasing order).
    class NodeGrid
    {
    public:
      NodeGrid(const Model &model, const DoFHandler<3> &nodes, const CellBand *piece)
        : grid_(vtkSmartPointer<vtkUnstructuredGrid>::New())
      {
        const std::size_t n_nodes  = nodes.n_dofs();
        const unsigned    n_cells  = model.triangulation.n_active_cells();
        const auto       &fe       = nodes.get_fe();
        const unsigned    per_cell = fe.n_dofs_per_cell();
        // Every cell's nodes, by active cell index.
        std::vector<types::global_dof_index> cell_nodes(std::size_t(n_cells) * per_cell);
        std::vector<types::global_dof_index> dofs(per_cell);
        for (const auto &cell : nodes.active_cell_iterators())
          {
            cell->get_dof_indices(dofs);
            std::copy(dofs.begin(), dofs.end(),
                      cell_nodes.begin() + std::size_t(cell->active_cell_index()) * per_cell);
          }
        auto nodes_of = [&](unsigned c) {
          return std::pair{cell_nodes.begin() + std::size_t(c) * per_cell,
                           cell_nodes.begin() + std::size_t(c + 1) * per_cell};
        };
        std::vector<unsigned char> ghost;
        if (!piece)
          {
            cells_.resize(n_cells);
            std::iota(cells_.begin(), cells_.end(), 0u);
            point_node_.resize(n_nodes);
            std::iota(point_node_.begin(), point_node_.end(), types::global_dof_index(0));
          }
        else
          {
            std::vector<bool> in_band(n_nodes, false);
            for (unsigned c = piece->first; c < piece->last; ++c)
              for (auto [i, end] = nodes_of(c); i != end; ++i)
                in_band[*i] = true;
            for (unsigned c = 0; c < n_cells; ++c)
              {
                const bool own = c >= piece->first && c < piece->last;
                auto [i, end]  = nodes_of(c);
                if (own || std::any_of(i, end, [&](auto k) { return in_band[k]; }))
                  {
                    cells_.push_back(c);
                    ghost.push_back(own ? 0 : vtkDataSetAttributes::DUPLICATECELL);
                  }
              }
            std::vector<bool> used(n_nodes, false);
            for (unsigned c : cells_)
              for (auto [i, end] = nodes_of(c); i != end; ++i)
                used[*i] = true;
            for (std::size_t k = 0; k < n_nodes; ++k)
              if (used[k])
                point_node_.push_back(k);
          }
        std::vector<vtkIdType> point_of_node(n_nodes, -1);
        for (std::size_t p = 0; p < point_node_.size(); ++p)
          point_of_node[point_node_[p]] = static_cast<vtkIdType>(p);

        std::vector<Point<3>> x(n_nodes);
        DoFTools::map_dofs_to_support_points(*model.mapping, nodes, x);
        const vtkIdType n_points    = static_cast<vtkIdType>(point_node_.size());
        auto            coordinates = vtkSmartPointer<vtkDoubleArray>::New();
        coordinates->SetNumberOfComponents(3);
        coordinates->SetNumberOfTuples(n_points);
        for (vtkIdType p = 0; p < n_points; ++p)
          for (unsigned d = 0; d < 3; ++d)
            coordinates->SetTypedComponent(p, static_cast<int>(d), x[point_node_[p]][d]);
        auto points = vtkSmartPointer<vtkPoints>::New();
        points->SetData(coordinates);
        grid_->SetPoints(points);

        // VTK's place of each local node of the quadratic element, from its unit support point.
        const int        order[3] = {2, 2, 2};
        std::vector<int> vtk_index(per_cell);
        for (unsigned k = 0; k < per_cell; ++k)
          {
            const Point<3> &p = fe.get_unit_support_points()[k];
            vtk_index[k]      = vtkHigherOrderHexahedron::PointIndexFromIJK(
                   static_cast<int>(std::lround(2 * p[0])), static_cast<int>(std::lround(2 * p[1])),
                   static_cast<int>(std::lround(2 * p[2])), order);
          }
        const vtkIdType cells   = static_cast<vtkIdType>(cells_.size());
        auto            offsets = vtkSmartPointer<vtkIdTypeArray>::New(),
             connectivity       = vtkSmartPointer<vtkIdTypeArray>::New();
        offsets->SetNumberOfValues(cells + 1);
        connectivity->SetNumberOfValues(cells * 27);
        for (vtkIdType j = 0; j < cells; ++j)
          {
            auto [i, end] = nodes_of(cells_[j]);
            for (unsigned k = 0; i != end; ++i, ++k)
              connectivity->SetValue(27 * j + vtk_index[k], point_of_node[*i]);
          }
        for (vtkIdType j = 0; j <= cells; ++j)
          offsets->SetValue(j, 27 * j);
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
        std::vector<int>    part(n_cells), material(n_cells);
        std::vector<double> thickness(n_cells);
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
        for (vtkIdType j = 0; j < cells; ++j)
          t->SetValue(j, static_cast<float>(thickness[cells_[j]]));
        grid_->GetCellData()->AddArray(t);
        if (piece)
          {
            auto g = vtkSmartPointer<vtkUnsignedCharArray>::New();
            g->SetName(vtkDataSetAttributes::GhostArrayName());
            g->SetNumberOfValues(cells);
            for (vtkIdType j = 0; j < cells; ++j)
              g->SetValue(j, ghost[j]);
            grid_->GetCellData()->AddArray(g);
          }
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

      // An integer per active cell (by active cell index).
      void add_cell_field(const std::string &name, const std::vector<int> &values)
      {
        auto a = vtkSmartPointer<vtkIntArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfValues(static_cast<vtkIdType>(cells_.size()));
        for (std::size_t j = 0; j < cells_.size(); ++j)
          a->SetValue(static_cast<vtkIdType>(j), values[cells_[j]]);
        grid_->GetCellData()->AddArray(a);
      }

      // A field of `components` values per node (node-major, the scalar quadratic numbering),
      // written as float32.
      template <class Values>
      void add_point_field(const std::string &name, unsigned components, const Values &values)
      {
        auto a = vtkSmartPointer<vtkFloatArray>::New();
        a->SetName(name.c_str());
        a->SetNumberOfComponents(static_cast<int>(components));
        a->SetNumberOfTuples(static_cast<vtkIdType>(point_node_.size()));
        for (std::size_t p = 0; p < point_node_.size(); ++p)
          for (unsigned k = 0; k < components; ++k)
            a->SetTypedComponent(static_cast<vtkIdType>(p), static_cast<int>(k),
                                 static_cast<float>(values[point_node_[p] * components + k]));
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
        // LZ4 at its standard speed (level 9 here): bench/write_benchmark.py. ParaView reads it
        // from 5.5 on (VTK 8.1). LIGHTBODY_VTU_ZLIB=1 (the benchmark's peer only): zlib at its
        // fastest level, as until 2026-12-04.
        static const bool zlib = [] {
          const char *v = std::getenv("LIGHTBODY_VTU_ZLIB");
          return v && std::strcmp(v, "1") == 0;
        }();
        if (zlib)
          writer->SetCompressorTypeToZLib(), writer->SetCompressionLevel(1);
        else
          writer->SetCompressorTypeToLZ4(), writer->SetCompressionLevel(9);
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
      vtkSmartPointer<vtkUnstructuredGrid> grid_;
      std::vector<unsigned>                cells_;      // active cell index of each cell written
      std::vector<types::global_dof_index> point_node_; // node of each point
    };

    // Node and component of every DoF of the displacement numbering: the k-th base function of
    // a cell's vector element sits on the k-th node of the scalar one.
    struct DofNodes
    {
      DofNodes(const DoFHandler<3> &handler, const DoFHandler<3> &nodes)
        : node(handler.n_dofs(), 0), component(handler.n_dofs(), 0)
      {
        const auto                          &fe = handler.get_fe();
        std::vector<types::global_dof_index> vector_dofs(fe.n_dofs_per_cell()),
          node_dofs(nodes.get_fe().n_dofs_per_cell());
        auto node_cell = nodes.begin_active();
        for (const auto &cell : handler.active_cell_iterators())
          {
            cell->get_dof_indices(vector_dofs);
            node_cell->get_dof_indices(node_dofs);
            for (unsigned i = 0; i < vector_dofs.size(); ++i)
              {
                const auto [c, k]         = fe.system_to_component_index(i);
                node[vector_dofs[i]]      = node_dofs[k];
                component[vector_dofs[i]] = static_cast<unsigned char>(c);
              }
            ++node_cell;
          }
      }
      // A vector of the displacement numbering as a field of three components per node.
      PointField field(const std::string &name, const Vector<double> &v, std::size_t n_nodes,
                       double scale = 1) const
      {
        PointField f{name, 3, std::vector<float>(3 * n_nodes, 0.0f)};
        for (std::size_t i = 0; i < node.size(); ++i)
          f.values[3 * node[i] + component[i]] = static_cast<float>(scale * v[i]);
        return f;
      }
      std::vector<types::global_dof_index> node;
      std::vector<unsigned char>           component;
    };

    void put_bytes(std::string &out, const void *data, std::size_t n)
    {
      out.append(static_cast<const char *>(data), n);
    }
    void put_size(std::string &out, std::uint64_t n) { put_bytes(out, &n, sizeof n); }
    struct ByteReader
    {
      const std::string &in;
      std::size_t        at = 0;
      void               get(void *data, std::size_t n)
      {
        if (n > in.size() - at)
          throw std::runtime_error("a process received a truncated piece of the result files");
        std::memcpy(data, in.data() + at, n);
        at += n;
      }
      std::uint64_t size()
      {
        std::uint64_t n;
        get(&n, sizeof n);
        return n;
      }
      std::string text()
      {
        std::string t(size(), '\0');
        get(t.data(), t.size());
        return t;
      }
    };
  } // namespace

  VtuFields load_case_fields(const Results &r, unsigned lc, const FieldSelection &fields)
  {
    const Solution       &s   = r.solution;
    const LoadCaseResult &res = r.load_cases[lc];
    const std::size_t     n   = r.node_handler.n_dofs();
    VtuFields             f;
    f.load_case                     = res.name;
    const auto               &modes = s.load_cases[lc].buckling.modes;
    std::unique_ptr<DofNodes> dof_nodes;
    if (fields.wants("displacement_mm") || !modes.empty())
      dof_nodes = std::make_unique<DofNodes>(s.dof_handler, r.node_handler);
    if (fields.wants("displacement_mm"))
      f.points.push_back(dof_nodes->field("displacement_mm", s.load_cases[lc].displacement, n));
    auto field = [&](const std::string &name, auto value_at) {
      if (!fields.wants(name))
        return;
      PointField p{name, 1, std::vector<float>(n)};
      for (std::size_t i = 0; i < n; ++i)
        p.values[i] = static_cast<float>(value_at(i));
      f.points.push_back(std::move(p));
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
    for (std::size_t k = 0; k < modes.size(); ++k)
      {
        const std::string name = "buckling_mode_" + std::to_string(k + 1);
        if (fields.wants(name))
          f.points.push_back(dof_nodes->field(name, modes[k], n));
      }
    if (r.design.checked)
      f.heat_affected.assign(r.design.heat_affected.begin(), r.design.heat_affected.end());
    return f;
  }

  VtuFields modal_fields(const Results &r)
  {
    const Solution &s = r.solution;
    const DofNodes  dof_nodes(s.dof_handler, r.node_handler);
    VtuFields       f;
    // Mode shapes scaled to a largest displacement of 1 (mass-normalised in the solver).
    for (std::size_t k = 0; k < s.modal->modes.size(); ++k)
      {
        const double peak = s.modal->modes[k].linfty_norm();
        f.points.push_back(dof_nodes.field("mode_" + std::to_string(k + 1), s.modal->modes[k],
                                           r.node_handler.n_dofs(), peak > 0 ? 1 / peak : 1));
      }
    return f;
  }

  std::string serialise(const VtuFields &f)
  {
    std::string out;
    put_size(out, f.load_case.size());
    out += f.load_case;
    put_size(out, f.points.size());
    for (const auto &p : f.points)
      {
        put_size(out, p.name.size());
        out += p.name;
        put_size(out, p.components);
        put_size(out, p.values.size());
        put_bytes(out, p.values.data(), p.values.size() * sizeof(float));
      }
    put_size(out, f.heat_affected.size());
    put_bytes(out, f.heat_affected.data(), f.heat_affected.size() * sizeof(int));
    return out;
  }

  VtuFields deserialise(const std::string &bytes)
  {
    ByteReader in{bytes};
    VtuFields  f;
    f.load_case = in.text();
    f.points.resize(in.size());
    for (auto &p : f.points)
      {
        p.name       = in.text();
        p.components = static_cast<unsigned>(in.size());
        p.values.resize(in.size());
        in.get(p.values.data(), p.values.size() * sizeof(float));
      }
    f.heat_affected.resize(in.size());
    in.get(f.heat_affected.data(), f.heat_affected.size() * sizeof(int));
    return f;
  }

  void write_vtu(const Model &model, const DoFHandler<3> &nodes, const VtuFields &f,
                 const std::string &path, const CellBand *piece)
  {
    // (fields that came from another process: made on the same model, or refused here)
    for (const auto &p : f.points)
      if (p.values.size() != std::size_t(p.components) * nodes.n_dofs())
        throw std::runtime_error("point field " + p.name + " has " +
                                 std::to_string(p.values.size()) + " values for " +
                                 std::to_string(nodes.n_dofs()) + " nodes");
    if (!f.heat_affected.empty() && f.heat_affected.size() != model.triangulation.n_active_cells())
      throw std::runtime_error("the heat-affected cells do not match the model's");
    NodeGrid grid(model, nodes, piece);
    if (!f.load_case.empty())
      grid.add_text("load_case", f.load_case);
    for (const auto &p : f.points)
      grid.add_point_field(p.name, p.components, p.values);
    if (!f.heat_affected.empty())
      grid.add_cell_field("heat_affected", f.heat_affected);
    grid.write(path);
  }

  void write_vtu(const Results &r, unsigned lc, const std::string &path,
                 const FieldSelection &fields)
  {
    write_vtu(r.solution.model, r.node_handler, load_case_fields(r, lc, fields), path);
  }

  void write_model_vtu(const Model &model, const DoFHandler<3> &nodes,
                       const std::map<std::string, std::vector<double>> &point_fields,
                       const std::map<std::string, std::vector<int>>    &cell_fields,
                       const std::string                                &path)
  {
    NodeGrid grid(model, nodes, nullptr);
    for (const auto &[name, values] : point_fields)
      grid.add_point_field(name, 1, values);
    for (const auto &[name, values] : cell_fields)
      grid.add_cell_field(name, values);
    grid.write(path);
  }

  void write_modal_vtu(const Results &r, const std::string &path)
  {
    write_vtu(r.solution.model, r.node_handler, modal_fields(r), path);
  }

  void write_pvtu(const VtuFields &f, const std::vector<std::string> &pieces,
                  const std::string &path)
  {
    // The arrays as each piece has them (NodeGrid): VTK's types of float, int and unsigned char
    // arrays, double coordinates.
    std::ostringstream x;
    x << "<?xml version=\"1.0\"?>\n"
      << "<VTKFile type=\"PUnstructuredGrid\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
      << "  <PUnstructuredGrid GhostLevel=\"1\">\n    <PPointData>\n";
    for (const auto &p : f.points)
      x << "      <PDataArray type=\"Float32\" Name=\"" << xml_text(p.name)
        << "\" NumberOfComponents=\"" << p.components << "\"/>\n";
    x << "    </PPointData>\n    <PCellData>\n"
      << "      <PDataArray type=\"Int32\" Name=\"part\"/>\n"
      << "      <PDataArray type=\"Int32\" Name=\"material\"/>\n"
      << "      <PDataArray type=\"Float32\" Name=\"thickness_mm\"/>\n"
      << "      <PDataArray type=\"UInt8\" Name=\"" << vtkDataSetAttributes::GhostArrayName()
      << "\"/>\n";
    if (!f.heat_affected.empty())
      x << "      <PDataArray type=\"Int32\" Name=\"heat_affected\"/>\n";
    x << "    </PCellData>\n    <PPoints>\n"
      << "      <PDataArray type=\"Float64\" NumberOfComponents=\"3\"/>\n    </PPoints>\n";
    for (const auto &piece : pieces)
      x << "    <Piece Source=\"" << xml_text(piece) << "\"/>\n";
    x << "  </PUnstructuredGrid>\n</VTKFile>\n";
    write_text_file(path, x.str());
  }

  void write_pvd(const Results &r, const std::string &path)
  {
    // One time step per load case (ParaView's time slider steps through them), named after it:
    // ParaView shows the name with each data set, and each .vtu carries it as `load_case`.
    std::ostringstream pvd;
    pvd << "<?xml version=\"1.0\"?>\n"
        << "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
        << "  <Collection>\n";
    for (unsigned i = 0; i < r.load_cases.size(); ++i)
      pvd << "    <DataSet timestep=\"" << i << "\" group=\"\" part=\"0\" name=\""
          << xml_text(r.load_cases[i].name) << "\" file=\""
          << xml_text(file_stem(r.load_cases[i].name) + r.field_file_extension) << "\"/>\n";
    pvd << "  </Collection>\n</VTKFile>\n";
    write_text_file(path, pvd.str());
  }
} // namespace lightbody
