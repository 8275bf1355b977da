// Verification against closed forms: plate and shell theory (Timoshenko & Woinowsky-Krieger,
// Theory of Plates and Shells), Lame's thick cylinder, beam theory with Timoshenko's shear term.
#include "run_helpers.h"

#include <cmath>

using namespace lightbody;
using namespace lightbody::testing;

namespace
{
  // Through-thickness bending stress 6 M / t^2 at (x, y) of a plate in the xy plane, with
  // M = int sigma_yy z dz by 5-point Gauss-Legendre over the thickness (stress linearisation as in
  // ASME VIII-2 5.A), from probes named <prefix>0..4.
  std::vector<Override> gauss_probes(const std::string &prefix, double x, double y, double t)
  {
    const double          z[5] = {-0.9061798459, -0.5384693101, 0, 0.5384693101, 0.9061798459};
    std::vector<Override> o;
    for (int i = 0; i < 5; ++i)
      o.push_back({"probes." + prefix + std::to_string(i), "[" + std::to_string(x) + ", " +
                                                             std::to_string(y) + ", " +
                                                             std::to_string(0.5 * t * z[i]) + "]"});
    return o;
  }
  double bending_stress_yy(const LoadCaseResult &lc, const std::string &prefix, double t)
  {
    const double z[5] = {-0.9061798459, -0.5384693101, 0, 0.5384693101, 0.9061798459};
    const double w[5] = {0.2369268851, 0.4786286705, 0.5688888889, 0.4786286705, 0.2369268851};
    double       M    = 0;
    for (int i = 0; i < 5; ++i)
      M += w[i] * probe(lc, prefix + std::to_string(i)).stress_MPa[1] * (0.5 * t * z[i]) * 0.5 * t;
    return 6 * M / (t * t);
  }
} // namespace

// Clamped square plate, a = 1000 mm, t = 5 mm, E = 70 000 MPa, nu = 0.33, q = 0.01 MPa.
// Clamped, b/a = 1 (Ritz, converged; Timoshenko & Woinowsky-Krieger Table 35 gives 0.00126):
//   w_centre = 0.0012653 q a^4 / D,  edge-centre moment M = 0.05133 q a^2.
TEST(Verification, ClampedSquarePlate)
{
  const double a = 1000, t = 5, E = 70000, nu = 0.33, q = 0.01;
  const double D = E * t * t * t / (12 * (1 - nu * nu));
  // The shipped case at a finer mesh; probes for the through-thickness moment at 2t and 4t from
  // the clamped edge y = 0, outside the 3D boundary layer (about t wide) of a fully fixed face.
  std::vector<Override> o = {{"mesh.size", "12.5 mm"}};
  for (auto &p : gauss_probes("near", a / 2, 2 * t, t))
    o.push_back(p);
  for (auto &p : gauss_probes("far", a / 2, 4 * t, t))
    o.push_back(p);
  const RunOutcome r  = run_file("cases/verification/clamped_plate.yaml", o);
  const auto      &lc = r.results->load_cases.at(0);

  const double w_ref = 0.0012653 * q * std::pow(a, 4) / D;
  const double w     = -probe(lc, "centre").displacement_mm[2];
  EXPECT_NEAR(w, w_ref, 0.015 * w_ref);

  // The edge value extrapolated linearly from 2t and 4t (the moment gradient there is the edge
  // shear force, smooth in plate theory).
  const double s_near = bending_stress_yy(lc, "near", t), s_far = bending_stress_yy(lc, "far", t);
  const double s_edge = 2 * s_near - s_far;
  const double s_ref  = 6 * 0.05133 * q * a * a / (t * t);
  EXPECT_NEAR(s_edge, s_ref, 0.05 * s_ref) << "near " << s_near << " far " << s_far;

  // The plate carries q a^2 in total through its clamped edges.
  EXPECT_NEAR(lc.reaction_sum_N[2], q * a * a, 1e-6 * q * a * a);
  expect_equilibrium(r);
}

// Closed thin cylinder (cylinder + 2:1 ellipsoidal head, half model on a symmetry plane) under
// internal pressure p on the inner face. Lame's exact solution for a thick cylinder
// solution for a solid wall, inner radius a, outer b: sigma_hoop(r) = p a^2/(b^2 - a^2)
// (1 + b^2/r^2), sigma_axial = p a^2/(b^2 - a^2); it differs from the thin formulas p r / t and
// p r / (2 t) by O(t/r). Read at the mid-surface 300 mm from the symmetry plane and 1200 mm from
// the head (the bending zone decays within 2.44 sqrt(r t) = 122 mm).
TEST(Verification, ClosedCylinderInternalPressure)
{
  const double      R = 500, t = 5, p = 1.0;
  const std::string yaml = R"(
mesh: {size: 40 mm}
parts:
  shell:
    material: 5083-O/H111
    thickness: 5 mm
    cylinder: {origin: [0, 0, 0], axis: [0, 0, 1], radius: 500 mm, length: 1500 mm}
  head:
    material: 5083-O/H111
    thickness: 5 mm
    head: {centre: [0, 0, 1500], axis: [0, 0, 1], radius: 500 mm, shape: ellipsoidal}
supports:
  mid_length: {symmetry: {point: [0, 0, 0], normal: [0, 0, 1]}}
  xz_plane: {symmetry: {point: [0, 0, 0], normal: [0, 1, 0]}}
  yz_plane: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}
load_cases:
  internal_pressure:
    pressures:
      - {surface: shell.bottom, value: 1 MPa}
      - {surface: head.bottom, value: 1 MPa}
probes:
  membrane: [353.5533906, 353.5533906, 300]
)";
  const RunOutcome  r    = run_yaml(yaml);
  const auto       &lc   = r.results->load_cases.at(0);
  const auto       &s    = probe(lc, "membrane").stress_MPa;
  // At 45 degrees: hoop direction (-1, 1, 0)/sqrt 2, so sigma_hoop = (sxx + syy)/2 - sxy.
  const double hoop  = 0.5 * (s[0] + s[1]) - s[3];
  const double axial = s[2];
  const double a = R - t / 2, b = R + t / 2, k = p * a * a / (b * b - a * a);
  const double hoop_lame = k * (1 + b * b / (R * R)), axial_lame = k;
  EXPECT_NEAR(hoop, hoop_lame, 0.01 * hoop_lame);
  EXPECT_NEAR(axial, axial_lame, 0.01 * axial_lame);
  // And the thin-shell membrane values (TWK), within 1 % + O(t/r):
  EXPECT_NEAR(hoop, p * R / t, (0.01 + t / R) * p * R / t);
  EXPECT_NEAR(axial, p * R / (2 * t), (0.01 + t / R) * p * R / (2 * t));
  std::printf("hoop %.4f (Lame %.4f), axial %.4f (Lame %.4f)\n", hoop, hoop_lame, axial,
              axial_lame);
  expect_equilibrium(r);
}

// Cantilever plate strip L = 1000, b = 50, t = 10 mm, tip load P = 100 N, E = 70 000, nu = 0.3.
// Beam theory with Timoshenko's shear term: delta = P L^3 / (3 E I) + P L / (kappa G A), kappa =
// 5/6. Load cases with one factorisation: the load as a line force along the tip edge, and as a
// point force at the tip centre spread through the thickness, given on the mid-surface or on a
// face.
TEST(Verification, CantileverStripTipDeflection)
{
  const std::string yaml = R"(
mesh: {size: 10 mm}
materials:
  alu: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 260 MPa}
parts:
  strip:
    material: alu
    thickness: 10 mm
    quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 50, 0], [0, 50, 0]]}
supports:
  root: {edge: strip.edge4, fix: all}
load_cases:
  tip_line_force:
    edge_forces: [{edge: strip.edge2, force_per_length: "0 0 -2 N/mm"}]
  tip_point_force:
    point_forces: [{point: [1000, 25, 0], force: "0 0 -100 N"}]
  tip_point_force_on_top_face:
    point_forces: [{point: [1000, 25, 5], force: "0 0 -100 N"}]
  tip_point_force_on_bottom_face:
    point_forces: [{point: [1000, 25, -5], force: "0 0 -100 N"}]
probes:
  tip: [1000, 25, 0]
)";
  const double      L = 1000, b = 50, t = 10, P = 100, E = 70000, nu = 0.3;
  const double      I = b * t * t * t / 12, G = E / (2 * (1 + nu)), A = b * t;
  const double      delta = P * L * L * L / (3 * E * I) + P * L / (5.0 / 6.0 * G * A);
  const RunOutcome  r     = run_yaml(yaml);
  for (const auto &lc : r.results->load_cases)
    {
      EXPECT_NEAR(-probe(lc, "tip").displacement_mm[2], delta, 0.02 * delta) << lc.name;
      EXPECT_NEAR(lc.applied_sum_N[2], -P, 1e-9 * P) << lc.name;
    }
  expect_equilibrium(r);
}

// Loads against their closed-form totals: hydrostatic pressure on a plate under a liquid column
// (rho g depth A) and gravity (mass g), each checked through the reactions too.
TEST(Verification, HydrostaticAndGravityTotals)
{
  const std::string yaml = R"(
mesh: {size: 100 mm}
parts:
  floor:
    material: 6082-T6
    thickness: 4 mm
    quad: {corners: [[0, 0, 0], [2000, 0, 0], [2000, 1000, 0], [0, 1000, 0]]}
supports:
  edges: {edges: [floor.edge1, floor.edge2, floor.edge3, floor.edge4], fix: all}
load_cases:
  water:
    hydrostatic: [{surface: floor.top, density: 1000 kg/m^3, level: 1002 mm}]
  weight:
    acceleration: [0, 0, "-1 g"]
)";
  const RunOutcome  r    = run_yaml(yaml);
  const double      g = 9806.65, A = 2000 * 1000;
  // Top face at z = 2 mm: depth 1000 mm.
  const double water = 1000e-12 * g * 1000 * A;
  EXPECT_NEAR(r.results->load_cases[0].applied_sum_N[2], -water, 1e-9 * water);
  const double weight = A * 4 * 2.70e-9 * g;
  EXPECT_NEAR(r.results->load_cases[1].applied_sum_N[2], -weight, 1e-9 * weight);
  EXPECT_NEAR(r.results->mass.total_kg, A * 4 * 2.70e-9 * 1000, 1e-9 * A * 4 * 2.7e-6);
  expect_equilibrium(r);
}
