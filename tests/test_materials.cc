// The material library's weld strengths and the case file's overrides of them (issue: welds
// checked at base-metal strength). References: EN 1999-1-1 Table 3.2b (6061-T6 fo,haz 115 /
// fu,haz 175 MPa; 6005A-T6 115 / 165 MPa; 5083-O/H111 rho_haz = 1), and the conservative rules of
// the project's standards notes for the alloys without a confirmed value (work-hardened tempers:
// the O-temper strength, Dwight, Aluminium Design and Construction; a 6xxx-T6: the lower of the
// confirmed 6xxx-T6 values of nearest base strength, 115 / 165 MPa).
#include "input/case_reader.h"
#include "input/materials.h"

#include <gtest/gtest.h>

using namespace lightbody;

TEST(Materials, EveryLibraryAlloyHasWeldStrengthsAndABasis)
{
  for (const auto &name : library_material_names())
    for (double t : {2.0, 5.0, 8.0, 30.0})
      {
        const auto m = library_material(name, t);
        ASSERT_TRUE(m) << name;
        EXPECT_GT(m->Rp02_haz, 0) << name << " " << t;
        EXPECT_GT(m->Rm_haz, 0) << name << " " << t;
        EXPECT_LE(m->Rp02_haz, m->Rp02) << name << " " << t;
        EXPECT_LE(m->Rm_haz, m->Rm) << name << " " << t;
        EXPECT_GT(m->elongation_percent, 0) << name << " " << t;
        EXPECT_FALSE(m->haz_basis.empty()) << name;
        EXPECT_EQ(m->haz_assumed, m->haz_basis.rfind("assumed", 0) == 0) << name;
      }
}

TEST(Materials, ConfirmedAndAssumedWeldStrengths)
{
  struct Expect
  {
    const char *name;
    double      t, Rp02_haz, Rm_haz;
    bool        assumed;
  };
  for (const Expect &e :
       {Expect{"6061-T6", 5, 115, 175, false}, Expect{"6005A-T6", 4, 115, 165, false},
        Expect{"5083-O/H111", 6, 125, 275, false}, Expect{"5083-H116", 5, 125, 275, true},
        Expect{"5083-H116", 60, 115, 270, true}, Expect{"6082-T6", 3, 115, 165, true},
        Expect{"S355", 10, 355, 490, false}})
    {
      const auto m = library_material(e.name, e.t);
      ASSERT_TRUE(m) << e.name;
      EXPECT_DOUBLE_EQ(m->weld_Rp02(), e.Rp02_haz) << e.name;
      EXPECT_DOUBLE_EQ(m->weld_Rm(), e.Rm_haz) << e.name;
      EXPECT_EQ(m->haz_assumed, e.assumed) << e.name;
    }
}

namespace
{
  const char *two_alloys = R"(
materials:
  own: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 200 MPa, Rm: 260 MPa}
parts:
  wall: {material: 5083-H116, thickness: 4 mm, quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}}
  roof: {material: 5083-H116, thickness: 3 mm, quad: {corners: [[0, 0, 0], [0, 500, 0], [0, 500, 500], [0, 0, 500]]}}
  floor: {material: own, thickness: 5 mm, quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 0, 500], [0, 0, 500]]}}
supports:
  clamp: {edge: wall.edge1, fix: all}
load_cases:
  g: {acceleration: [0, 0, "-1 g"]}
)";
} // namespace

// A user material without HAZ values is checked at its base strength and marked assumed; given
// values (per material, or per part, the part's winning) replace the library's, with the source.
TEST(Materials, WeldStrengthOverridesPerMaterialAndPart)
{
  const Case plain = read_case_from_string(two_alloys, "c.yaml");
  const auto own   = plain.material_of(*plain.find_part("floor"));
  EXPECT_TRUE(own.haz_assumed);
  EXPECT_DOUBLE_EQ(own.weld_Rp02(), 200);
  EXPECT_NE(own.haz_basis.find("base strength"), std::string::npos);

  const std::string given =
    std::string(two_alloys) +
    "criteria:\n  haz_strength:\n"
    "    5083-H116: {Rp02_haz: 140 MPa, Rm_haz: 280 MPa, source: mill certificate}\n"
    "    roof: {Rp02_haz: 130 MPa, Rm_haz: 275 MPa, source: weld procedure test}\n";
  const Case c    = read_case_from_string(given, "c.yaml");
  const auto wall = c.material_of(*c.find_part("wall"));
  EXPECT_DOUBLE_EQ(wall.weld_Rp02(), 140);
  EXPECT_DOUBLE_EQ(wall.weld_Rm(), 280);
  EXPECT_FALSE(wall.haz_assumed);
  EXPECT_NE(wall.haz_basis.find("mill certificate"), std::string::npos);
  const auto roof = c.material_of(*c.find_part("roof"));
  EXPECT_DOUBLE_EQ(roof.weld_Rp02(), 130);
  EXPECT_NE(roof.haz_basis.find("weld procedure test"), std::string::npos);

  // A name that is neither a part nor a material in use is refused with the nearest one.
  try
    {
      read_case_from_string(std::string(two_alloys) +
                              "criteria:\n  haz_strength:\n    rof: {Rp02_haz: 1, Rm_haz: 2, "
                              "source: x}\n",
                            "c.yaml");
      ADD_FAILURE() << "no error";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("did you mean \"roof\""), std::string::npos) << e.what();
    }
}
