// Frame bodies (box and tipper) and right-angle joints: a box beam of four tied plates against
// beam theory, the example bodies' masses against hand calculations, and their joints.
#include "run_helpers.h"

#include <cmath>

using namespace lightbody;
using namespace lightbody::testing;

namespace
{
  const double rho_al = 2.7e-6; // kg/mm^3, EN 1991-1-1 Table A.4
} // namespace

// Box beam (square tube 100 x 100 x 4 mm, L = 2000 mm) of four plates joined at right angles:
// the webs' edges are tied to the flanges' inner faces. Tip load P on the webs.
// Beam theory with Timoshenko's shear term: delta = P L^3/(3 E I) + P L/(kappa G A), I = (B H^3 -
// (B - 2t)(H - 2t)^3)/12, kappa = 0.4355 (Cowper 1966, square box, nu = 0.3).
TEST(FrameBodies, BoxBeamCantileverMatchesBeamTheory)
{
  const std::string yaml = R"(
mesh: {size: 20 mm}
materials:
  alu: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 260 MPa}
parts:
  top:
    {material: alu, thickness: 4 mm, quad: {corners: [[0, -50, 48], [2000, -50, 48], [2000, 50, 48], [0, 50, 48]]}}
  bottom:
    {material: alu, thickness: 4 mm, quad: {corners: [[0, -50, -48], [2000, -50, -48], [2000, 50, -48], [0, 50, -48]]}}
  web_left:
    {material: alu, thickness: 4 mm, quad: {corners: [[0, 48, -46], [2000, 48, -46], [2000, 48, 46], [0, 48, 46]]}}
  web_right:
    {material: alu, thickness: 4 mm, quad: {corners: [[0, -48, -46], [2000, -48, -46], [2000, -48, 46], [0, -48, 46]]}}
supports:
  clamp: {edges: [top.edge4, bottom.edge4, web_left.edge4, web_right.edge4], fix: all}
load_cases:
  tip:
    edge_forces:
      - {edge: web_left.edge2, force_per_length: [0, 0, "-5.4347826 N/mm"]}
      - {edge: web_right.edge2, force_per_length: [0, 0, "-5.4347826 N/mm"]}
probes:
  tip_left: [2000, 48, 0]
  tip_right: [2000, -48, 0]
)";
  const RunOutcome  r    = run_yaml(yaml);
  for (const char *w : {"web_left", "web_right"})
    for (const char *f : {"top", "bottom"})
      EXPECT_NE(find_tie(*r.model, w, f), nullptr) << w << " on " << f;
  const double P = 2 * 5.4347826 * 92, L = 2000, E = 70000, G = E / 2.6;
  const double I = (std::pow(100.0, 4) - std::pow(92.0, 4)) / 12, A = 100 * 100 - 92 * 92;
  const double delta = P * L * L * L / (3 * E * I) + P * L / (0.4355 * G * A);
  const auto  &lc    = r.results->load_cases.at(0);
  const double tip =
    -0.5 * (probe(lc, "tip_left").displacement_mm[2] + probe(lc, "tip_right").displacement_mm[2]);
  EXPECT_NEAR(tip, delta, 0.02 * delta);
  expect_equilibrium(r);
}

// The 6.2 m van body: plate areas x gauges x density, written out from its dimensions.
TEST(FrameBodies, VanBodyMassAndJoints)
{
  const auto model =
    build_model(read_case(std::string(LIGHTBODY_SOURCE_DIR) + "/cases/van_body_6200.yaml"));
  const double L = 6200, W = 2480, H = 2400, Lx = L + 2.5, yo = W / 2 + 2.5;
  double       volume = 0;
  volume += Lx * 2 * yo * 4;                      // floor
  volume += 2 * Lx * H * 2.5;                     // side walls
  volume += W * H * 2.5;                          // front wall
  volume += 2 * yo * Lx * 2;                      // roof
  volume += (2 * (H - 150) * 150 + 150 * W) * 10; // rear posts and header
  volume += 9 * 2 * (80 + 60) * H * 4;            // side posts at 600 mm: webs and flanges
  volume += 3 * (80 + 60) * H * 4;                // front wall posts at W / 4
  volume += 9 * W * 80 * 4;                       // roof bows
  volume += 2 * Lx * (160 + 60) * 8;              // sills: webs and flanges
  volume += 12 * (992 + 2 * 738.5) * 120 * 7.0;   // crossmembers at 500 mm (250 ... 5750)
  const double expected = volume * rho_al;
  EXPECT_NEAR(compute_mass(*model).total_kg, expected, 0.005 * expected);

  EXPECT_NE(find_tie(*model, "side_left", "floor"), nullptr);
  EXPECT_NE(find_tie(*model, "side_right", "roof"), nullptr);
  EXPECT_NE(find_tie(*model, "front_wall", "side_left"), nullptr);
  EXPECT_NE(find_tie(*model, "sill_left_web", "floor"), nullptr);
  EXPECT_NE(find_tie(*model, "sill_left_web", "sill_left_flange"), nullptr);
  EXPECT_NE(find_tie(*model, "crossmember_1_middle", "sill_left_web"), nullptr);
  EXPECT_NE(find_tie(*model, "post_left_1_web", "side_left"), nullptr);
  EXPECT_NE(find_tie(*model, "post_left_1_web", "post_left_1_flange"), nullptr);
  EXPECT_NE(find_tie(*model, "roof_bow_1", "roof"), nullptr);
}

// The 12 m3 tipper: mass by hand, and the supports of the tipping position. Its side posts stand
// on every second crossmember (U-frames: floor and crossmembers run out to the posts' flanges,
// which reach down to the crossmembers' bottoms), a canopy over the front wall, top rails on the
// side walls and across the tailgate, and the ram bracket between two webs joining the sills.
TEST(FrameBodies, TipperMassAndTippingPosition)
{
  const std::string file  = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/tipper_12m3.yaml";
  const auto        model = build_model(read_case(file));
  const double      L = 4800, W = 2300, H = 1100, Lx = L + 5;
  const double      out = 120 + 6;                      // post depth + gauge
  const double      yf = W / 2 + 5 + 120, xf = -5 - out; // floor edges: side posts' flanges, front
  const double      wr = 5 + 120 + 6;                   // rail width: wall + post depth + gauge
  const double      xr = 600 + 40;                      // canopy to the first post's flange
  double            volume = 0;
  volume += (L + out - xf) * 2 * yf * 8;                // floor
  volume += 2 * Lx * H * 5 + W * H * 5;                 // sides, front wall
  volume += H * W * 5;                                  // tailgate
  volume += 2 * 5 * (120 * H + 80 * (H + 8 + 120)) * 6; // side posts at 600, 1400, ... 3800
  volume += 2 * 2 * (120 + 80) * H * 6;                 // front wall and tailgate posts at W / 3
  volume += (xr + 5 + 400) * (W + 2 * wr) * 8;          // canopy
  volume += (2 * (L - 5 - xr) * wr + wr * (W + 2 * wr)) * 8; // top rails
  volume += 2 * Lx * (200 + 80) * 8;                         // longitudinals
  volume += 12 * (992 + 2 * (yf - 504)) * 120 * 6.0; // crossmembers at 400 mm (200 ... 4600)
  volume += 2 * 300 * 354 * 15.0;  // hinge brackets down to 150 mm below the sills
  volume += 300 * 200 * 15.0;      // ram bracket, as deep as the sills
  volume += 2 * 992 * 200 * 15.0;  // ram cross member's webs
  const double expected = volume * rho_al;
  EXPECT_NEAR(compute_mass(*model).total_kg, expected, 0.005 * expected);

  // The tipping position's default supports come first; the template adds the chassis mounts
  // its transport and braking cases need (the solved template: Templates.TipperTotals...).
  const Case tipping = read_case(file, {{"body.tipper.position", "tipping"}});
  ASSERT_EQ(tipping.supports.size(), 3u);
  EXPECT_EQ(tipping.supports[0].name, "hinge_pins");
  EXPECT_EQ(tipping.supports[1].name, "ram_pin");
  EXPECT_EQ(tipping.supports[2].name, "mounts");
}

// Tipper walls with posts (sides on the crossmembers nearest the pitch stations as U-frames,
// front wall and tailgate evenly across their width) and flat top rails on the side walls and
// across the tailgate: each stiffener is tied to its wall, and the mass adds up by hand.
TEST(FrameBodies, TipperPostsAndTopRails)
{
  const std::string yaml  = R"(
mesh: {size: 150 mm}
body:
  tipper:
    length: 3000 mm
    width: 2000 mm
    height: 1000 mm
    floor: {material: 5083-H116, thickness: 8 mm}
    walls: {material: 5083-H116, thickness: 5 mm}
    sills: {material: 6082-T6, thickness: 8 mm, spacing: 1000 mm, height: 180 mm, flange: 80 mm}
    crossmembers: {material: 6082-T6, thickness: 6 mm, pitch: 500 mm, height: 100 mm}
    hinges: {material: 6082-T6, thickness: 15 mm, depth: 150 mm}
    ram: {station: 800 mm, depth: 250 mm}
    posts: {material: 6082-T6, thickness: 4 mm, pitch: 750 mm, depth: 60 mm, flange: 50 mm}
    top_rail: {material: 6082-T6, thickness: 10 mm, width: 120 mm}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  const auto        model = build_model(read_case_from_string(yaml, "t.yaml"));
  for (const char *post : {"post_left_1_web", "post_left_3_web", "post_right_2_web"})
    EXPECT_TRUE(find_joint(*model, post, post[5] == 'l' ? "side_left" : "side_right")) << post;
  for (const char *post : {"post_front_1_web", "post_front_2_web"}) // W / 750 -> 3 bays
    EXPECT_TRUE(find_joint(*model, post, "front_wall")) << post;
  for (const char *post : {"post_rear_1_web", "post_rear_2_web"})
    EXPECT_TRUE(find_joint(*model, post, "tailgate")) << post;
  // U-frames: the side posts on crossmembers 2, 3 and 5 (at 750, 1250 and 2250), their feet on
  // the floor and their flanges on the crossmembers' ends.
  for (const auto &[post, crossmember] : std::vector<std::pair<std::string, std::string>>{
         {"post_left_1", "crossmember_2_left"},
         {"post_left_2", "crossmember_3_left"},
         {"post_right_3", "crossmember_5_right"}})
    {
      EXPECT_NE(find_tie(*model, post + "_web", "floor"), nullptr) << post;
      EXPECT_NE(find_tie(*model, crossmember, post + "_flange"), nullptr) << post;
    }
  EXPECT_TRUE(find_joint(*model, "top_rail_rear", "tailgate"));
  EXPECT_TRUE(find_joint(*model, "top_rail_rear", "top_rail_left"));
  EXPECT_FALSE(model->parts.end() !=
               std::find_if(model->parts.begin(), model->parts.end(),
                            [](const PartMesh &p) { return p.name == "post_front_3_web"; }));
  EXPECT_TRUE(find_joint(*model, "top_rail_left", "side_left"));
  EXPECT_TRUE(find_joint(*model, "top_rail_right", "side_right"));

  // Stiffeners only: the same body without them, plus their plates, the floor run out under
  // the posts and the crossmembers out to the side posts' flanges.
  const double H = 1000, rho_6082 = rho_al;
  const double posts = 3 * 2 * (60 * H + 50 * (H + 8 + 100)) * 4 // sides at 750, 1250, 2250
                       + 2 * 2 * (60 + 50) * H * 4; // front wall and tailgate: W / 750 -> 3 bays
  const double rails = 2 * (2995 + 5) * 120 * 10 + 120 * (2000 + 2 * 120) * 10; // sides, rear
  const double floor = (3133.0 * 2130 - 3005.0 * 2010) * 8; // -69 ... 3064, +-1065 (was +-1005)
  const double crossmembers = 6 * 2 * 60 * 100 * 6.0;      // out to the posts' flanges
  const auto   bare =
    build_model(read_case_from_string(yaml.substr(0, yaml.find("    posts:")) +
                                        "load_cases:\n  g: {acceleration: [0, 0, \"-1 g\"]}\n",
                                      "t.yaml"));
  const double expected =
    compute_mass(*bare).total_kg + (posts + rails + floor + crossmembers) * rho_6082;
  EXPECT_NEAR(compute_mass(*model).total_kg, expected, 0.002 * expected);
}

// Parts given their own gauge keep their neighbours on their faces: a 12 mm floor lifts the walls
// and the posts by 2 mm, a 12 mm left sill web moves the crossmembers' ends beside it by 2 mm, a
// 10 mm post flange moves out by 2 mm; the model has every joint of the body with its gauges.
TEST(FrameBodies, PlatesFollowOverriddenGauges)
{
  const std::string file = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/tipper_12m3.yaml";
  const Case        base = read_case(file);
  const Case        c    = read_case(file, {{"parts.floor.thickness", "12 mm"},
                                            {"parts.sill_left_web.thickness", "12 mm"},
                                            {"parts.post_left_2_flange.thickness", "10 mm"}});
  auto part = [](const Case &k, const std::string &name) -> const PartSpec & {
    for (const auto &p : k.parts)
      if (p.name == name)
        return p;
    throw std::runtime_error("no part " + name);
  };
  auto lowest = [](const PartSpec &p, int d) {
    double v = p.corners[0][d];
    for (const auto &x : p.corners)
      v = std::min(v, x[d]);
    return v;
  };
  EXPECT_DOUBLE_EQ(lowest(part(c, "side_left"), 2), lowest(part(base, "side_left"), 2) + 2);
  EXPECT_DOUBLE_EQ(lowest(part(c, "post_left_1_web"), 2),
                   lowest(part(base, "post_left_1_web"), 2) + 2);
  EXPECT_DOUBLE_EQ(lowest(part(c, "crossmember_1_left"), 1),
                   lowest(part(base, "crossmember_1_left"), 1) + 2);
  EXPECT_DOUBLE_EQ(lowest(part(c, "crossmember_1_right"), 1),
                   lowest(part(base, "crossmember_1_right"), 1));
  EXPECT_DOUBLE_EQ(lowest(part(c, "post_left_2_flange"), 1),
                   lowest(part(base, "post_left_2_flange"), 1) + 2);
  EXPECT_DOUBLE_EQ(part(c, "floor").thickness, 12);

  const auto given = build_model(c), plain = build_model(base);
  EXPECT_EQ(given->joints.size(), plain->joints.size());
  for (const char *a : {"side_left", "post_left_1_web", "sill_left_web", "crossmember_1_middle"})
    EXPECT_NE(find_tie(*given, a, "floor"), nullptr) << a;
  EXPECT_NE(find_tie(*given, "crossmember_1_left", "sill_left_web"), nullptr);
  EXPECT_NE(find_tie(*given, "crossmember_4_left", "post_left_2_flange"), nullptr);
}
