// Mass and centre of gravity: conservation of mass against area x thickness x density.
#include "run_helpers.h"

#include <algorithm>
#include <cmath>

using namespace lightbody;

// Three flat parts (a rectangle, a parallelogram, a tilted rectangle) of different alloys and
// gauges. Affine elements integrate their volume exactly, so the mass must match area x t x rho
// to rounding: 1e-9 relative.
TEST(Mass, MultiPartCaseIsExact)
{
  const std::string yaml  = R"(
mesh: {size: 70 mm}
parts:
  floor:
    material: 5083-H116
    thickness: 4 mm
    quad: {corners: [[0, 0, 0], [3000, 0, 0], [3000, 1200, 0], [0, 1200, 0]]}
  gusset:
    material: 6082-T6
    thickness: 6 mm
    quad: {corners: [[0, 0, 500], [800, 0, 500], [1100, 400, 500], [300, 400, 500]]}
  wall:
    material: 6061-T6
    thickness: 3 mm
    quad: {corners: [[0, 2000, 0], [1500, 2000, 0], [1500, 2000, 900], [0, 2000, 900]]}
supports:
  s: {box: {min: [0, 0, 0], max: [1, 1, 1]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  const Case        c     = read_case_from_string(yaml, "mass.yaml");
  const auto        model = build_model(c);
  const auto        m     = compute_mass(*model);

  const double rho          = 2.70e-9 * 1000; // kg/mm^3
  const double expected[3]  = {3000 * 1200 * 4 * rho, 800 * 400 * 6 * rho, 1500 * 900 * 3 * rho};
  const double centre[3][3] = {{1500, 600, 0}, {550, 200, 500}, {750, 2000, 450}};
  double       total = 0, moment[3] = {0, 0, 0};
  ASSERT_EQ(m.parts.size(), 3u);
  for (int i = 0; i < 3; ++i)
    {
      EXPECT_NEAR(m.parts[i].mass_kg, expected[i], 1e-9 * expected[i]) << m.parts[i].name;
      total += expected[i];
      for (int d = 0; d < 3; ++d)
        moment[d] += expected[i] * centre[i][d];
    }
  EXPECT_NEAR(m.total_kg, total, 1e-9 * total);
  for (int d = 0; d < 3; ++d)
    EXPECT_NEAR(m.centre_of_gravity_mm[d], moment[d] / total, 1e-9 * 3000);
}

// A curved part converges to its closed-form area x thickness: the cylinder's volume is exactly
// 2 pi R t L, and the quadratic mapping must get within 1e-5 at 16 elements around.
TEST(Mass, CylinderVolumeFromQuadraticGeometry)
{
  const std::string yaml     = R"(
mesh: {size: 200 mm}
parts:
  shell:
    material: 5083-O/H111
    thickness: 6 mm
    cylinder: {origin: [0, 0, 0], axis: [1, 0, 0], radius: 900 mm, length: 4000 mm}
supports:
  s: {edge: shell.start, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  const auto        model    = build_model(read_case_from_string(yaml, "cyl.yaml"));
  const auto        m        = compute_mass(*model);
  const double      expected = 2 * M_PI * 900 * 6 * 4000 * 2.70e-6;
  EXPECT_NEAR(m.total_kg, expected, 1e-5 * expected);
  EXPECT_NEAR(m.centre_of_gravity_mm[0], 2000, 1e-6);
}

namespace
{
  // Building the model of the case text throws a ModelError whose message holds `text`.
  void expect_model_error(const std::string &yaml, const std::string &name, const std::string &text)
  {
    try
      {
        build_model(read_case_from_string(yaml, name));
        ADD_FAILURE() << name << ": expected a ModelError";
      }
    catch (const ModelError &e)
      {
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
      }
  }
} // namespace

// Parts that fill the same space count their material twice: a part copied and not moved, or a
// doubler drawn within the plate's thickness, is refused (tests/bad_cases/part_given_twice.yaml,
// part_within_another.yaml). A web standing on the plate's face, a doubler beside the plate
// (mid-surfaces 4 mm apart: half of 4 + 4 mm, the faces touching) and a plate butting against
// another in its plane are not overlaps: the mass is each part's area x thickness x density.
TEST(Mass, PartsBesideEachOtherAreNotOverlaps)
{
  const std::string yaml  = R"(
mesh: {size: 50 mm}
parts:
  plate: {material: 5083-H116, thickness: 4 mm,
          quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}}
  doubler: {material: 5083-H116, thickness: 4 mm,
            quad: {corners: [[250, 0, 4], [750, 0, 4], [750, 500, 4], [250, 500, 4]]}}
  next: {material: 5083-H116, thickness: 4 mm,
         quad: {corners: [[1000, 0, 0], [1500, 0, 0], [1500, 500, 0], [1000, 500, 0]]}}
  web: {material: 5083-H116, thickness: 6 mm,
        quad: {corners: [[0, 250, -2], [1000, 250, -2], [1000, 250, -202], [0, 250, -202]]}}
supports:
  s: {box: {min: [0, 0, -1], max: [1, 500, 1]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  const auto        model = build_model(read_case_from_string(yaml, "beside.yaml"));
  // The web stands on the plate's face: tied.
  EXPECT_TRUE(std::any_of(model->joints.begin(), model->joints.end(),
                          [](const Joint &j) { return j.part_a == "web" || j.part_b == "web"; }));
  const auto   m   = compute_mass(*model);
  const double rho = 2.70e-6; // kg/mm^3, 5083-H116
  EXPECT_NEAR(m.total_kg,
              (1000 * 500 * 4 + 500 * 500 * 4 + 500 * 500 * 4) * rho + 1000 * 200 * 6 * rho,
              1e-6 * m.total_kg);

  // The same doubler 1 mm closer: within the plate's thickness.
  std::string inside = yaml;
  for (std::string::size_type at; (at = inside.find(", 4]")) != std::string::npos;)
    inside.replace(at, 4, ", 3]");
  expect_model_error(inside, "inside.yaml", "fill the same space");
}

// Walls at an angle cross only where joined: a stiffener drawn through the plate (its node line
// 10 mm off the plate, so the crossing runs through the elements, not along a mesh line) is
// refused (tests/bad_cases/parts_crossing.yaml: along a mesh line); the same stiffener ending at
// the plate's mid-surface (the shell habit) lies within the plate, unjoined: refused; ending at
// the plate's face it is tied.
TEST(Mass, WallsCrossOnlyWhereJoined)
{
  const std::string through = R"(
mesh: {size: 50 mm}
parts:
  plate: {material: 5083-H116, thickness: 4 mm,
          quad: {corners: [[0, 0, 10], [1000, 0, 10], [1000, 500, 10], [0, 500, 10]]}}
  stiffener: {material: 5083-H116, thickness: 4 mm,
              quad: {corners: [[0, 230, -100], [1000, 230, -100], [1000, 230, 100], [0, 230, 100]]}}
supports:
  s: {box: {min: [0, 0, -100], max: [1, 500, 100]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  expect_model_error(through, "through.yaml", "cross without a joint");
  std::string mid = through;
  mid.replace(mid.find("[1000, 230, 100], [0, 230, 100]"), 31, "[1000, 230, 10], [0, 230, 10]");
  expect_model_error(mid, "mid.yaml",
                     "the edge of part \"stiffener\" ends within the thickness of part \"plate\"");
  std::string face = through;
  face.replace(face.find("[1000, 230, 100], [0, 230, 100]"), 31, "[1000, 230, 8], [0, 230, 8]");
  const auto model = build_model(read_case_from_string(face, "face.yaml"));
  ASSERT_EQ(model->joints.size(), 1u);
  EXPECT_EQ(model->joints[0].kind, Joint::Kind::tied);
  // Joined at one place, crossing at another: a web tied to a tube's inner face at its top
  // runs through the tube's bottom unjoined (this passed while a joint anywhere let the pair
  // cross everywhere).
  const std::string tube = R"(
mesh: {size: 50 mm}
parts:
  tube: {material: 5083-H116, thickness: 4 mm,
         cylinder: {origin: [0, 0, 0], axis: [1, 0, 0], reference: [0, 0, -1], radius: 200 mm,
                    length: 1000 mm}}
  web: {material: 5083-H116, thickness: 4 mm,
        quad: {corners: [[0, 0, -300], [1000, 0, -300], [1000, 0, 198], [0, 0, 198]]}}
supports:
  s: {box: {min: [-1, -300, -300], max: [1, 300, 300]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
  expect_model_error(tube, "tube.yaml", "parts \"tube\" and \"web\" cross without a joint");
  std::string inside = tube;
  inside.replace(inside.find("-300], [1000, 0, -300]"), 22, "-198], [1000, 0, -198]");
  const auto ring = build_model(read_case_from_string(inside, "inside.yaml"));
  ASSERT_EQ(ring->joints.size(), 1u); // tied at the top and at the bottom: no crossing
  EXPECT_NEAR(ring->joints[0].length_mm, 2000, 1);
  // An L corner: drawn at the mid-surfaces it is refused (bad_case.corner_at_mid_surfaces); as
  // the message says, one wall run on by half a gauge and the other ended on its face, it is tied.
  const std::string corner = R"(
mesh: {size: 100 mm}
parts:
  a: {material: 5083-H116, thickness: 5 mm,
      quad: {corners: [[0, 0, 0], [1002.5, 0, 0], [1002.5, 0, 500], [0, 0, 500]]}}
  b: {material: 5083-H116, thickness: 5 mm,
      quad: {corners: [[1000, 2.5, 0], [1000, 800, 0], [1000, 800, 500], [1000, 2.5, 500]]}}
supports:
  s: {edges: [a.edge1, b.edge1], fix: all}
load_cases:
  p: {pressures: [{surface: a.top, value: 0.001 MPa}]}
)";
  const auto        l      = build_model(read_case_from_string(corner, "corner.yaml"));
  ASSERT_EQ(l->joints.size(), 1u);
  EXPECT_EQ(l->joints[0].kind, Joint::Kind::tied);
  EXPECT_NEAR(l->joints[0].length_mm, 500, 1);
}

// An edge whose end face lies on another part's face only in part forms no tie: a wall standing
// at the very end of a plate, half its gauge beyond it, with the wall held at its top, passed as
// two separate plates ("2 parts, 0 joints"). Refused when the two are joined nowhere; joined
// elsewhere (a rib tied to both), the partial contact is left as it is and the model builds.
TEST(Mass, AnEdgePartlyOnAFaceOfAnUnjoinedPart)
{
  const std::string alone = R"(
mesh: {size: 100 mm}
parts:
  plate: {material: 5083-H116, thickness: 10 mm,
          quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}}
  wall: {material: 5083-H116, thickness: 6 mm,
         quad: {corners: [[1000, 0, 5], [1000, 500, 5], [1000, 500, 505], [1000, 0, 505]]}}
supports:
  clamp: {edges: [plate.edge4], fix: all}
  top: {box: {min: [990, -1, 504], max: [1010, 501, 506]}, fix: all}
load_cases:
  p: {pressures: [{surface: plate.top, value: 0.01 MPa}]}
)";
  expect_model_error(alone, "alone.yaml",
                     "the edge of part \"wall\" lies on a face of part \"plate\" only in part");
  // The wall moved onto the plate (its face half a gauge inside the plate's end): tied.
  std::string onto = alone;
  onto.replace(onto.find("[[1000, 0, 5], [1000, 500, 5], [1000, 500, 505], [1000, 0, 505]]"), 64,
               "[[997, 0, 5], [997, 500, 5], [997, 500, 505], [997, 0, 505]]");
  const auto tied = build_model(read_case_from_string(onto, "onto.yaml"));
  ASSERT_EQ(tied->joints.size(), 1u);
  EXPECT_NEAR(tied->joints[0].length_mm, 500, 1);
  std::string rib = alone;
  rib.insert(rib.find("supports:"), R"(  rib: {material: 5083-H116, thickness: 6 mm,
        quad: {corners: [[500, 250, 5], [997, 250, 5], [997, 250, 505], [500, 250, 505]]}}
)");
  const auto joined = build_model(read_case_from_string(rib, "rib.yaml"));
  ASSERT_EQ(joined->joints.size(), 2u);
  for (const Joint &j : joined->joints)
    EXPECT_EQ(j.part_a, "rib") << j.part_b;
}
