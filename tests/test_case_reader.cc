// The case reader: values, units, overrides, and errors that name file, line, column and key.
#include "input/case_reader.h"
#include "input/keys.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

using namespace lightbody;

namespace
{
  const char *plate = R"(case: panel
mesh: {size: 50 mm, layers: 2}
parts:
  floor:
    material: 5083-H116
    thickness: 5 mm
    quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}
supports:
  clamp: {edges: [floor.edge1, floor.edge3], fix: [x, y, z]}
load_cases:
  load:
    pressures: [{surface: floor.top, value: 0.5 bar}]
    acceleration: "0 0 -2 g"
probes:
  middle: [500, 250, 0]
)";

  // The messages of an InputError, one string each.
  std::vector<std::string> errors_of(const std::string &yaml, const std::vector<Override> &o = {})
  {
    try
      {
        read_case_from_string(yaml, "case.yaml", o);
      }
    catch (const InputError &e)
      {
        std::vector<std::string> m;
        for (const auto &d : e.diagnostics())
          m.push_back(d.to_string());
        return m;
      }
    return {};
  }

  // One problem, whose text holds `text`.
  void expect_one(const std::vector<std::string> &e, const std::string &text)
  {
    ASSERT_EQ(e.size(), 1u);
    EXPECT_NE(e[0].find(text), std::string::npos) << e[0];
  }

  std::string replace(std::string s, const std::string &from, const std::string &to)
  {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  }
} // namespace

TEST(CaseReader, ReadsValuesInInternalUnits)
{
  const Case c = read_case_from_string(plate, "case.yaml");
  EXPECT_EQ(c.name, "panel");
  EXPECT_EQ(c.mesh.layers, 2u);
  ASSERT_EQ(c.parts.size(), 1u);
  EXPECT_DOUBLE_EQ(c.parts[0].thickness, 5);
  EXPECT_DOUBLE_EQ(c.parts[0].corners[2][1], 500);
  ASSERT_EQ(c.load_cases.size(), 1u);
  EXPECT_DOUBLE_EQ(c.load_cases[0].pressures[0].pressure, 0.05);
  EXPECT_DOUBLE_EQ(c.load_cases[0].acceleration[2], -2 * 9806.65);
  EXPECT_TRUE(c.supports[0].fixed[0] && c.supports[0].fixed[1] && c.supports[0].fixed[2]);
  // Library material at the part's gauge: 5083-H116 plate up to 40 mm, EN 485-2.
  EXPECT_DOUBLE_EQ(c.material_of(c.parts[0]).Rp02, 215);
}

TEST(CaseReader, OverridesChangeValuesWithoutEditingTheFile)
{
  const Case c = read_case_from_string(plate, "case.yaml",
                                       {{"parts.floor.thickness", "6 mm"},
                                        {"load_cases.load.pressures.0.value", "0.2 bar"},
                                        {"mesh.size", "25"}});
  EXPECT_DOUBLE_EQ(c.parts[0].thickness, 6);
  EXPECT_DOUBLE_EQ(c.load_cases[0].pressures[0].pressure, 0.02);
  EXPECT_DOUBLE_EQ(c.mesh.size_mm, 25);
  EXPECT_NE(c.effective_yaml.find("6 mm"), std::string::npos);
}

TEST(CaseReader, OverrideParsing)
{
  const Override o = parse_override("parts.floor.thickness=6 mm");
  EXPECT_EQ(o.key, "parts.floor.thickness");
  EXPECT_EQ(o.value, "6 mm");
  EXPECT_THROW(parse_override("parts.floor.thickness"), InputError);
}

TEST(CaseReader, UnknownKeyNamesPlaceAndSuggestsTheNearestKey)
{
  const auto e = errors_of(replace(plate, "    thickness: 5 mm", "    thicknes: 5 mm"));
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].find("case.yaml:6:5: parts.floor.thicknes: unknown key (did you mean "
                      "\"thickness\"?)"),
            std::string::npos)
    << e[0];
}

TEST(CaseReader, BadUnitNamesTheKey)
{
  const auto e = errors_of(replace(plate, "thickness: 5 mm", "thickness: 5 MPa"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml:6:16: parts.floor.thickness: unit \"MPa\" does not give a length"),
            std::string::npos)
    << e[0];
}

TEST(CaseReader, AllProblemsOfAFileAtOnce)
{
  std::string bad = replace(plate, "thickness: 5 mm", "thickness: -5 mm");
  bad             = replace(bad, "material: 5083-H116", "material: 5083-H161");
  bad             = replace(bad, "surface: floor.top", "surface: floor.topp");
  bad             = replace(bad, "fix: [x, y, z]", "fix: [x, q]");
  const auto e    = errors_of(bad);
  ASSERT_EQ(e.size(), 4u);
  std::string all;
  for (const auto &m : e)
    all += m + "\n";
  EXPECT_NE(all.find("\"-5 mm\" must be positive"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown material \"5083-H161\" (did you mean \"5083-H116\"?)"),
            std::string::npos)
    << all;
  EXPECT_NE(all.find("part \"floor\" has no surface \"topp\" (did you mean \"top\"?)"),
            std::string::npos)
    << all;
  EXPECT_NE(all.find("unknown component \"q\""), std::string::npos) << all;
}

TEST(CaseReader, OverrideErrorsSayTheyCameFromTheCommandLine)
{
  const auto e = errors_of(plate, {{"parts.floor.thickness", "thick"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml (--set parts.floor.thickness): parts.floor.thickness"),
            std::string::npos)
    << e[0];
  EXPECT_NE(e[0].find("parts.floor.thickness"), std::string::npos) << e[0];
}

TEST(CaseReader, YamlSyntaxErrorHasALine)
{
  const auto e = errors_of("parts: {floor: [\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("YAML syntax error"), std::string::npos) << e[0];
}

TEST(CaseReader, MissingSectionsAreReported)
{
  const auto e = errors_of("case: empty\n");
  ASSERT_EQ(e.size(), 3u); // parts, supports, load_cases
}

// Unusual but legal material values run, with a warning naming the key and the line (E typed in
// GPa as if MPa, a nearly incompressible nu, a density of a foam).
TEST(CaseReader, MaterialsOutsideStructuralMetalsWarn)
{
  const std::string yaml = replace(plate, "case: panel\n",
                                   "case: panel\nmaterials:\n  odd: {E: 70, nu: 0.499999, density: "
                                   "100 kg/m^3, Rp02: 100, Rm: 200}\n");
  const Case        c =
    read_case_from_string(replace(yaml, "material: 5083-H116", "material: odd"), "case.yaml");
  ASSERT_EQ(c.warnings.size(), 3u);
  EXPECT_NE(c.warnings[0].to_string().find(
              "case.yaml:3:12: materials.odd.E: 70 MPa is outside the range of structural metals"),
            std::string::npos)
    << c.warnings[0].to_string();
  EXPECT_NE(c.warnings[1].to_string().find("materials.odd.nu"), std::string::npos);
  EXPECT_NE(c.warnings[2].to_string().find("100 kg/m^3"), std::string::npos)
    << c.warnings[2].to_string();
  // The library's alloys are within the range.
  EXPECT_TRUE(read_case_from_string(plate, "case.yaml").warnings.empty());
}

// Unusual but physical values warn (a thick plate, a benchmark's strengths); impossible ones stay
// errors (a gauge over 2 m).
TEST(CaseReader, UnusualValuesWarnImpossibleOnesAreErrors)
{
  const Case c = read_case_from_string(
    replace(plate, "    thickness: 5 mm\n", "    thickness: 600 mm\n"), "case.yaml");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].to_string().find(
              "parts.floor.thickness: \"600 mm\" is unusually large (more than 100 mm)"),
            std::string::npos)
    << c.warnings[0].to_string();
  EXPECT_DOUBLE_EQ(c.parts.at(0).thickness, 600);
  const auto e = errors_of(replace(plate, "    thickness: 5 mm\n", "    thickness: 3 m\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("is implausibly large (more than 2000 mm)"), std::string::npos) << e[0];
}

// What the YAML library would accept silently: a key given twice (it keeps the first), a second
// document, a NUL byte, foreign tags, aliases that expand without bound.
TEST(CaseReader, StrictYaml)
{
  auto e = errors_of(
    replace(plate, "    thickness: 5 mm\n", "    thickness: 5 mm\n    thickness: 8 mm\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml:7:5: parts.floor.thickness: given twice (first on line 6)"),
            std::string::npos)
    << e[0];
  e = errors_of(std::string(plate) + "---\ncase: other\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("a second YAML document"), std::string::npos) << e[0];
  // A trailing document marker alone is harmless.
  EXPECT_NO_THROW(read_case_from_string(std::string(plate) + "---\n", "case.yaml"));
  e = errors_of(std::string(plate) + "# \0\n");
  EXPECT_TRUE(e.empty()); // a C string stops at the NUL: the check needs the whole text
  e = errors_of(std::string(plate) + std::string("# x\0y\n", 6));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml:16:1: the file contains a NUL byte"), std::string::npos) << e[0];
  e = errors_of(replace(plate, "thickness: 5 mm", "thickness: !!binary 5 mm"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("is not accepted in a case file"), std::string::npos) << e[0];
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char k = 'b'; k <= 'i'; ++k)
    bomb += std::string(1, k) + ": &" + k + " [" + [&] {
      std::string l;
      for (int i = 0; i < 10; ++i)
        l += std::string(i ? ", " : "") + "*" + char(k - 1);
      return l;
    }() + "]\n";
  e = errors_of(bomb);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("expands to more than 200000 values"), std::string::npos) << e[0];
}

// Malformed input that the YAML library itself never finishes when asked for all documents
// (found by the fuzzer: a stray "," at the start): an error, not a hang.
TEST(CaseReader, MalformedFlowDoesNotHang)
{
  EXPECT_THROW(read_case_from_string(",\n", "case.yaml"), InputError);
  EXPECT_THROW(
    read_case_from_string(", 500, 0], [0, 500, criteria:orts:\n  clamp: {edges: [plate.edge1, "
                          "plate.edge3]}\nload_cases:robes:\n  middle: [500, 250, 0]\n",
                          "case.yaml"),
    InputError);
}

// --set names list items by index; anything else is an error naming the key, not item 0.
TEST(CaseReader, OverrideListIndicesMustBeNumbers)
{
  auto e = errors_of(plate, {{"load_cases.load.pressures.abc.value", "1 bar"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml (--set load_cases.load.pressures.abc.value)"), std::string::npos)
    << e[0];
  EXPECT_NE(e[0].find("give its index"), std::string::npos) << e[0];
  e = errors_of(plate, {{"load_cases.load.pressures.-1.value", "1 bar"}});
  ASSERT_EQ(e.size(), 1u);
  const Case c =
    read_case_from_string(plate, "case.yaml", {{"load_cases.load.pressures.0.value", "1 bar"}});
  EXPECT_DOUBLE_EQ(c.load_cases[0].pressures[0].pressure, 0.1);
  // Written as the messages name list items (pressures[0]); the brackets must close around a
  // part of the path.
  const Case b =
    read_case_from_string(plate, "case.yaml", {{"load_cases.load.pressures[0].value", "2 bar"}});
  EXPECT_DOUBLE_EQ(b.load_cases[0].pressures[0].pressure, 0.2);
  for (const char *bad : {"load_cases.load.pressures[0.value", "load_cases.load.pressures[].value",
                          "load_cases.load.pressures[0]x.value", "load_cases.load.pressures]0",
                          "load_cases.load.pressures[0]."})
    {
      e = errors_of(plate, {{bad, "1 bar"}});
      ASSERT_EQ(e.size(), 1u) << bad;
      EXPECT_NE(e[0].find("is not a valid key path"), std::string::npos) << e[0];
    }
  e = errors_of(plate, {{"load_cases.load.pressures[0].value", "strong"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml (--set load_cases.load.pressures[0].value)"), std::string::npos)
    << e[0];
  e = errors_of(plate, {{"load_cases.load.pressures[abc].value", "1 bar"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("give its index"), std::string::npos) << e[0];
  e = errors_of(plate, {{"mesh.size", "!!python/object 5"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("is not accepted"), std::string::npos) << e[0];
}

// Without a body, a pattern entry changes the case's own parts it matches (a sweep's
// --vary 'parts.*.thickness=...'); it created a part named "*" ("parts.*.material: is required").
TEST(CaseReader, PatternsChangeTheCasesOwnParts)
{
  std::string yaml = plate;
  yaml.insert(yaml.find("supports:"), R"(  floor_2:
    material: 5083-H116
    thickness: 5 mm
    quad: {corners: [[0, 500, 0], [1000, 500, 0], [1000, 1000, 0], [0, 1000, 0]]}
  other:
    material: 5083-H116
    thickness: 3 mm
    quad: {corners: [[0, 1000, 0], [1000, 1000, 0], [1000, 1500, 0], [0, 1500, 0]]}
)");
  const Case c = read_case_from_string(yaml, "case.yaml", {{"parts.floor*.thickness", "8 mm"}});
  ASSERT_EQ(c.parts.size(), 3u);
  for (const auto &p : c.parts)
    EXPECT_DOUBLE_EQ(p.thickness, p.name == "other" ? 3 : 8) << p.name;
  const Case d = read_case_from_string(yaml, "case.yaml", {{"parts.*.mesh_size", "25 mm"}});
  for (const auto &p : d.parts)
    EXPECT_DOUBLE_EQ(p.mesh_size.value_or(0), 25) << p.name;
  const auto e = errors_of(yaml, {{"parts.wall_?.thickness", "4 mm"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("case.yaml (--set parts.wall_?.thickness): parts.wall_?: matches no part "
                      "(parts: floor, floor_2, other)"),
            std::string::npos)
    << e[0];
}

// --set KEY=null removes the key (its default applies again); a key the case does not give is an
// error, not a silent no-op (a misspelt key would otherwise change nothing).
TEST(CaseReader, OverrideWithNullRemovesTheKey)
{
  const Case given = read_case_from_string(plate, "case.yaml");
  EXPECT_EQ(given.mesh.layers, 2u);
  for (const char *null_text : {"null", "~", ""})
    {
      const Case c = read_case_from_string(plate, "case.yaml", {{"mesh.layers", null_text}});
      EXPECT_EQ(c.mesh.layers, 1u) << null_text; // the default
    }
  const Case c = read_case_from_string(plate, "case.yaml", {{"load_cases.load.acceleration", "~"}});
  ASSERT_EQ(c.load_cases.size(), 1u);
  EXPECT_EQ(c.load_cases[0].pressures.size(), 1u);
  EXPECT_DOUBLE_EQ(norm(c.load_cases[0].acceleration), 0);
  for (const char *absent : {"mesh.layer", "meshes.size", "parts.floor.quad.edges"})
    {
      const auto e = errors_of(plate, {{absent, "null"}});
      ASSERT_EQ(e.size(), 1u) << absent;
      EXPECT_NE(e[0].find("is not in the case"), std::string::npos) << e[0];
    }
  // Removing a required key is the reader's error, located at the --set.
  const auto e = errors_of(plate, {{"parts.floor.thickness", "null"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("parts.floor.thickness: is required"), std::string::npos) << e[0];
}

// Names become files and folders: a case name is a name, and two load cases may not share a file.
TEST(CaseReader, NamesThatWouldBeFilesAreChecked)
{
  for (const char *bad : {"../../x", "a/b", ".hidden", "..", "tab\there"})
    {
      const auto e = errors_of(replace(plate, "case: panel", std::string("case: \"") + bad + "\""));
      ASSERT_EQ(e.size(), 1u) << bad;
      EXPECT_NE(e[0].find("case.yaml:1:7: case:"), std::string::npos) << e[0];
    }
  EXPECT_FALSE(errors_of(replace(plate, "case: panel", "case: " + std::string(101, 'x'))).empty());
  EXPECT_TRUE(errors_of(replace(plate, "case: panel", "case: " + std::string(100, 'x'))).empty());
  const auto e = errors_of(
    replace(plate, "  load:\n", "  front wall: {acceleration: [0, 0, \"-1 g\"]}\n  front_wall:\n"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("\"front_wall\" and \"front wall\" would both be written to front_wall.vtu"),
            std::string::npos)
    << e[0];
  // One file where the file system ignores case.
  const auto upper =
    errors_of(replace(plate, "  load:\n", "  Load: {acceleration: [0, 0, \"-1 g\"]}\n  load:\n"));
  ASSERT_EQ(upper.size(), 1u);
  EXPECT_NE(upper[0].find("\"load\" and \"Load\" would both be written to Load.vtu"),
            std::string::npos)
    << upper[0];
  // A load case named modal would overwrite the vibration modes' file (and they it): refused
  // only where there are vibration modes.
  const std::string modal_case = replace(plate, "  load:\n", "  Modal:\n") + "modal: {modes: 2}\n";
  const auto        modal      = errors_of(modal_case);
  ASSERT_EQ(modal.size(), 1u);
  EXPECT_NE(modal[0].find("load_cases.Modal: \"Modal\" would be written to Modal.vtu, over the "
                          "vibration modes' modal.vtu"),
            std::string::npos)
    << modal[0];
  EXPECT_TRUE(errors_of(replace(plate, "  load:\n", "  modal:\n")).empty());
  // A leading dot would hide the load case's file.
  EXPECT_EQ(file_stem(".hidden"), "_hidden");
  EXPECT_EQ(file_stem("../x"), "_._x");
  EXPECT_EQ(file_stem(""), "load_case");
}

// The key table (input/keys.cc) is the one source of allowed keys and defaults: a case that gives
// none of the optional values gets exactly the table's defaults, and every numeric default in
// the table reads as a quantity.
TEST(KeyTable, DefaultsAreTheTablesAndParse)
{
  const std::string no_mesh = replace(plate, "mesh: {size: 50 mm, layers: 2}\n", "");
  const Case        c       = read_case_from_string(no_mesh, "case.yaml");
  EXPECT_DOUBLE_EQ(c.mesh.size_mm, default_of("mesh", "size", Quantity::length));
  EXPECT_DOUBLE_EQ(c.mesh.size_mm, 50);
  EXPECT_EQ(c.mesh.layers, 1u);
  EXPECT_DOUBLE_EQ(c.criteria.safety_factor, 1.5);
  EXPECT_DOUBLE_EQ(default_of("body.tank.mounting.saddles", "angle", Quantity::angle),
                   120 * M_PI / 180);
  EXPECT_DOUBLE_EQ(default_of("design_loads.adr", "filling", Quantity::dimensionless), 1);
  for (const auto &k : case_keys())
    {
      EXPECT_FALSE(keys_of(k.section).empty());
      EXPECT_TRUE(std::string(k.meaning).size() > 0 || std::string(k.key) == "template")
        << k.section << "." << k.key;
    }
  EXPECT_THROW(keys_of("no.such.section"), std::logic_error);
}

// An unknown key is refused with the nearest allowed key of the table.
TEST(KeyTable, UnknownKeyNamesTheNearestTableKey)
{
  const auto e = errors_of(replace(plate, "layers: 2", "layer: 2"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("mesh.layer"), std::string::npos) << e[0];
  EXPECT_NE(e[0].find("did you mean \"layers\""), std::string::npos) << e[0];
}

// Parts of a generated body take their own gauge, material, layers and mesh size by name or by a
// pattern, in the case file and by --set; names that match nothing, keys that do not apply and a
// mid-surface on a body part's name are errors naming the key.
TEST(CaseReader, BodyPartsAreOverriddenByNameOrPattern)
{
  const std::string tipper = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/tipper_12m3.yaml";
  const Case        base   = read_case(tipper);
  const Case        c      = read_case(tipper, {{"parts.crossmember_*.thickness", "4 mm"},
                                                {"parts.floor.material", "6082-T6"},
                                                {"parts.floor.layers", "2"},
                                                {"parts.side_left.mesh_size", "30 mm"}});
  ASSERT_EQ(c.parts.size(), base.parts.size());
  unsigned crossmembers = 0;
  for (std::size_t i = 0; i < c.parts.size(); ++i)
    {
      const PartSpec &p = c.parts[i], &b = base.parts[i];
      ASSERT_EQ(p.name, b.name);
      if (p.name.rfind("crossmember_", 0) == 0)
        {
          ++crossmembers;
          EXPECT_DOUBLE_EQ(p.thickness, 4) << p.name;
        }
      else
        EXPECT_DOUBLE_EQ(p.thickness, b.thickness) << p.name;
      EXPECT_EQ(p.material, p.name == "floor" ? "6082-T6" : b.material) << p.name;
    }
  EXPECT_EQ(crossmembers, 36u); // 12 crossmembers of three parts each
  EXPECT_EQ(c.parts[0].layers.value_or(0), 2u);
  EXPECT_DOUBLE_EQ(c.parts[1].mesh_size.value_or(0), 30);

  auto message = [&](const std::vector<Override> &o) {
    try
      {
        read_case(tipper, o);
      }
    catch (const InputError &e)
      {
        return e.diagnostics().front().to_string();
      }
    return std::string("no error");
  };
  EXPECT_NE(message({{"parts.flor.thickness", "4 mm"}})
              .find("parts.flor: names no part of the body (did you mean \"floor\"?)"),
            std::string::npos);
  EXPECT_NE(message({{"parts.crossbeam_*.thickness", "4 mm"}}).find("matches no part of the body"),
            std::string::npos);
  EXPECT_NE(message({{"parts.floor.thicknes", "4 mm"}}).find("parts.floor.thicknes: unknown key"),
            std::string::npos);
  EXPECT_NE(message({{"parts.floor.thickness", "0 mm"}}).find("must be positive"),
            std::string::npos);
  EXPECT_NE(message({{"parts.floor.quad.corners", "[[0,0,0],[1,0,0],[1,1,0],[0,1,0]]"}})
              .find("this name is taken by a part of the body"),
            std::string::npos);
}

TEST(CaseReader, NamePatterns)
{
  EXPECT_TRUE(name_matches("crossmember_*", "crossmember_1_left"));
  EXPECT_TRUE(name_matches("*_left", "crossmember_1_left"));
  EXPECT_TRUE(name_matches("post_?_web", "post_1_web"));
  EXPECT_FALSE(name_matches("post_?_web", "post_12_web"));
  EXPECT_TRUE(name_matches("*", "floor"));
  EXPECT_FALSE(name_matches("floor", "floor_2"));
  EXPECT_TRUE(name_matches("a*b*c", "axxbyyc"));
  EXPECT_FALSE(name_matches("a*b*c", "axxbyy"));
}

// A body without one of its dimensions is one error, not also the checks against that dimension
// ("the ram bracket must lie under the floor ahead of the hinge brackets: 165 to -465 mm", mounting
// points not under the body, no door opening, sills wider than the body).
TEST(CaseReader, AMissingBodyDimensionIsOneError)
{
  for (const char *body : {"tipper_12m3", "van_body_6200"})
    for (const char *dimension : {"length", "width", "height"})
      {
        const std::string file = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/" + body + ".yaml";
        const std::string key =
          std::string("body.") + (body[0] == 't' ? "tipper." : "box.") + dimension;
        try
          {
            read_case(file, {{key, "null"}});
            ADD_FAILURE() << key << ": accepted";
          }
        catch (const InputError &e)
          {
            ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
            EXPECT_EQ(e.diagnostics()[0].key, key);
            EXPECT_EQ(e.diagnostics()[0].message, "is required (a length)");
          }
      }
}

// A tipper's top rail must reach over its posts' tops: by default it does, a narrower width given
// is an error naming the key and the width needed.
TEST(CaseReader, TipperTopRailCoversThePosts)
{
  const std::string tipper = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/tipper_12m3.yaml";
  const Override    posts  = {"body.tipper.posts",
                              "{thickness: 5 mm, pitch: 800 mm, depth: 100 mm, flange: 60 mm}"};
  const Case        c = read_case(tipper, {posts, {"body.tipper.top_rail", "{thickness: 8 mm}"}});
  EXPECT_DOUBLE_EQ(c.frame_body.top_rail_width, 5 + 100 + 5); // walls 5 mm, posts 100 x 5 mm
  try
    {
      read_case(tipper, {posts, {"body.tipper.top_rail", "{thickness: 8 mm, width: 100 mm}"}});
      ADD_FAILURE() << "a rail narrower than the posts was accepted";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(e.diagnostics().front().to_string().find(
                  "body.tipper.top_rail.width: the top rail must cover the posts' tops: at least "
                  "the wall gauge + post depth + post gauge = 110 mm"),
                std::string::npos)
        << e.diagnostics().front().to_string();
    }
  // The canopy likewise reaches over the front wall's posts.
  try
    {
      read_case(tipper, {posts, {"body.tipper.canopy", "{length: 80 mm}"}});
      ADD_FAILURE() << "a canopy shorter than the posts' depth was accepted";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(e.diagnostics().front().to_string().find(
                  "body.tipper.canopy.length: the canopy must cover the front posts' tops: at "
                  "least the post depth + post gauge = 105 mm"),
                std::string::npos)
        << e.diagnostics().front().to_string();
    }
}

// A tank's baffles sit on the shell's inner face: when a shell's gauge is overridden they follow
// it (half the gauge inside the mid-surface; at a joint of two shells, the thinner one's).
TEST(CaseReader, TankBafflesFollowAnOverriddenShellGauge)
{
  const std::string tank    = std::string(LIGHTBODY_SOURCE_DIR) + "/cases/tank_8m3_elliptical.yaml";
  const Case        same    = read_case(tank);
  const Case        c       = read_case(tank, {{"parts.shell_*.thickness", "9 mm"}});
  const Case        one     = read_case(tank, {{"parts.shell_1.thickness", "9 mm"}});
  unsigned          baffles = 0;
  for (std::size_t i = 0; i < c.parts.size(); ++i)
    if (c.parts[i].kind == SurfaceKind::section_plate)
      {
        ++baffles;
        EXPECT_DOUBLE_EQ(same.parts[i].inset, 3) << same.parts[i].name; // 6 mm shells
        EXPECT_DOUBLE_EQ(c.parts[i].inset, 4.5) << c.parts[i].name;
        EXPECT_DOUBLE_EQ(one.parts[i].inset, 3) << one.parts[i].name; // the thinner neighbour
      }
  EXPECT_EQ(baffles, 2u);
}

// A body member's unknown material is named once, where the member gives it (file, line, key
// body.KIND.MEMBER.material, or the --set that gave it), not at the body's first line for each
// part the generator makes of it (a misspelt post material gave 51 problems, each at the
// included module's `box:` line and the key of a generated part, until 2026-12-07).
TEST(CaseReader, UnknownBodyMaterialNamedOnceWhereGiven)
{
  const auto text = [](const std::string &example) {
    std::ifstream f(std::string(LIGHTBODY_SOURCE_DIR) + "/cases/" + example + ".yaml");
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  const std::string tipper = text("tipper_12m3");
  const std::string posts  = "posts: {material: 6082-T6";
  ASSERT_NE(tipper.find(posts), std::string::npos);
  const int line =
    1 + static_cast<int>(std::count(tipper.begin(), tipper.begin() + tipper.find(posts), '\n'));
  const std::string typo = replace(tipper, posts, "posts: {material: 6083-T6");
  auto              e    = errors_of(typo);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "case.yaml:" + std::to_string(line) +
                    ":23: body.tipper.posts.material: unknown material \"6083-T6\" (did you "
                    "mean \"6082-T6\"?)");
  // Given on the command line: named there.
  e = errors_of(tipper, {{"body.tipper.floor.material", "5084"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind("case.yaml (--set body.tipper.floor.material): body.tipper.floor.material: "
                       "unknown material \"5084\"",
                       0),
            0u)
    << e[0];
  // A material of the case's own is known; a part of the body given another by name is named
  // at its own key.
  EXPECT_TRUE(errors_of(replace(typo, "mesh:", R"(materials:
  6083-T6: {E: 70 GPa, nu: 0.33, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 280 MPa}
mesh:)"))
                .empty());
  expect_one(errors_of(tipper, {{"parts.floor.material", "5038-H116"}}),
             "parts.floor.material: unknown material \"5038-H116\"");
  // A pattern of parts given an unknown material: once, at the pattern's key.
  expect_one(errors_of(tipper, {{"parts.post_*.material", "xyz"}}),
             "parts.post_*.material: unknown material \"xyz\"");
  // A name of no part: the body's many parts named in part (the first twelve and how many more).
  e = errors_of(tipper, {{"parts.nopart.thickness", "5 mm"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("names no part of the body (expected one of: floor, "), std::string::npos)
    << e[0];
  EXPECT_NE(e[0].find(" more); a part of the case's own needs a mid-surface"), std::string::npos)
    << e[0];
  // A tank's baffle.
  expect_one(errors_of(replace(text("tank_8m3_elliptical"), "{station: 833 mm, thickness: 5 mm,",
                               "{station: 833 mm, thickness: 5 mm, material: 5083-H11,")),
             "body.tank.baffles[0].material: unknown material \"5083-H11\"");
}
