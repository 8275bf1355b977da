// Parts from gmsh mid-surface meshes: the same plate, imported (MSH 2.2 and 4.1) or generated,
// must give the same mass and the same solution.
#include "run_helpers.h"

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <tuple>

using namespace lightbody;
using namespace lightbody::testing;

namespace
{
  std::string panel_case(const std::string &surface)
  {
    return R"(
mesh: {size: 100 mm}
parts:
  panel:
    material: 5083-H116
    thickness: 5 mm
    )" + surface +
           R"(
supports:
  clamp: {edges: [panel.EDGES], fix: all}
load_cases:
  pressure: {pressures: [{surface: panel.top, value: 0.01 MPa}]}
probes:
  centre: [500, 250, 0]
)";
  }

  RunOutcome run_panel(std::string yaml, const std::string &edges)
  {
    yaml.replace(yaml.find("EDGES"), 5, edges);
    StageLog log;
    // Named as if it lay in tests/, so that the .msh paths resolve against that folder.
    return run_case(
      read_case_from_string(yaml, std::string(LIGHTBODY_SOURCE_DIR) + "/tests/gmsh.yaml"), {}, log);
  }
} // namespace

TEST(Gmsh, ImportedPanelMatchesGeneratedPanel)
{
  const RunOutcome generated =
    run_panel(panel_case("quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}"),
              "edge1, panel.edge2, panel.edge3, panel.edge4");
  const double w_ref = generated.results->load_cases[0].probes[0].displacement_mm[2];
  // Mass: area x thickness x density, 1000 x 500 x 5 mm of 2700 kg/m^3.
  EXPECT_NEAR(generated.results->mass.total_kg, 1000 * 500 * 5 * 2.7e-6, 1e-9);
  for (const char *file : {"data/panel_v2.msh", "data/panel_v4.msh"})
    {
      const RunOutcome imported =
        run_panel(panel_case(std::string("gmsh: {file: ") + file + ", group: panel}"), "boundary");
      EXPECT_NEAR(imported.results->mass.total_kg, generated.results->mass.total_kg, 1e-9) << file;
      EXPECT_EQ(imported.model->triangulation.n_active_cells(),
                generated.model->triangulation.n_active_cells());
      EXPECT_NEAR(imported.results->load_cases[0].probes[0].displacement_mm[2], w_ref,
                  1e-9 * std::abs(w_ref))
        << file;
      expect_equilibrium(imported);
    }
}

TEST(Gmsh, MissingGroupIsNamed)
{
  try
    {
      run_panel(panel_case("gmsh: {file: data/panel_v2.msh, group: floor}"), "boundary");
      FAIL() << "expected an InputError";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("has no physical surface \"floor\" (it has: panel)"),
                std::string::npos)
        << e.what();
    }
}

namespace
{
  // The files the tests write, removed when the test program ends.
  struct WrittenFiles
  {
    std::vector<std::string> paths;
    ~WrittenFiles()
    {
      for (const auto &path : paths)
        std::remove(path.c_str());
    }
  } written;

  // A MSH 2.2 file of the given nodes (numbered from 1) and quadrilaterals (node numbers) in
  // the physical surface "panel", written to a file of its own in the temporary folder.
  std::string write_msh(const std::string &name, const std::vector<std::array<double, 3>> &nodes,
                        const std::vector<std::array<long, 4>> &quads)
  {
    std::ostringstream s;
    s << "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$PhysicalNames\n1\n2 7 \"panel\"\n"
      << "$EndPhysicalNames\n$Nodes\n"
      << nodes.size() << "\n";
    for (std::size_t i = 0; i < nodes.size(); ++i)
      s << i + 1 << " " << nodes[i][0] << " " << nodes[i][1] << " " << nodes[i][2] << "\n";
    s << "$EndNodes\n$Elements\n" << quads.size() << "\n";
    for (std::size_t e = 0; e < quads.size(); ++e)
      s << e + 1 << " 3 2 7 1 " << quads[e][0] << " " << quads[e][1] << " " << quads[e][2] << " "
        << quads[e][3] << "\n";
    s << "$EndElements\n";
    const std::string path =
      ::testing::TempDir() + "/lightbody_gmsh_" + std::to_string(::getpid()) + "_" + name + ".msh";
    std::ofstream(path) << s.str();
    written.paths.push_back(path);
    return path;
  }

  // An L-shaped panel: 1000 x 500 mm in the plane z = 0 and a 300 mm wall standing on its edge
  // y = 500, 100 mm quadrilaterals; the wall's quadrilaterals reversed if asked.
  std::string bent_panel(const std::string &name, bool wall_reversed)
  {
    std::vector<std::array<double, 3>> nodes;
    for (int j = 0; j <= 8; ++j)
      for (int i = 0; i <= 10; ++i)
        nodes.push_back({{100.0 * i, 100.0 * std::min(j, 5), 100.0 * std::max(j - 5, 0)}});
    const auto                       n = [](int i, int j) { return long(j * 11 + i + 1); };
    std::vector<std::array<long, 4>> quads;
    for (int j = 0; j < 8; ++j)
      for (int i = 0; i < 10; ++i)
        quads.push_back(
          wall_reversed && j >= 5
            ? std::array<long, 4>{{n(i, j), n(i, j + 1), n(i + 1, j + 1), n(i + 1, j)}}
            : std::array<long, 4>{{n(i, j), n(i + 1, j), n(i + 1, j + 1), n(i, j + 1)}});
    return write_msh(name, nodes, quads);
  }
} // namespace

// gmsh orients each geometric surface of a group by its own definition: a bent panel meshed as
// two surfaces may hold both orientations. The node normals at the fold, averaged over opposite
// orientations, pointed along the wall instead of across the fold; now the quadrilaterals are
// oriented alike first, so both files give the same body and the same solution. The fold's
// node lines are lengthened (1 / cos 45 degrees) so that both faces keep their thickness: the
// mass is area x thickness x density (along the mean normal alone the fold's elements were
// thinner, the mass 2.5 % low).
TEST(Gmsh, SurfacesOfOppositeOrientationAreOrientedAlike)
{
  const std::string case_text = R"(
mesh: {size: 100 mm}
parts:
  panel: {material: 5083-H116, thickness: 5 mm, gmsh: {file: FILE, group: panel}}
supports:
  clamp: {edges: [panel.boundary], fix: all}
load_cases:
  g: {acceleration: [0, 0, -10 g], pressures: [{surface: panel.top, value: 0.001 MPa}]}
probes:
  floor: [500, 200, 0]
)";
  const auto        run       = [&](const std::string &file) {
    std::string yaml = case_text;
    yaml.replace(yaml.find("FILE"), 4, file);
    StageLog log;
    return run_case(read_case_from_string(yaml, ::testing::TempDir() + "/bent.yaml"), {}, log);
  };
  const RunOutcome alike = run(bent_panel("alike", false)), mixed = run(bent_panel("mixed", true));
  const double     kg = (1000 * 500 + 1000 * 300) * 5 * 2.7e-6;
  EXPECT_NEAR(alike.results->mass.total_kg, kg, 1e-12 * kg);
  EXPECT_NEAR(mixed.results->mass.total_kg, alike.results->mass.total_kg, 1e-9 * kg);
  const double w  = alike.results->load_cases[0].probes[0].displacement_mm[2],
               wm = mixed.results->load_cases[0].probes[0].displacement_mm[2];
  EXPECT_LT(w, 0);
  EXPECT_NEAR(wm, w, 1e-9 * std::abs(w));
  expect_equilibrium(mixed);
}

// What cannot be a mid-surface is refused naming the file and what is wrong.
TEST(Gmsh, BrokenMeshesAreRefused)
{
  const std::vector<std::array<double, 3>> square{{{0, 0, 0}},   {{100, 0, 0}},   {{200, 0, 0}},
                                                  {{0, 100, 0}}, {{100, 100, 0}}, {{200, 100, 0}}};
  const std::vector<std::array<long, 4>>   two{{{1, 2, 5, 4}}, {{2, 3, 6, 5}}};
  auto                                     with_node = square;
  with_node.push_back({{100, 0, 300}}); // 7, standing above the side 2-5
  with_node.push_back({{100, 100, 300}});
  // A strip of six quadrilaterals closed with a half twist (a Moebius band): bottom nodes
  // 1..6, top nodes 7..12.
  std::vector<std::array<double, 3>> ring;
  for (int k = 0; k < 12; ++k)
    ring.push_back({{100 * std::cos(k % 6), 100 * std::sin(k % 6), k < 6 ? 0.0 : 50.0}});
  std::vector<std::array<long, 4>> band;
  for (long i = 1; i <= 5; ++i)
    band.push_back({{i, i + 1, i + 7, i + 6}});
  band.push_back({{6, 7, 1, 12}});

  const std::vector<std::tuple<std::string, std::vector<std::array<double, 3>>,
                               std::vector<std::array<long, 4>>, std::string>>
    broken{
      {"twice", square, {{{1, 2, 5, 4}}, {{2, 3, 6, 5}}, {{2, 5, 4, 1}}}, "is given twice"},
      {"repeats", square, {{{1, 2, 5, 4}}, {{2, 3, 5, 5}}}, "nodes 2, 3, 5, 5 repeats a node"},
      {"tee",
       with_node,
       {{{1, 2, 5, 4}}, {{2, 3, 6, 5}}, {{2, 5, 8, 7}}},
       "the side between nodes 2 and 5 is shared by 3 quadrilaterals"},
      {"zero", square, {{{1, 2, 5, 4}}, {{2, 3, 6, 0}}}, "uses the node number 0"},
      {"moebius", ring, band, "cannot be given one orientation"},
    };
  for (const auto &[name, nodes, quads, message] : broken)
    {
      const std::string file = write_msh(name, nodes, quads);
      try
        {
          run_panel(panel_case("gmsh: {file: " + file + ", group: panel}"), "boundary");
          ADD_FAILURE() << name << ": expected an InputError";
        }
      catch (const InputError &e)
        {
          EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
        }
    }

  // A node given twice (the file written by hand).
  std::string file = write_msh("node_twice", square, two);
  {
    std::ifstream     in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    s.replace(s.find("$Nodes\n6\n"), 9, "$Nodes\n7\n1 5 5 5\n");
    std::ofstream(file) << s;
  }
  try
    {
      run_panel(panel_case("gmsh: {file: " + file + ", group: panel}"), "boundary");
      ADD_FAILURE() << "node given twice: expected an InputError";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("node 1 is given twice"), std::string::npos) << e.what();
    }
}
