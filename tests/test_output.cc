// Result files: the .vtu files read back with VTK's own XML reader (what ParaView uses), the
// collection file, report.json and the atomic replacement of a result folder.
#include "post/result_folder.h"
#include "post/reports.h"
#include "post/vtk_writer.h"
#include "solver/distributed_factor.h"
#include "run_helpers.h"

#include <vtkCellData.h>
#include <vtkCellType.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkStringArray.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkDataSetAttributes.h>
#include <vtkXMLPUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <map>
#include <set>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace lightbody;
using namespace lightbody::testing;
namespace fs = std::filesystem;

namespace
{
  const char *curved_case = R"(
case: half_shell
mesh: {size: 150 mm}
parts:
  shell:
    material: 5083-O/H111
    thickness: 5 mm
    cylinder: {origin: [0, 0, 0], axis: [1, 0, 0], radius: 600 mm, length: 900 mm, angles: [0, 180]}
supports:
  ends: {edges: [shell.start, shell.end], fix: all}
load_cases:
  weight: {acceleration: [0, 0, "-1 g"]}
  "inner pressure": {pressures: [{surface: shell.bottom, value: 0.1 bar}]}
)";

  std::string slurp(const fs::path &p)
  {
    std::ifstream     in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
} // namespace

TEST(Output, VtuHasQuadraticCellsNamedFieldsAndCurvedGeometry)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_output_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string());

  // One file per load case, names made safe for the file system, and the collection file.
  ASSERT_TRUE(fs::exists(out / "weight.vtu"));
  ASSERT_TRUE(fs::exists(out / "inner_pressure.vtu"));
  const std::string pvd = slurp(out / "results.pvd");
  EXPECT_NE(pvd.find("name=\"weight\" file=\"weight.vtu\""), std::string::npos) << pvd;
  EXPECT_NE(pvd.find("name=\"inner pressure\" file=\"inner_pressure.vtu\""), std::string::npos)
    << pvd;
  EXPECT_NE(slurp(out / "report.json").find("\"total_kg\""), std::string::npos);
  EXPECT_NE(slurp(out / "case.yaml").find("half_shell"), std::string::npos);
  // Binary, LZ4-compressed (post/vtk_writer.cc; bench/write_benchmark.py), read back below.
  const std::string vtu = slurp(out / "weight.vtu");
  EXPECT_NE(vtu.substr(0, 400).find("compressor=\"vtkLZ4DataCompressor\""), std::string::npos)
    << vtu.substr(0, 400);

  auto reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  reader->SetFileName((out / "weight.vtu").c_str());
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  ASSERT_EQ(grid->GetNumberOfCells(),
            static_cast<vtkIdType>(r.model->triangulation.n_active_cells()));
  for (vtkIdType i = 0; i < grid->GetNumberOfCells(); ++i)
    ASSERT_EQ(grid->GetCellType(i), VTK_LAGRANGE_HEXAHEDRON);
  EXPECT_EQ(grid->GetCell(0)->GetNumberOfPoints(), 27);
  // Merged: one point per quadratic node, shared by the cells around it (27 per cell unmerged).
  EXPECT_EQ(grid->GetNumberOfPoints(), static_cast<vtkIdType>(r.results->node_handler.n_dofs()));
  EXPECT_LT(grid->GetNumberOfPoints(), 27 * grid->GetNumberOfCells() / 2);
  // The cells' corners in VTK's order span the cell: its first and seventh corners are
  // opposite (one element of a 5 mm shell: the diagonal longer than the gauge).
  {
    double a[3], b[3];
    grid->GetPoint(grid->GetCell(0)->GetPointId(0), a);
    grid->GetPoint(grid->GetCell(0)->GetPointId(6), b);
    EXPECT_GT(std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), 5.0);
  }
  // VTK's node order: every edge's mid-node (8 to 19) lies midway between its end corners (up
  // to the sagitta of the curved edges), the centre node (26) at the corners' mean.
  const int edges[12][2] = {{0, 1}, {1, 2}, {3, 2}, {0, 3}, {4, 5}, {5, 6},
                            {7, 6}, {4, 7}, {0, 4}, {1, 5}, {2, 6}, {3, 7}};
  double    worst_edge   = 0;
  for (vtkIdType c = 0; c < grid->GetNumberOfCells(); ++c)
    {
      vtkCell *cell = grid->GetCell(c);
      double   p[27][3];
      for (int k = 0; k < 27; ++k)
        grid->GetPoint(cell->GetPointId(k), p[k]);
      for (int e = 0; e < 12; ++e)
        {
          const double *a = p[edges[e][0]], *b = p[edges[e][1]], *m = p[8 + e];
          const double  length = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
          const double  off    = std::hypot(m[0] - (a[0] + b[0]) / 2, m[1] - (a[1] + b[1]) / 2,
                                            m[2] - (a[2] + b[2]) / 2);
          worst_edge           = std::max(worst_edge, off / length);
        }
      double mean[3] = {0, 0, 0};
      for (int k = 0; k < 8; ++k)
        for (int d = 0; d < 3; ++d)
          mean[d] += p[k][d] / 8;
      EXPECT_LT(std::hypot(mean[0] - p[26][0], mean[1] - p[26][1], mean[2] - p[26][2]), 2.0) << c;
    }
  EXPECT_LT(worst_edge, 0.02);
  // The load case's name, and each cell's gauge.
  auto *name = vtkStringArray::SafeDownCast(grid->GetFieldData()->GetAbstractArray("load_case"));
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->GetValue(0), "weight");
  ASSERT_NE(grid->GetCellData()->GetArray("thickness_mm"), nullptr);
  double t_range[2];
  grid->GetCellData()->GetArray("thickness_mm")->GetRange(t_range);
  EXPECT_DOUBLE_EQ(t_range[0], 5.0);
  EXPECT_DOUBLE_EQ(t_range[1], 5.0);

  // Curvature: every point lies on the cylinder's solid between r = 597.5 and 602.5 mm, the
  // mid-edge nodes included (a faceted output would put them inside).
  double worst = 0;
  for (vtkIdType i = 0; i < grid->GetNumberOfPoints(); ++i)
    {
      double x[3];
      grid->GetPoint(i, x);
      const double rr = std::hypot(x[1], x[2]);
      worst           = std::max(worst, std::max(597.5 - rr, rr - 602.5));
    }
  EXPECT_LT(worst, 1e-2); // float32 coordinates

  vtkPointData *pd = grid->GetPointData();
  for (const char *name : {"displacement_mm", "von_mises_MPa", "principal_stress_1_MPa",
                           "principal_stress_3_MPa", "stress_xx_MPa", "stress_xz_MPa"})
    EXPECT_NE(pd->GetArray(name), nullptr) << name;
  ASSERT_NE(pd->GetArray("displacement_mm"), nullptr);
  EXPECT_EQ(pd->GetArray("displacement_mm")->GetNumberOfComponents(), 3);
  ASSERT_NE(pd->GetArray("von_mises_MPa"), nullptr);
  double range[2];
  pd->GetArray("von_mises_MPa")->GetRange(range);
  const double max_vm = r.results->load_cases[0].max_von_mises_MPa;
  EXPECT_NEAR(range[1], max_vm, 1e-5 * max_vm); // float32 in the file
  // The displacement at the nodes: its largest magnitude is the solution's.
  const double u_max = r.results->load_cases[0].max_displacement_mm;
  EXPECT_NEAR(pd->GetArray("displacement_mm")->GetMaxNorm(), u_max, 1e-5 * u_max);
  EXPECT_NE(grid->GetCellData()->GetArray("part"), nullptr);
  EXPECT_NE(grid->GetCellData()->GetArray("material"), nullptr);
  fs::remove_all(out);
}

// The SPMD run's point-field files: each process's piece (its band of cells and, as ghost cells,
// those around it) and the .pvtu that records them give the whole model's cells and values: read
// back by VTK's reader of pieces, every cell that is not a ghost is one of the single .vtu's, with
// the same points and values, and each once. The fields sent between processes come back whole.
TEST(Output, PiecesRecordTheWholeModel)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_pieces_test";
  fs::remove_all(out);
  fs::create_directories(out / "pieces");
  const VtuFields sent = load_case_fields(*r.results, 0);
  const VtuFields f    = deserialise(serialise(sent));
  ASSERT_EQ(f.points.size(), sent.points.size());
  EXPECT_EQ(f.load_case, "weight");
  for (std::size_t k = 0; k < f.points.size(); ++k)
    {
      EXPECT_EQ(f.points[k].name, sent.points[k].name);
      EXPECT_EQ(f.points[k].components, sent.points[k].components);
      EXPECT_EQ(f.points[k].values, sent.points[k].values);
    }
  EXPECT_THROW(deserialise(serialise(sent).substr(0, 100)), std::runtime_error);
  VtuFields short_field = f; // (fields of another model are refused, not read past their end)
  short_field.points[0].values.pop_back();
  EXPECT_THROW(
    write_vtu(*r.model, r.results->node_handler, short_field, (out / "short.vtu").string()),
    std::runtime_error);

  const Model   &model = *r.model;
  const unsigned cells = model.triangulation.n_active_cells(), processes = 3;
  write_vtu(model, r.results->node_handler, f, (out / "whole.vtu").string());
  std::vector<std::string> pieces;
  for (unsigned rank = 0; rank < processes; ++rank)
    {
      const auto [first, last] = cell_share(cells, static_cast<int>(rank), processes);
      const CellBand band{first, last};
      pieces.push_back("pieces/weight_" + std::to_string(rank) + ".vtu");
      write_vtu(model, r.results->node_handler, f, (out / pieces.back()).string(), &band);
    }
  write_pvtu(f, pieces, (out / "weight.pvtu").string());

  auto whole_reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  whole_reader->SetFileName((out / "whole.vtu").c_str());
  whole_reader->Update();
  vtkUnstructuredGrid *whole  = whole_reader->GetOutput();
  auto                 reader = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
  reader->SetFileName((out / "weight.pvtu").c_str());
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  ASSERT_EQ(whole->GetNumberOfCells(), static_cast<vtkIdType>(cells));
  ASSERT_GT(grid->GetNumberOfCells(), static_cast<vtkIdType>(cells)); // with the ghosts
  // The load case's name and the parts' names come with the pieces.
  auto *name = vtkStringArray::SafeDownCast(grid->GetFieldData()->GetAbstractArray("load_case"));
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->GetValue(0), "weight");
  EXPECT_NE(grid->GetFieldData()->GetAbstractArray("part_names"), nullptr);
  vtkDataArray *ghost = grid->GetCellData()->GetArray(vtkDataSetAttributes::GhostArrayName());
  ASSERT_NE(ghost, nullptr);

  // Each cell by its centre node (point 26 in VTK's order).
  auto centre = [](vtkUnstructuredGrid *g, vtkIdType c) {
    double x[3];
    g->GetPoint(g->GetCell(c)->GetPointId(26), x);
    return std::array<long, 3>{
      {std::lround(x[0] * 100), std::lround(x[1] * 100), std::lround(x[2] * 100)}};
  };
  std::map<std::array<long, 3>, vtkIdType> whole_cell;
  for (vtkIdType c = 0; c < whole->GetNumberOfCells(); ++c)
    whole_cell[centre(whole, c)] = c;
  ASSERT_EQ(whole_cell.size(), cells);
  std::set<vtkIdType> seen;
  double              worst = 0;
  for (vtkIdType c = 0; c < grid->GetNumberOfCells(); ++c)
    {
      if (ghost->GetComponent(c, 0) != 0)
        continue;
      const auto it = whole_cell.find(centre(grid, c));
      ASSERT_NE(it, whole_cell.end()) << c;
      EXPECT_TRUE(seen.insert(it->second).second) << "cell written twice: " << c;
      for (int k = 0; k < 27; ++k)
        {
          const vtkIdType a = grid->GetCell(c)->GetPointId(k),
                          b = whole->GetCell(it->second)->GetPointId(k);
          double xa[3], xb[3];
          grid->GetPoint(a, xa);
          whole->GetPoint(b, xb);
          worst = std::max(worst, std::hypot(xa[0] - xb[0], xa[1] - xb[1], xa[2] - xb[2]));
          for (const char *name : {"von_mises_MPa", "displacement_mm", "stress_xz_MPa"})
            {
              vtkDataArray *pa = grid->GetPointData()->GetArray(name),
                           *pb = whole->GetPointData()->GetArray(name);
              ASSERT_NE(pa, nullptr) << name;
              for (int d = 0; d < pa->GetNumberOfComponents(); ++d)
                ASSERT_EQ(pa->GetComponent(a, d), pb->GetComponent(b, d)) << name;
            }
        }
      EXPECT_EQ(grid->GetCellData()->GetArray("thickness_mm")->GetComponent(c, 0), 5.0);
    }
  EXPECT_EQ(seen.size(), cells);
  EXPECT_EQ(worst, 0.0);
  fs::remove_all(out);
}

// --fields: only the point fields asked for (names or patterns) are written; report.json times
// the writing of the .vtu files.
TEST(Output, FieldSelection)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_fields_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string(), "", OutputLevel::fields, {"von_mises_MPa", "principal_*"});
  auto reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  reader->SetFileName((out / "inner_pressure.vtu").c_str());
  reader->Update();
  vtkPointData *pd = reader->GetOutput()->GetPointData();
  EXPECT_EQ(pd->GetNumberOfArrays(), 4);
  for (const char *name : {"von_mises_MPa", "principal_stress_1_MPa", "principal_stress_2_MPa",
                           "principal_stress_3_MPa"})
    EXPECT_NE(pd->GetArray(name), nullptr) << name;
  EXPECT_EQ(pd->GetArray("displacement_mm"), nullptr);
  EXPECT_NE(reader->GetOutput()->GetCellData()->GetArray("thickness_mm"), nullptr);
  const auto report = nlohmann::json::parse(slurp(out / "report.json"));
  EXPECT_GT(report["time_s"]["write_fields"].get<double>(), 0);
  // The factorisation's flops (CHOLMOD's count) and rate.
  EXPECT_GT(report["factorisation"]["gflop"].get<double>(), 0);
  EXPECT_GT(report["factorisation"]["gflop_per_s"].get<double>(), 0);
  EXPECT_NO_THROW(check_field_names({"utilization", "buckling_mode_2", "stress_*"}));
  EXPECT_THROW(check_field_names({"von_mises"}), std::invalid_argument);
  fs::remove_all(out);
}

TEST(Output, RewritingReplacesTheFolderWhole)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_replace_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string());
  // A file of an earlier run, listed in the marker as lightbody's own, goes with the old folder.
  std::ofstream(out / "stale.vtu") << "old";
  std::ofstream(out / result_marker, std::ios::app) << "stale.vtu\n";
  write_results(r, log, out.string());
  EXPECT_FALSE(fs::exists(out / "stale.vtu"));
  EXPECT_TRUE(fs::exists(out / "weight.vtu"));
  EXPECT_TRUE(fs::exists(out / result_marker));
  // Nothing temporary of this process is left beside the folder (other runs may be writing
  // into the same temporary directory meanwhile: their folders end in their own process ids).
  const std::string own = "-" + std::to_string(::getpid());
  for (const auto &e : fs::directory_iterator(out.parent_path()))
    {
      const std::string name = e.path().filename().string();
      EXPECT_FALSE(name.rfind(".lightbody-partial-", 0) == 0 && name.size() > own.size() &&
                   name.compare(name.size() - own.size(), own.size(), own) == 0)
        << name;
    }
  fs::remove_all(out);
}

// A folder lightbody did not write is never replaced: not a folder of the user's files, nor a
// result folder into which the user put a file of their own. Nothing of it is touched.
TEST(Output, FoldersNotWrittenByLightbodyAreRefused)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_refuse_test";
  fs::remove_all(out);
  fs::create_directories(out);
  std::ofstream(out / "thesis.txt") << "years of work";
  StageLog log;
  EXPECT_THROW(write_results(r, log, out.string()), OutputFolderError);
  EXPECT_TRUE(fs::exists(out / "thesis.txt"));
  EXPECT_FALSE(fs::exists(out / "weight.vtu"));
  fs::remove_all(out);

  write_results(r, log, out.string());
  std::ofstream(out / "my_notes.md") << "keep";
  EXPECT_THROW(write_results(r, log, out.string()), OutputFolderError);
  EXPECT_TRUE(fs::exists(out / "my_notes.md"));
  EXPECT_TRUE(fs::exists(out / "weight.vtu"));
  fs::remove_all(out);
}

#include "post/mesh_view.h"

// The mesh view: quality figures on a known mesh (50 x 50 x 5 mm bricks: scaled Jacobian 1,
// aspect ratio 10), and model.vtu carrying parts, surfaces, joints and supports as fields.
TEST(Output, MeshViewFieldsAndQuality)
{
  const std::string yaml  = R"(
case: stepped
mesh: {size: 50 mm}
parts:
  thick:
    {material: 6082-T6, thickness: 5 mm, quad: {corners: [[0, 0, 0], [500, 0, 0], [500, 200, 0], [0, 200, 0]]}}
  thin:
    {material: 6082-T6, thickness: 3 mm, quad: {corners: [[500, 0, 0], [1000, 0, 0], [1000, 200, 0], [500, 200, 0]]}}
supports:
  clamp: {edge: thick.edge4, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  const Case        c     = read_case_from_string(yaml, "stepped.yaml");
  const auto        model = build_model(c);
  const auto        q     = mesh_quality(*model);
  EXPECT_NEAR(q.min_scaled_jacobian, 1.0, 1e-9);
  EXPECT_NEAR(q.max_aspect_ratio, 50.0 / 3.0, 1e-9); // the thin part's bricks: 50 x 50 x 3
  EXPECT_EQ(q.max_aspect_ratio_part, "thin");

  const fs::path out = fs::temp_directory_path() / "lightbody_mesh_view_test";
  fs::remove_all(out);
  StageLog log;
  mesh_case(c, out.string(), log);
  auto reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  reader->SetFileName((out / "model.vtu").c_str());
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  ASSERT_EQ(grid->GetNumberOfCells(),
            static_cast<vtkIdType>(model->triangulation.n_active_cells()));
  for (const char *name :
       {"part", "material", "thickness_mm", "tied", "surface:thick.top", "surface:thin.bottom"})
    EXPECT_NE(grid->GetCellData()->GetArray(name), nullptr) << name;
  double gauges[2];
  grid->GetCellData()->GetArray("thickness_mm")->GetRange(gauges);
  EXPECT_DOUBLE_EQ(gauges[0], 3.0);
  EXPECT_DOUBLE_EQ(gauges[1], 5.0);
  auto *support = grid->GetPointData()->GetArray("support:clamp");
  ASSERT_NE(support, nullptr);
  double range[2];
  support->GetRange(range);
  EXPECT_EQ(range[1], 1.0);
  double tied_range[2];
  grid->GetCellData()->GetArray("tied")->GetRange(tied_range);
  EXPECT_EQ(tied_range[1], 2.0); // cells that follow (1) and lead (2)
  const std::string json = slurp(out / "mesh.json");
  EXPECT_NE(json.find("\"kind\": \"tied\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"min_scaled_jacobian\""), std::string::npos);
  fs::remove_all(out);
}

// Names come from the user's file and may hold quotes, backslashes and any bytes: mesh.json and
// report.json stay valid JSON (read back by a JSON parser) and keep the names.
TEST(Output, JsonFilesAreValidWithAnyName)
{
  const std::string yaml = R"(
case: quoted
mesh: {size: 100 mm}
parts:
  'the "front" wall\1':
    {material: 6082-T6, thickness: 5 mm, quad: {corners: [[0, 0, 0], [500, 0, 0], [500, 200, 0], [0, 200, 0]]}}
supports:
  clamp: {edge: 'the "front" wall\1.edge4', fix: all}
load_cases:
  "g \"down\"": {acceleration: [0, 0, "-1 g"]}
)";
  const Case        c    = read_case_from_string(yaml, "quoted.yaml");
  const fs::path    out  = fs::temp_directory_path() / "lightbody_json_names_test";
  fs::remove_all(out);
  StageLog log;
  mesh_case(c, out.string(), log);
  const auto mesh = nlohmann::json::parse(slurp(out / "mesh.json"));
  EXPECT_EQ(mesh["parts"][0]["name"], "the \"front\" wall\\1");
  fs::remove_all(out);
  const RunOutcome r = run_yaml(yaml);
  write_results(r, log, out.string());
  const auto report = nlohmann::json::parse(slurp(out / "report.json"));
  EXPECT_EQ(report["load_cases"][0]["name"], "g \"down\"");
  EXPECT_EQ(report["parts"][0]["name"], "the \"front\" wall\\1");
  fs::remove_all(out);
}

// report.md (issue 4, item 5) for a one-alloy body with a design check: the calculation note's
// sections, a row per load case, the S355 body of the same gauges (same volume at 7850 instead of
// 2700 kg/m^3, EN 1991-1-1 A.4 / EN 1993-1-1 densities), said not to be a like-for-like saving,
// with the sizing command that makes one, and the picture of the
// governing case, rendered off-screen (under Xvfb on a machine without a display).
TEST(Output, ReportMdIsACalculationNoteWithPicture)
{
  const std::string yaml = std::string(curved_case) + "criteria: {allowable: proof}\n";
  const RunOutcome  r    = run_yaml(yaml);
  const fs::path    out  = fs::temp_directory_path() / "lightbody_report_md_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string(), LIGHTBODY_RENDERER);
  const std::string md = slurp(out / "report.md");
  for (const char *text :
       {"# Calculation note: half_shell", "## Mass", "## Design basis", "## Results per load case",
        "| `weight` |", "| `inner pressure` |", "Rp0.2 / 1.50", "not a like-for-like saving",
        "--materials ALLOY,S355", "## Load cases as run", "**Verdict: CONDITIONAL**",
        "buckling of thin walls in compression is not checked"})
    EXPECT_NE(md.find(text), std::string::npos) << text << "\n" << md;
  // The steel body's mass is the aluminium body's x 7850/2700.
  const double steel = r.results->mass.total_kg * 7850.0 / 2700.0;
  char         mass[64];
  std::snprintf(mass, sizeof mass, "would weigh %.1f kg", steel);
  EXPECT_NE(md.find(mass), std::string::npos) << mass;
  const std::string json = slurp(out / "report.json");
  EXPECT_NE(json.find("\"governing_load_case\""), std::string::npos);
  EXPECT_NE(json.find("\"by_part\""), std::string::npos);

  // The picture: made wherever there is a display or Xvfb (CI installs xvfb), else explained.
  const int         gov = governing_load_case(*r.results);
  const std::string png = file_stem(r.results->load_cases[gov].name) + "_von_mises.png";
  const bool        can_render =
    std::getenv("DISPLAY") || std::system("command -v xvfb-run >/dev/null 2>&1") == 0;
  if (can_render)
    {
      ASSERT_TRUE(fs::exists(out / png)) << md;
      const std::string bytes = slurp(out / png);
      EXPECT_EQ(bytes.substr(1, 3), "PNG");
      EXPECT_GT(bytes.size(), 10000u); // a picture, not an empty frame
      EXPECT_NE(md.find("](" + png + ")"), std::string::npos);
      EXPECT_NE(json.find("\"picture\": \"" + png + "\""), std::string::npos);
    }
  else
    EXPECT_NE(md.find("no picture"), std::string::npos);
  fs::remove_all(out);
}

// Without a display and without Xvfb the run still writes everything and the report says why
// there is no picture; a missing renderer likewise.
TEST(Output, NoDisplayMeansAMessageNotAFailure)
{
  const RunOutcome r   = run_yaml(curved_case);
  const fs::path   out = fs::temp_directory_path() / "lightbody_no_display_test";
  fs::remove_all(out);
  const std::string path          = std::getenv("PATH") ? std::getenv("PATH") : "";
  const char       *display       = std::getenv("DISPLAY");
  const std::string saved_display = display ? display : "";
  unsetenv("DISPLAY");
  setenv("PATH", "/nonexistent", 1);
  StageLog log;
  write_results(r, log, out.string(), LIGHTBODY_RENDERER);
  setenv("PATH", path.c_str(), 1);
  if (display)
    setenv("DISPLAY", saved_display.c_str(), 1);
  const std::string md = slurp(out / "report.md");
  EXPECT_NE(md.find("no X display and no Xvfb"), std::string::npos) << md;
  EXPECT_NE(slurp(out / "report.json").find("\"picture\": null"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "weight.vtu"));

  write_results(r, log, out.string(), "/nonexistent/lightbody-render");
  EXPECT_NE(slurp(out / "report.md").find("renderer lightbody-render was not found"),
            std::string::npos);
  fs::remove_all(out);
}

// Buckling and vibration in the result files: the mode shapes as point vectors in the load
// case's .vtu and in modal.vtu, their summaries in report.json and report.md, and the picture
// of the lowest buckling mode.
TEST(Output, BucklingAndModalResultsAreWritten)
{
  const std::string yaml = std::string(curved_case) + R"(
buckling: {modes: 2, load_cases: [weight]}
modal:
  modes: 3
  masses: [{surface: shell.top, mass: 20 kg}]
criteria: {allowable: proof}
)";
  const RunOutcome  r    = run_yaml(yaml);
  const fs::path    out  = fs::temp_directory_path() / "lightbody_eigen_output_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string(), LIGHTBODY_RENDERER);

  auto read = [](const fs::path &p) {
    auto reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
    reader->SetFileName(p.c_str());
    reader->Update();
    return vtkSmartPointer<vtkUnstructuredGrid>(reader->GetOutput());
  };
  const auto weight = read(out / "weight.vtu");
  for (const char *name : {"buckling_mode_1", "buckling_mode_2"})
    {
      vtkDataArray *a = weight->GetPointData()->GetArray(name);
      ASSERT_NE(a, nullptr) << name;
      EXPECT_EQ(a->GetNumberOfComponents(), 3);
      EXPECT_NEAR(a->GetMaxNorm(), 1, 0.05); // largest component 1 at a node
    }
  EXPECT_EQ(read(out / "inner_pressure.vtu")->GetPointData()->GetArray("buckling_mode_1"), nullptr);
  const auto modal = read(out / "modal.vtu");
  for (const char *name : {"mode_1", "mode_2", "mode_3"})
    EXPECT_NE(modal->GetPointData()->GetArray(name), nullptr) << name;

  const auto  json = nlohmann::json::parse(slurp(out / "report.json"));
  const auto &b    = json["load_cases"][0]["buckling"];
  ASSERT_EQ(b["load_factors"].size(), 2u);
  EXPECT_LE(b["load_factors"][0].get<double>(), b["load_factors"][1].get<double>());
  EXPECT_EQ(b["modes"][0]["field"], "buckling_mode_1");
  EXPECT_FALSE(json["load_cases"][1].contains("buckling"));
  ASSERT_EQ(json["modal"]["frequencies_Hz"].size(), 3u);
  EXPECT_NEAR(json["modal"]["added_mass_kg"].get<double>(), 20, 1e-9);
  EXPECT_EQ(json["modal"]["modes"][0]["effective_mass_kg"].size(), 3u);

  const std::string md = slurp(out / "report.md");
  for (const char *text : {"## Buckling", "| `weight` |", "| `inner pressure` | not analysed",
                           "## Natural frequencies", "added mass 20.0 kg",
                           "buckling of thin walls in compression is not checked in load cases "
                           "\"inner pressure\""})
    EXPECT_NE(md.find(text), std::string::npos) << text << "\n" << md;
  const bool can_render =
    std::getenv("DISPLAY") || std::system("command -v xvfb-run >/dev/null 2>&1") == 0;
  if (can_render)
    {
      EXPECT_TRUE(fs::exists(out / "weight_buckling_mode_1.png")) << md;
      EXPECT_NE(md.find("](weight_buckling_mode_1.png)"), std::string::npos) << md;
    }
  fs::remove_all(out);
}

// A case that asks for the natural frequencies only: report.md says so instead of an empty
// table of load cases; the total mass and the material's mass print alike (6.75 kg summed to
// 6.749999999999995 printed as 6.7 beside the material's 6.8).
namespace
{
  // A 1000 x 500 x 5 mm plate of 5083, for the natural frequencies' reports.
  const std::string modal_plate = R"(
parts:
  plate: {material: 5083-H116, thickness: 5 mm,
          quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}}
)";
} // namespace

TEST(Output, ModalOnlyReportAndRoundedMasses)
{
  const std::string yaml = "case: modal_only\nmesh: {size: 100 mm}" + modal_plate + R"(
supports:
  a: {edges: [plate.edge1], fix: all}
modal: {modes: 2}
)";
  const RunOutcome  r    = run_yaml(yaml);
  const fs::path    out  = fs::temp_directory_path() / "lightbody_modal_only_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string(), LIGHTBODY_RENDERER);
  const std::string md = slurp(out / "report.md");
  EXPECT_NE(md.find("No static load case: the case asks for the natural frequencies only."),
            std::string::npos)
    << md;
  EXPECT_EQ(md.find("| load case | max von Mises"), std::string::npos) << md;
  EXPECT_NE(md.find("Total **6.8 kg**"), std::string::npos) << md;
  EXPECT_NE(md.find("| 5083-H116 | 6.8 |"), std::string::npos) << md;
  fs::remove_all(out);
}

// A repeated natural frequency: its modes are any basis of one eigenspace, so report.md says which
// modes share it and gives their effective masses summed (what the eigenspace holds whatever the
// basis). A plate of 2 x 1 elements clamped along its long edges has a triple lowest frequency
// (3178.56 Hz; tests/data/mpi_repeated_frequency.yaml).
TEST(Output, RepeatedFrequencyModesShareTheirEffectiveMass)
{
  const std::string yaml = "case: repeated_frequency\nmesh: {size: 500 mm}" + modal_plate + R"(
supports:
  clamp: {edges: [plate.edge1, plate.edge3], fix: all}
modal: {modes: 4}
)";
  const RunOutcome  r    = run_yaml(yaml);
  ASSERT_TRUE(r.results && r.results->modal);
  const ModalResult &m = *r.results->modal;
  ASSERT_EQ(m.frequencies_Hz.size(), 4u);
  EXPECT_NEAR(m.frequencies_Hz[1], m.frequencies_Hz[0], 1e-9 * m.frequencies_Hz[0]);
  EXPECT_NEAR(m.frequencies_Hz[2], m.frequencies_Hz[0], 1e-9 * m.frequencies_Hz[0]);
  EXPECT_GT(m.frequencies_Hz[3] - m.frequencies_Hz[0], 1e-6 * m.frequencies_Hz[0]);
  const fs::path out = fs::temp_directory_path() / "lightbody_repeated_frequency_test";
  fs::remove_all(out);
  StageLog log;
  write_results(r, log, out.string(), LIGHTBODY_RENDERER);
  const std::string md = slurp(out / "report.md");
  const auto        at = md.find("Modes 1 to 3 share one frequency");
  ASSERT_NE(at, std::string::npos) << md;
  EXPECT_EQ(md.find("Modes 1 to 4"), std::string::npos) << md;
  // The sums printed: each direction's effective masses of modes 1-3 over what can move.
  std::string shares;
  for (unsigned d = 0; d < 3; ++d)
    {
      const double sum =
        m.effective_mass_kg[0][d] + m.effective_mass_kg[1][d] + m.effective_mass_kg[2][d];
      char text[32];
      std::snprintf(text, sizeof text, "%.1f", 100 * sum / m.movable_mass_kg[d]);
      shares += (d ? " / " : "") + std::string(text);
    }
  EXPECT_NE(md.find(shares + " %", at), std::string::npos) << shares << "\n" << md;
  fs::remove_all(out);
}
