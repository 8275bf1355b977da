// Curved-shell benchmarks of the MacNeal-Harder obstacle course at a coarse and a mid mesh: the
// element must not lock on coarse curved meshes (issue: the fully integrated hexahedron was
// -41 % on the Scordelis-Lo roof at 4 x 3 and -3.5 % on the pinched cylinder at 16 x 26).
// References: R. H. MacNeal and R. L. Harder, "A proposed standard set of problems to test
// finite element accuracy", Finite Elements in Analysis and Design 1 (1985) 3-20.
#include "run_helpers.h"

#include <cmath>

using namespace lightbody;
using namespace lightbody::testing;

namespace
{
  double relative_error(double value, double reference) { return (value - reference) / reference; }
} // namespace

// Scordelis-Lo roof (test 3a), published 0.3024 (x 100 in the scaled case: 30.24 mm).
// Measured with this element (the case's load 98.1 m/s^2 since 2026-12-02; before, 10 g made
// every value 0.034 % lower): 4 x 3 -1.25 %, 8 x 6 -0.57 %, 16 x 12 -0.49 %, 32 x 23 -0.42 %,
// 64 x 45 -0.36 %, 128 x 90 -0.34 %, converging slowly from below to the 3D solid's value, about
// 0.33 % under the shell value (CalculiX C3D20 at 128 x 96 -0.335 %, C3D20R -0.330 % from 32 x 24
// on; C3D20R on the coarse grids +0.4 and -0.3 %). The slow part is the free edge: integrating
// the transverse shear strain along the edge with two points across the element instead of
// three gives -0.36 % at 8 x 6 (but spurious zero-energy modes). With the compatible thickness
// strain 4 x 3 was -1.50 %.
TEST(ShellBenchmarks, ScordelisLoRoof)
{
  const double reference = 30.24;
  for (const auto &[size, tolerance] : {std::pair{"625 mm", 0.014}, std::pair{"312.5 mm", 0.015}})
    {
      const RunOutcome r =
        run_file("cases/verification/scordelis_lo_roof.yaml", {{"mesh.size", size}});
      const auto  &lc = r.results->load_cases.at(0);
      const double w  = -probe(lc, "free_edge_middle").displacement_mm[2];
      EXPECT_NEAR(relative_error(w, reference), 0, tolerance) << "mesh " << size << ": " << w;
      expect_equilibrium(r);
    }
}

// Pinched cylinder with diaphragms (test 5), published 1.8248e-5 (0.78206 mm scaled).
// Measured: 8 x 13 +0.25 %, 16 x 26 +1.0 %, 32 x 51 +1.3 % (a point force on a 3D solid: the
// value grows slowly under refinement, C3D20R: -1.25, +0.5, +1.1 %).
TEST(ShellBenchmarks, PinchedCylinder)
{
  const double reference = 1.8248e-5 * 1000 * 3e6 / 70000;
  for (const char *size : {"37.5 mm", "18.75 mm"})
    {
      const RunOutcome r =
        run_file("cases/verification/pinched_cylinder.yaml", {{"mesh.size", size}});
      const auto  &lc = r.results->load_cases.at(0);
      const double w  = -probe(lc, "under_load").displacement_mm[2];
      EXPECT_NEAR(relative_error(w, reference), 0, 0.03) << "mesh " << size << ": " << w;
      expect_equilibrium(r);
    }
}

namespace
{
  // A case read as if it lay in tests/, so that data/*.msh resolve.
  RunOutcome run_in_tests(const std::string &yaml)
  {
    StageLog log;
    return run_case(
      read_case_from_string(yaml, std::string(LIGHTBODY_SOURCE_DIR) + "/tests/benchmark.yaml"), {},
      log);
  }

  // A benchmark case: one gmsh part of an elastic material (no design check), its keys (`part`
  // e.g. "layers: 4, "), then supports, load cases and probes.
  std::string gmsh_case(const std::string &part, const std::string &gauge, const std::string &E,
                        const std::string &file, const std::string &group, const std::string &rest,
                        const std::string &part_keys = "")
  {
    return "criteria: {convergence: off}\nmaterials:\n  m: {E: " + E +
           ", nu: 0.3, density: 2700 kg/m^3, Rp02: 5000 MPa, Rm: 6000 MPa, source: benchmark}\n"
           "parts:\n  " +
           part + ": {material: m, thickness: " + gauge + ", " + part_keys + "gmsh: {file: data/" +
           file + ", group: " + group + "}}\n" + rest;
  }

  // A gmsh cylinder held at one edge under its weight.
  std::string held_at_the_diaphragm(const std::string &file, const std::string &edge)
  {
    return gmsh_case("shell", "3 mm", "70000 MPa", file, "shell",
                     "supports:\n  s: {edge: " + edge +
                       ", fix: all}\nload_cases:\n  g: {acceleration: [0, 0, -1 g]}\n");
  }

  // The symmetry planes x = 0 and y = 0 of a quarter model.
  const std::string symmetry_xy = R"(
  plane_x: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}
  plane_y: {symmetry: {point: [0, 0, 0], normal: [0, 1, 0]}}
)";

  std::string pinched_cylinder_gmsh(const std::string &file)
  {
    return gmsh_case("shell", "3 mm", "70000 MPa", file, "shell", R"(
supports:
  diaphragm: {edge: shell.diaphragm, fix: [x, z]}
  mid_length: {symmetry: {point: [0, 300, 0], normal: [0, 1, 0]}}
  plane_x: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}
  plane_z: {symmetry: {point: [0, 0, 0], normal: [0, 0, 1]}}
load_cases:
  pinch: {point_forces: [{point: [0, 300, 300], force: [0, 0, -250 N]}]}
probes:
  under_load: [0, 300, 300]
)");
  }
} // namespace

// The pinched cylinder from gmsh meshes (tests/data/make_benchmark_meshes.py): second-order
// quadrilaterals keep the curved shape, and the symmetry planes hold whole through-thickness
// lines (linear quadrilaterals: the extrusion normals at the boundary tilt, and holding only the
// middle node was a hinge, +171 %). 8-node quadrilaterals (centre from the serendipity
// interpolation) and the MSH 4.1 format (line groups on curve entities) too. Reference as above,
// 0.78206 mm.
TEST(ShellBenchmarks, PinchedCylinderFromGmsh)
{
  const double reference = 1.8248e-5 * 1000 * 3e6 / 70000;
  for (const auto &[file, tolerance] : {std::pair{"pinched_cylinder_8x13_q9.msh", 0.03},
                                        std::pair{"pinched_cylinder_8x13_q8.msh", 0.03},
                                        std::pair{"pinched_cylinder_8x13_q9_v41.msh", 0.03},
                                        std::pair{"pinched_cylinder_16x26_q9.msh", 0.03},
                                        std::pair{"pinched_cylinder_16x26_q4.msh", 0.05}})
    {
      const RunOutcome r = run_in_tests(pinched_cylinder_gmsh(file));
      const double     w = -probe(r.results->load_cases.at(0), "under_load").displacement_mm[2];
      EXPECT_NEAR(relative_error(w, reference), 0, tolerance) << file << ": " << w;
      expect_equilibrium(r);
    }
}

namespace
{
  // The pinched hemisphere of the test below on a gmsh mesh (`file` in tests/data), with `keys`
  // (e.g. mesh settings) added to the case.
  std::string pinched_hemisphere(const std::string &file, const std::string &keys = "")
  {
    return gmsh_case(
      "shell", "4 mm", "68250 MPa", file, "shell",
      keys + "supports:" + symmetry_xy +
        R"(  one_point: {box: {min: [-1, 999, -1], max: [1, 1001, 1]}, fix: [z]} # the middle node only
load_cases:
  pinch:
    point_forces:
      - {point: [1000, 0, 0], force: [10 N, 0, 0]}
      - {point: [0, 1000, 0], force: [0, -10 N, 0]}
probes:
  a: [1000, 0, 0]
  b: [0, 1000, 0]
)");
  }
} // namespace

// Pinched hemisphere with an 18 degree hole (MacNeal & Harder 1985, test 6): R = 10, t = 0.04,
// E = 6.825e7, nu = 0.3, radial forces +-2 at 90 degree intervals on the equator; displacement
// under a force 0.0940 (MacNeal & Harder's reference). Scaled: R = 1000 mm, t = 4 mm,
// E = 68 250 MPa, 10 N on the quarter per force: 0.094 x 10 x 1000 / 100 = 9.4 mm. One
// mid-surface node holds z (holding its whole line would also hold the edge's rotation).
// Measured (second order): 4 x 4 -1.74 %, 8 x 8 -1.02 %, 16 x 16 -0.56 %, 48 x 48 -0.43 %
// (C3D20R on the same grids -22.4, -0.94, -0.35, -0.30 %: the 3D model converges a few tenths
// of a per cent under the shell value). With the compatible thickness strain (curvature thickness
// locking, see solver/shell_element.h) 4 x 4 was -4.86 % and 8 x 8 -1.58 %. 16 x 16 linear
// quadrilaterals -3.8 %.
TEST(ShellBenchmarks, PinchedHemisphereFromGmsh)
{
  const double reference = 9.4;
  for (const auto &[file, tolerance] :
       {std::pair{"hemisphere_4x4_q9.msh", 0.025}, std::pair{"hemisphere_8x8_q9.msh", 0.013},
        std::pair{"hemisphere_16x16_q9.msh", 0.008}})
    {
      const RunOutcome r  = run_in_tests(pinched_hemisphere(file));
      const auto      &lc = r.results->load_cases.at(0);
      const double ua = probe(lc, "a").displacement_mm[0], ub = -probe(lc, "b").displacement_mm[1];
      EXPECT_NEAR(relative_error(ua, reference), 0, tolerance) << file << ": " << ua;
      EXPECT_NEAR(relative_error(ub, reference), 0, tolerance) << file << ": " << ub;
      // The solve's round-off against the 4 mm wall's thickness stiffness (E A / t of a 390 mm
      // element) is about 1e-6 of the 20 N load here (4 x 4: 1.3e-6, 8 x 8: 8e-7; the
      // compatible thickness strain gave 7e-7 and 8e-8): 1e-5.
      EXPECT_LT(lc.equilibrium_error, 1e-5) << file;
    }
}

// NAFEMS LE1 elliptic membrane (NAFEMS, "The Standard NAFEMS Benchmarks", TNSB rev. 3, 1990):
// a quarter of an elliptic annulus (inner 2 x 1 m, outer 3.25 x 2.75 m), 0.1 m thick,
// E = 210 GPa, nu = 0.3, uniform outward pressure 10 MPa on the outer edge; sigma_yy at D
// (2, 0) = 92.7 MPa. The outer edge load is an edge pressure (-10 MPa: it pulls).
// Measured (the stress at the point, not averaged): 3 x 2 95.6, 6 x 4 95.4, 12 x 8 94.1,
// 24 x 16 93.3, 48 x 32 93.0 MPa: converging from above onto the reference.
TEST(ShellBenchmarks, NafemsLe1EllipticMembrane)
{
  for (const auto &[file, tolerance] : {std::pair{"elliptic_membrane_6x4_q9.msh", 0.035},
                                        std::pair{"elliptic_membrane_12x8_q9.msh", 0.02}})
    {
      const RunOutcome r = run_in_tests(
        gmsh_case("membrane", "100 mm", "210000 MPa", file, "membrane",
                  "supports:" + symmetry_xy +
                    R"(  mid_plane: {plane: {point: [0, 0, 0], normal: [0, 0, 1]}, fix: [z]}
load_cases:
  tension: {edge_pressures: [{edge: membrane.outer, value: -10 MPa}]}
probes:
  D: [2000, 0, 0]
)"));
      const double s = probe(r.results->load_cases.at(0), "D").stress_MPa[1];
      EXPECT_NEAR(relative_error(s, 92.7), 0, tolerance) << file << ": " << s;
      expect_equilibrium(r);
    }
}

// Meshes that follow curvature: curved directions get at least turn / mesh.max_angle elements
// (default 7.5 degrees: 12 over a quarter circle, whatever the size), and a part whose elements
// still turn through more than twice that (a coarse imported mesh) is a warning naming it.
TEST(ShellBenchmarks, MeshesFollowCurvature)
{
  const std::string quarter = R"(
materials:
  al: {E: 70000 MPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 200 MPa, Rm: 260 MPa, source: x}
parts:
  arc: {material: al, thickness: 3 mm,
        cylinder: {origin: [0, 0, 0], axis: [0, 1, 0], radius: 300 mm, length: 100 mm,
                   angles: [0, 90]}}
supports:
  s: {edge: arc.start, fix: all}
load_cases:
  g: {acceleration: [0, 0, -1 g]}
)";
  auto elements_of = [](const Case &c) { return build_model(c)->triangulation.n_active_cells(); };
  // 100 mm: 5 by size around the 471 mm arc, 12 by angle; 1 along the 100 mm length.
  EXPECT_EQ(elements_of(read_case_from_string(quarter, "q.yaml", {{"mesh.size", "100 mm"}})), 12u);
  EXPECT_EQ(elements_of(read_case_from_string(
              quarter, "q.yaml", {{"mesh.size", "100 mm"}, {"mesh.max_angle", "45 deg"}})),
            5u);
  EXPECT_TRUE(build_model(read_case_from_string(quarter, "q.yaml", {{"mesh.size", "100 mm"}}))
                ->warnings.empty());

  const std::string coarse = std::string(LIGHTBODY_SOURCE_DIR) + "/tests/benchmark.yaml";
  const Case        c      = read_case_from_string(
                held_at_the_diaphragm("pinched_cylinder_2x3_q4.msh", "shell.diaphragm"), coarse);
  const auto model = build_model(c);
  ASSERT_EQ(model->warnings.size(), 1u);
  EXPECT_NE(model->warnings[0].find("part \"shell\""), std::string::npos) << model->warnings[0];
  EXPECT_NE(model->warnings[0].find("30.0 deg"), std::string::npos) << model->warnings[0];
}

// A gmsh part's edges are its physical line groups; a name the file does not have is an error
// listing the ones it has.
TEST(ShellBenchmarks, GmshLineGroupsAreEdges)
{
  const std::string yaml =
    held_at_the_diaphragm("pinched_cylinder_8x13_q9.msh", "shell.diaphragms");
  try
    {
      run_in_tests(yaml);
      ADD_FAILURE() << "an unknown edge was accepted";
    }
  catch (const InputError &e)
    {
      const std::string m = e.what();
      EXPECT_NE(m.find("\"shell.diaphragms\""), std::string::npos) << m;
      EXPECT_NE(m.find("shell.diaphragm)"), std::string::npos) << m;
      EXPECT_NE(m.find("shell.boundary"), std::string::npos) << m;
    }
  const auto model = build_model(
    read_case_from_string(yaml, std::string(LIGHTBODY_SOURCE_DIR) + "/tests/benchmark.yaml",
                          {{"supports.s.edge", "shell.diaphragm"}}));
  // 13 quadrilaterals along the diaphragm, one face each.
  EXPECT_EQ(model->edges.at("shell.diaphragm").size(), 13u);
}

// NAFEMS LE10 thick plate under pressure (NAFEMS TNSB rev. 3, 1990): the LE1 annulus 600 mm
// thick, E = 210 GPa, nu = 0.3, 1 MPa on the upper face; the outer curved face held in x and y,
// its mid-plane line in z (an edge cut by a plane); sigma_yy at D (2000, 0, 300) = -5.38 MPa.
// Measured (four layers): 6 x 4 -5.57 (+3.5 %), 12 x 8 -5.55 (+3.1 %), 24 x 16 -5.48 (+1.9 %);
// eight layers change it by less than 0.5 %.
TEST(ShellBenchmarks, NafemsLe10ThickPlate)
{
  for (const auto &[file, tolerance] : {std::pair{"elliptic_membrane_6x4_q9.msh", 0.04},
                                        std::pair{"elliptic_membrane_12x8_q9.msh", 0.035}})
    {
      const RunOutcome r = run_in_tests(
        gmsh_case("plate", "600 mm", "210000 MPa", file, "membrane",
                  "supports:" + symmetry_xy + R"(  outer: {edge: plate.outer, fix: [x, y]}
  outer_mid: {edge: plate.outer, plane: {point: [0, 0, 0], normal: [0, 0, 1]}, fix: [z]}
load_cases:
  # the mesh's quadrilaterals face -z: the upper face (z = +300) is the part's bottom side
  pressure: {pressures: [{surface: plate.bottom, value: 1 MPa}]}
probes:
  D: [2000, 0, 300]
)",
                  "layers: 4, "));
      const auto  &lc = r.results->load_cases.at(0);
      const double s  = probe(lc, "D").stress_MPa[1];
      EXPECT_NEAR(relative_error(s, -5.38), 0, tolerance) << file << ": " << s;
      expect_equilibrium(r);
      // Only the outer edge's mid-plane line holds z: the z reactions carry the whole load.
      double z = 0;
      for (const auto &reaction : lc.reactions)
        if (reaction.support == "outer_mid")
          z = reaction.force_N[2];
      const double area = M_PI / 4 * (3250.0 * 2750.0 - 2000.0 * 1000.0);
      EXPECT_NEAR(z, area * 1.0, 0.01 * area);
    }
}

// MacNeal-Harder twisted beam (test 4): 12 long, 1.1 wide, 0.32 thick, twisted through 90 degrees
// from root to tip, E = 29e6, nu = 0.22, clamped at the root, a unit load at the tip along the
// root's width (published 1.754e-3 in its direction) or across it (5.424e-3). Measured: 12 x 2
// 1.7481e-3 (-0.34 %) and 5.3942e-3 (-0.55 %), 24 x 4 1.7493e-3 and 5.4045e-3, 48 x 8 1.7498e-3
// and 5.4088e-3 (a 3D solid's values, a quarter of a per cent under the published ones).
// The thin beam, 0.0032 thick under loads of 1e-6 (published 1.294e-3 and 5.256e-3: T. Belytschko,
// B. L. Wong and H. Stolarski, "Assumed strain stabilization procedure for the 9-node Lagrange
// shell element", Int. J. Numer. Meth. Engng 28 (1989) 385-414): 12 x 2 1.317e-3 and 5.244e-3,
// 24 x 4 1.294e-3 and 5.288e-3. Its gauge is 1/3750 of its length: the loads balance to 4e-3 to
// 5e-2 only, the round-off of double precision (0.04 to 0.3 times equilibrium_round_off); until
// 2026-12-03 it was refused as a mechanism (exit 4). It is written, CONDITIONAL; its values move
// by about 1 % with the round-off (a refinement of the solve moved 12 x 2 to 1.325e-3).
TEST(ShellBenchmarks, MacNealHarderTwistedBeam)
{
  struct Beam
  {
    const char *gauge, *load;
    double      across, along; // published: load along the root's width, across it
  };
  for (const Beam &beam :
       {Beam{"0.32 mm", "1", 5.424e-3, 1.754e-3}, Beam{"0.0032 mm", "1e-6", 5.256e-3, 1.294e-3}})
    for (const auto &[file, tolerance] : {std::pair{"twisted_beam_12x2_q9.msh", 0.01},
                                          std::pair{"twisted_beam_24x4_q9.msh", 0.005}})
      for (unsigned direction : {1u, 2u})
        {
          const bool        thin  = std::string(beam.gauge) == "0.0032 mm";
          const std::string force = direction == 1 ? std::string("[0, ") + beam.load + ", 0]"
                                                   : std::string("[0, 0, ") + beam.load + "]";
          const RunOutcome  r     = run_in_tests(
                 std::string("criteria: {convergence: off}\nmaterials:\n  m: {E: 29000000 MPa, nu: "
                                  "0.22, density: 7800 kg/m^3, Rp02: 5000 MPa, Rm: 6000 MPa, source: "
                                  "benchmark}\nparts:\n  beam: {material: m, thickness: ") +
                 beam.gauge + ", gmsh: {file: data/" + file +
                 ", group: beam}}\nsupports:\n  root: {edge: beam.root, fix: all}\n"
                      "load_cases:\n  tip: {point_forces: [{point: [12, 0, 0], force: " +
                 force + "}]}\nprobes:\n  tip: [12, 0, 0]\n");
          const auto  &lc        = r.results->load_cases.at(0);
          const double u         = probe(lc, "tip").displacement_mm[direction];
          const double published = direction == 1 ? beam.along : beam.across;
          const double allowed   = thin ? 4 * tolerance : tolerance; // round-off: +-1 %
          EXPECT_NEAR(relative_error(u, published), 0, allowed)
            << beam.gauge << " " << file << " direction " << direction << ": " << u;
          if (!thin)
            {
              expect_equilibrium(r);
              continue;
            }
          EXPECT_GT(lc.equilibrium_error, max_equilibrium_error) << file;
          EXPECT_LT(lc.equilibrium_error, lc.equilibrium_round_off) << file;
          EXPECT_NE(lc.round_off_imbalance.find("round-off"), std::string::npos) << file;
          EXPECT_EQ(r.results->verdict.status, Verdict::Status::conditional) << file;
        }
  // A third of that gauge (loads scaled by its cube): the loads balance to 1.2 only, round-off
  // still (7.8 expected), the tip 55 % off: refused, naming the round-off, not a mechanism.
  try
    {
      run_in_tests(
        "criteria: {convergence: off}\nmaterials:\n  m: {E: 29000000 MPa, nu: 0.22, density: 7800 "
        "kg/m^3, Rp02: 5000 MPa, Rm: 6000 MPa, source: benchmark}\nparts:\n  beam: {material: m, "
        "thickness: 0.001 mm, gmsh: {file: data/twisted_beam_12x2_q9.msh, group: beam}}\n"
        "supports:\n  root: {edge: beam.root, fix: all}\nload_cases:\n  tip: {point_forces: "
        "[{point: [12, 0, 0], force: [0, 3.05e-8, 0]}]}\nprobes:\n  tip: [12, 0, 0]\n");
      ADD_FAILURE() << "a beam 1/12000 of its length thick was written";
    }
  catch (const ModelError &e)
    {
      // Either the factorisation is made and the balance names the round-off (not a
      // mechanism), or a pivot is already lost to round-off in the factorisation and the
      // refusal names the beam as too thin for the body: which of the two depends on the BLAS
      // kernels the processor gets (OpenBLAS's Haswell or SkylakeX kernels the first; on a
      // virtual processor that does not name its model, the generic ones OpenBLAS falls back to,
      // the second; OPENBLAS_CORETYPE, 2026-12-06).
      const std::string m       = e.what();
      const bool        balance = m.find("round-off of walls this thin") != std::string::npos;
      const bool        pivot   = m.find("stiffness matrix is singular") != std::string::npos &&
                         m.find("part \"beam\" is too thin for the body") != std::string::npos;
      EXPECT_TRUE(balance || pivot) << m;
      if (balance)
        {
          EXPECT_EQ(m.find("mechanism"), std::string::npos) << m;
        }
    }
}

// NAFEMS LE5 Z-section cantilever (NAFEMS, "The Standard NAFEMS Benchmarks", TNSB rev. 3,
// 1990): 10 m long, web 2 m and flanges 1 m between mid-surfaces, all 0.1 m thick, E = 210 GPa,
// nu = 0.3, the end x = 0 held, a torque of 1.2 MN m at x = 10 m as two edge shears of 0.6 MN on
// the flanges' ends; the axial stress at point A (x = 2.5 m, mid-surface) -108 MPa. Three plates
// tied at right angles: the web's edges on the flanges' inner faces, each flange running on over
// the web's thickness (1.05 m). A lies at the flanges' free edges: warping torsion (Vlasov) with
// the warping held at the root gives the bimoment B(x) = (T / k) sinh(k (L - x)) / cosh(k L),
// k^2 = G J / (E I_w), J = sum b t^3 / 3, and sigma = B w / I_w with the normalised sectorial
// coordinate w = 0.75 m^2 at the flanges' edges and -0.25 m^2 on the web (I_w = 0.041667 m^6):
// 107.9 MPa at A, -36.0 MPa at the web's corners (opposite signs). Measured: 1000 mm mesh -106.7,
// 500 mm -107.9, 250 mm -109.1, 125 mm -109.4, 62.5 mm -109.6 MPa, converging to about 1.5 % above
// the reference as the 3D solid does (StressCheck's hexahedra -109.5 MPa; Abaqus S4 -110.4).
TEST(ShellBenchmarks, NafemsLe5ZSectionCantilever)
{
  const std::string yaml = R"(
materials:
  steel: {E: 210000 MPa, nu: 0.3, density: 7800 kg/m^3, Rp02: 1000 MPa, Rm: 1200 MPa, source: NAFEMS LE5}
parts:
  web: {material: steel, thickness: 100 mm,
        quad: {corners: [[0, -950, 0], [10000, -950, 0], [10000, 950, 0], [0, 950, 0]]}}
  flange_pos: {material: steel, thickness: 100 mm,
               quad: {corners: [[0, 1000, -50], [10000, 1000, -50], [10000, 1000, 1000], [0, 1000, 1000]]}}
  flange_neg: {material: steel, thickness: 100 mm,
               quad: {corners: [[0, -1000, 50], [10000, -1000, 50], [10000, -1000, -1000], [0, -1000, -1000]]}}
supports:
  root: {edges: [web.edge4, flange_pos.edge4, flange_neg.edge4], fix: all}
load_cases:
  torque:
    edge_forces:
      - {edge: flange_pos.edge2, force_per_length: [0, 0, "571.4285714 N/mm"]}
      - {edge: flange_neg.edge2, force_per_length: [0, 0, "-571.4285714 N/mm"]}
probes:
  A_pos: [2500, 1000, 1000]
  A_neg: [2500, -1000, -1000]
  corner: [2500, 1000, 0]
)";
  const double      E = 210000, G = E / 2.6, T = 1.2e9, L = 10000;     // N mm, mm
  const double      J = 4000 * std::pow(100.0, 3) / 3, Iw = 1e18 / 24; // mm^4, mm^6
  const double      k = std::sqrt(G * J / (E * Iw));
  const double      B = T / k * std::sinh(k * (L - 2500)) / std::cosh(k * L);
  for (const auto &[size, tolerance] : {std::pair{"500 mm", 0.02}, std::pair{"250 mm", 0.02}})
    {
      const RunOutcome r  = run_yaml(yaml, {{"mesh.size", size}});
      const auto      &lc = r.results->load_cases.at(0);
      EXPECT_NE(find_tie(*r.model, "web", "flange_pos"), nullptr);
      EXPECT_NE(find_tie(*r.model, "web", "flange_neg"), nullptr);
      for (const char *a : {"A_pos", "A_neg"})
        {
          const double s = probe(lc, a).stress_MPa[0];
          EXPECT_NEAR(relative_error(s, -108), 0, tolerance) << size << " " << a << ": " << s;
        }
      EXPECT_NEAR(probe(lc, "A_pos").stress_MPa[0], -B * 0.75e6 / Iw, 0.03 * B * 0.75e6 / Iw);
      EXPECT_NEAR(probe(lc, "corner").stress_MPa[0], B * 0.25e6 / Iw, 0.03 * B * 0.25e6 / Iw);
      expect_equilibrium(r);
    }
}

// MacNeal-Harder curved beam (test 2; MacNeal & Harder 1985): a quarter ring, inner radius
// 4.12, outer 4.32, 0.1 thick, E = 1e7, nu = 0.25, clamped at one end, a unit force at the other
// in the ring's plane (radial: 0.08734) or across it (0.5022), as an annular sector plate.
// Measured: 6 x 1 elements (MacNeal & Harder's mesh) in-plane +0.6 %, out-of-plane -5.4 % (the
// torsion of the 0.2 x 0.1 section with one element across its width; other codes' 20-node bricks:
// +0.9 %, -5.4 %); 68 x 2 (0.1 mm) +1.3 %, -2.4 %; 136 x 4 +1.3 %, -2.0 % (the 3D solid restrains
// the section's warping at the clamp, which the reference's beam theory does not).
TEST(ShellBenchmarks, MacNealHarderCurvedBeam)
{
  const std::string yaml = R"(
materials:
  m: {E: 1e7 MPa, nu: 0.25, density: 2000 kg/m^3, Rp02: 1e5 MPa, Rm: 1.2e5 MPa, source: MacNeal-Harder}
parts:
  ring: {material: m, thickness: 0.1 mm,
         disc: {centre: [0, 0, 0], normal: [0, 0, 1], outer_radius: 4.32 mm, inner_radius: 4.12 mm,
                angles: [0, 90]}}
supports:
  root: {edge: ring.side_start, fix: all}
load_cases:
  in_plane: {edge_forces: [{edge: ring.side_end, force_per_length: [0, 5, 0]}]}
  out_of_plane: {edge_forces: [{edge: ring.side_end, force_per_length: [0, 0, 5]}]}
probes:
  tip: [0, 4.22, 0]
)";
  for (const auto &[size, in_tolerance, out_tolerance] :
       {std::tuple{"1.2 mm", 0.015, 0.06}, std::tuple{"0.1 mm", 0.02, 0.03}})
    {
      const RunOutcome r = run_yaml(yaml, {{"mesh.size", size}});
      if (std::string(size) == "1.2 mm")
        {
          EXPECT_EQ(r.model->triangulation.n_active_cells(), 6u);
        }
      const double in  = probe(r.results->load_cases.at(0), "tip").displacement_mm[1];
      const double out = probe(r.results->load_cases.at(1), "tip").displacement_mm[2];
      EXPECT_NEAR(relative_error(in, 0.08734), 0, in_tolerance) << size << ": " << in;
      EXPECT_NEAR(relative_error(out, 0.5022), 0, out_tolerance) << size << ": " << out;
      expect_equilibrium(r);
    }
}

// NAFEMS LE6 skew plate under normal pressure (NAFEMS TNSB rev. 3, 1990): a 30 degree rhombus of
// 1 m sides, 10 mm thick, E = 210 GPa, nu = 0.3, simply supported (z held along the four edges;
// x, y at A, y at B), 0.7 kPa downward; the largest principal stress on the lower surface at the
// centre E 0.802 MPa. The obtuse corners are singular and uniform meshes converge slowly from
// below (the published solid solutions need graded meshes). Measured at 250, 125, 62.5, 31.25
// and 15.625 mm: 0.671, 0.738, 0.757, 0.782, 0.797 MPa; CalculiX C3D20R on the same 62.5 and
// 31.25 mm meshes (the deck `lightbody export` writes, nodal stress) 0.742, 0.773 MPa. The
// elements are parallelograms with 30 and 150 degree corners.
TEST(ShellBenchmarks, NafemsLe6SkewPlate)
{
  const std::string   yaml = R"(
materials:
  steel: {E: 210000 MPa, nu: 0.3, density: 7800 kg/m^3, Rp02: 1000 MPa, Rm: 1200 MPa, source: NAFEMS LE6}
parts:
  plate: {material: steel, thickness: 10 mm,
          quad: {corners: [[0, 0, 0], [1000, 0, 0], [1866.0254038, 500, 0], [866.0254038, 500, 0]]}}
supports:
  edges: {edges: [plate.edge1, plate.edge2, plate.edge3, plate.edge4], fix: [z]}
  A: {box: {min: [-1, -1, -10], max: [1, 1, 10]}, fix: [x, y]}
  B: {box: {min: [999, -1, -10], max: [1001, 1, 10]}, fix: [y]}
load_cases:
  p: {pressures: [{surface: plate.top, value: 0.7 kPa}]}
probes:
  E: [933.0127019, 250, -5]
)";
  std::vector<double> s1;
  for (const char *size : {"62.5 mm", "31.25 mm"})
    {
      const RunOutcome r = run_yaml(yaml, {{"mesh.size", size}});
      const auto      &s = probe(r.results->load_cases.at(0), "E").stress_MPa;
      s1.push_back(0.5 * (s[0] + s[1]) + std::hypot(0.5 * (s[0] - s[1]), s[3]));
      expect_equilibrium(r);
    }
  EXPECT_NEAR(relative_error(s1[0], 0.802), 0, 0.07) << s1[0];
  EXPECT_NEAR(relative_error(s1[1], 0.802), 0, 0.035) << s1[1];
  EXPECT_GT(s1[1], s1[0]); // from below under refinement
}

// mesh.fibres: straight (the seven-parameter shell kinematics: each through-thickness line of a
// single-layer part stays straight in the wall's plane and keeps a quadratic stretch along
// itself). On thin shells it must give the quadratic fibres' answer with about half the
// factorisation work. Measured (bench/shell_benchmarks.py, both settings): Scordelis-Lo 6 x 8
// -0.60 % against -0.61 %; hemisphere 8 x 8 -1.01 % against -1.02 %; pinched cylinder 26 x 16
// +1.22 % against +1.03 %.
// The default tank: factor 200.5 -> 98.6 Gflop, governing utilization 0.42375 -> 0.42365.
TEST(ShellBenchmarks, StraightFibresOnThinShells)
{
  const double reference = 30.24;
  RunOutcome   quadratic =
    run_file("cases/verification/scordelis_lo_roof.yaml", {{"mesh.size", "312.5 mm"}});
  RunOutcome straight = run_file("cases/verification/scordelis_lo_roof.yaml",
                                 {{"mesh.size", "312.5 mm"}, {"mesh.fibres", "straight"}});
  const auto w        = [](const RunOutcome &r) {
    return -probe(r.results->load_cases.at(0), "free_edge_middle").displacement_mm[2];
  };
  EXPECT_NEAR(relative_error(w(straight), reference), 0, 0.015) << w(straight);
  EXPECT_NEAR(w(straight) / w(quadratic), 1, 2e-3) << w(straight) << " " << w(quadratic);
  expect_equilibrium(straight);
  const auto &q = quadratic.solution->statistics, &s = straight.solution->statistics;
  EXPECT_EQ(q.dofs, s.dofs);
  EXPECT_LT(s.matrix_nonzeros, 0.75 * q.matrix_nonzeros);
  EXPECT_LT(s.factor_flops, 0.7 * q.factor_flops);

  // The pinched hemisphere from a gmsh second-order mesh, as above (reference 9.4 mm).
  const RunOutcome h =
    run_in_tests(pinched_hemisphere("hemisphere_8x8_q9.msh", "mesh: {fibres: straight}\n"));
  const double u = probe(h.results->load_cases.at(0), "a").displacement_mm[0];
  EXPECT_NEAR(relative_error(u, 9.4), 0, 0.03) << u;
  // Round-off against the thin wall's thickness stiffness, as in PinchedHemisphereFromGmsh (with
  // straight fibres 4 x 4: 1.0e-6, 8 x 8: 1.2e-6, 16 x 16: 8e-7; it moves by a few times with
  // the order of the element's sums): 1e-5.
  for (const auto &lc : h.results->load_cases)
    EXPECT_LT(lc.equilibrium_error, 1e-5) << lc.name;
}

namespace
{
  // A cantilever strip 400 x 40 x 4 mm (E 70 GPa, nu 0) held on the underside of its first
  // 20 mm only (a box around the bottom nodes, not the middle ones), a tip force of 10 N.
  std::string strip_on_its_underside(const std::string &mesh)
  {
    return "mesh: {" + mesh + R"(}
materials:
  m: {E: 70000 MPa, nu: 0, density: 2700 kg/m^3, Rp02: 5000 MPa, Rm: 6000 MPa, source: test}
parts:
  strip: {material: m, thickness: 4 mm, quad: {corners: [[0, 0, 0], [400, 0, 0], [400, 40, 0], [0, 40, 0]]}}
supports:
  held: {box: {min: [-1, -1, -2.5], max: [20.5, 41, -1.5]}, fix: all}
load_cases:
  tip: {edge_forces: [{edge: strip.edge2, force_per_length: [0, 0, -0.25 N/mm]}]}
criteria: {convergence: off}
probes:
  tip: [400, 20, 0]
)";
  }
} // namespace

// Where a support holds the ends of a straight fibre but not its middle node, the middle node's
// share of the forces is part of the reaction (without it the reactions missed 3.5 % of the load
// on the default tank). The tip deflection of the strip is the beam's P L^3 / (3 E I) with
// L = 380 mm beyond the held length (12.25 mm; the held end is not a perfect clamp: measured
// +0.7 %),
// and straight and quadratic fibres agree. A part of several layers keeps its quadratic lines:
// the same answer to rounding with either setting.
TEST(ShellBenchmarks, StraightFibresReactionsAndLayers)
{
  const double L = 380, I = 40.0 * 64 / 12, beam = 10 * L * L * L / (3 * 70000 * I);
  RunOutcome   straight  = run_yaml(strip_on_its_underside("size: 10 mm, fibres: straight"));
  RunOutcome   quadratic = run_yaml(strip_on_its_underside("size: 10 mm"));
  const auto   tip       = [](const RunOutcome &r) {
    return -probe(r.results->load_cases.at(0), "tip").displacement_mm[2];
  };
  expect_equilibrium(straight);
  EXPECT_NEAR(tip(straight) / beam, 1, 0.02) << tip(straight) << " " << beam;
  EXPECT_NEAR(tip(straight) / tip(quadratic), 1, 5e-3) << tip(straight) << " " << tip(quadratic);
  EXPECT_GT(straight.solution->statistics.dofs, 0u);

  RunOutcome layered_straight =
    run_yaml(strip_on_its_underside("size: 20 mm, layers: 2, fibres: straight"));
  RunOutcome layered = run_yaml(strip_on_its_underside("size: 20 mm, layers: 2"));
  EXPECT_DOUBLE_EQ(tip(layered_straight), tip(layered));
  EXPECT_EQ(layered_straight.solution->statistics.matrix_nonzeros,
            layered.solution->statistics.matrix_nonzeros);
}

// Straight fibres carry a constant transverse shear strain through the gauge, with the shear
// correction factor 5/6 of a rectangular section (Cowper, "The shear coefficient in Timoshenko's
// beam theory", J. Appl. Mech. 33 (1966) 335-340: 10 (1 + nu) / (12 + 11 nu) = 5/6 at nu = 0). A
// thick cantilever, L = 100, 20 x 20 mm, nu = 0, clamped end, 1 kN at the tip: Timoshenko's
// P L^3 / (3 E I) + P L / (k G A) = 0.35714 + 0.00857 = 0.365714 mm (with k = 1: 0.364286 mm,
// which the quadratic single layer gives).
TEST(ShellBenchmarks, StraightFibresShearCorrection)
{
  const double P = 1000, L = 100, E = 70000, G = E / 2, b = 20, t = 20;
  const double timoshenko =
    P * L * L * L / (3 * E * b * t * t * t / 12) + P * L / (5.0 / 6 * G * b * t);
  const RunOutcome r = run_yaml(R"(
criteria: {convergence: off}
mesh: {size: 5 mm, fibres: straight}
materials:
  m: {E: 70000 MPa, nu: 0, density: 2700 kg/m^3, Rp02: 5000 MPa, Rm: 6000 MPa, source: test}
parts:
  strip: {material: m, thickness: 20 mm, quad: {corners: [[0, 0, 0], [100, 0, 0], [100, 20, 0], [0, 20, 0]]}}
supports:
  held: {edges: [strip.edge4], fix: all}
load_cases:
  tip: {edge_forces: [{edge: strip.edge2, force_per_length: [0, 0, -50 N/mm]}]}
probes:
  tip: [100, 10, 0]
)");
  const double     w = -probe(r.results->load_cases.at(0), "tip").displacement_mm[2];
  EXPECT_NEAR(w / timoshenko, 1, 5e-4) << w << " " << timoshenko;
  expect_equilibrium(r);
}

// The constraints of straight fibres pass every rigid-body motion: a free curved panel (a
// 90-degree cylinder segment, R = 300 mm, 3 mm) has exactly six rigid-body modes with them, as
// with quadratic fibres, and the same first elastic frequency within 0.5 %.
TEST(ShellBenchmarks, StraightFibresKeepTheRigidBodyModes)
{
  const std::string   panel = R"(
criteria: {convergence: off}
materials:
  al: {E: 70000 MPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 200 MPa, Rm: 260 MPa, source: x}
parts:
  arc: {material: al, thickness: 3 mm,
        cylinder: {origin: [0, 0, 0], axis: [0, 1, 0], radius: 300 mm, length: 200 mm,
                   angles: [0, 90]}}
modal: {modes: 7, supports: none}
)";
  std::vector<double> first;
  for (const char *fibres : {"quadratic", "straight"})
    {
      const RunOutcome   o = run_yaml(panel, {{"mesh.fibres", fibres}});
      const ModalResult &m = *o.results->modal;
      ASSERT_EQ(m.frequencies_Hz.size(), 7u) << fibres;
      EXPECT_EQ(m.rigid_body_modes, 6u) << fibres;
      for (unsigned k = 0; k < 6; ++k)
        EXPECT_LT(m.frequencies_Hz[k], 0.1) << fibres;
      first.push_back(m.frequencies_Hz[6]);
    }
  EXPECT_NEAR(first[1] / first[0], 1, 5e-3) << first[0] << " " << first[1];
}

// A design checked with straight fibres is not a verdict to sign: it is CONDITIONAL at best, and
// says why (on the van example they raised a roof buckling factor at the rear header junction by
// 10 %: 0.5135 -> 0.5636, and lowered the side wall's deflection by 4 %).
TEST(ShellBenchmarks, StraightFibresMakeTheVerdictConditional)
{
  for (const char *fibres : {"quadratic", "straight"})
    {
      const RunOutcome r = run_file("cases/verification/clamped_plate.yaml",
                                    {{"mesh.size", "50 mm"}, {"mesh.fibres", fibres}});
      const Verdict   &v = r.results->verdict;
      const bool       said =
        std::any_of(v.conditions.begin(), v.conditions.end(), [](const std::string &c) {
          return c.find("straight fibres") != std::string::npos;
        });
      EXPECT_EQ(said, std::string(fibres) == "straight") << fibres;
      if (said)
        {
          EXPECT_NE(v.status, Verdict::Status::pass);
        }
    }
}
