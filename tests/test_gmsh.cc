// Parts from gmsh mid-surface meshes: the same plate, imported (MSH 2.2 and 4.1) or generated,
// must give the same mass and the same solution.
#include "run_helpers.h"

#include <cmath>

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
