// Modules: a case includes other YAML files and overrides what they define.
#include "input/case_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace lightbody;
namespace fs = std::filesystem;

namespace
{
  class Includes : public ::testing::Test
  {
  protected:
    // One folder per test and process: ctest runs the tests of this suite in parallel.
    fs::path dir = fs::temp_directory_path() /
                   ("lightbody_include_" +
                    std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                    "_" + std::to_string(::getpid()));
    void SetUp() override
    {
      fs::remove_all(dir);
      fs::create_directories(dir / "modules");
    }
    void TearDown() override { fs::remove_all(dir); }
    void write(const std::string &name, const std::string &text)
    {
      std::ofstream(dir / name) << text;
    }
    std::string error_of(const std::string &name)
    {
      try
        {
          read_case((dir / name).string());
        }
      catch (const InputError &e)
        {
          return e.what();
        }
      return "";
    }
  };

  const char *module = R"(parts:
  floor:
    material: 5083-H116
    thickness: 4 mm
    quad: {corners: [[0, 0, 0], [2000, 0, 0], [2000, 1000, 0], [0, 1000, 0]]}
supports:
  edges: {edges: [floor.edge1, floor.edge3], fix: all}
)";
} // namespace

TEST_F(Includes, IncludedValuesAreOverriddenByTheIncludingCase)
{
  write("modules/floor.yaml", module);
  write("case.yaml", R"(include: modules/floor.yaml
parts:
  floor:
    thickness: 6 mm
load_cases:
  weight: {acceleration: [0, 0, "-1 g"]}
)");
  const Case c = read_case((dir / "case.yaml").string());
  ASSERT_EQ(c.parts.size(), 1u);
  EXPECT_DOUBLE_EQ(c.parts[0].thickness, 6);
  EXPECT_EQ(c.parts[0].material, "5083-H116");
  EXPECT_DOUBLE_EQ(c.parts[0].corners[1][0], 2000);
  ASSERT_EQ(c.supports.size(), 1u);
}

TEST_F(Includes, ErrorsInAnIncludedFileNameThatFile)
{
  write("modules/floor.yaml", std::string(module) + "  extra: {edge: floor.edge2, fix: [w]}\n");
  write("case.yaml",
        "include: [modules/floor.yaml]\nload_cases:\n  w: {acceleration: [0, 0, \"-1 g\"]}\n");
  const std::string e = error_of("case.yaml");
  EXPECT_NE(e.find("modules/floor.yaml:8:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown component \"w\""), std::string::npos) << e;
}

TEST_F(Includes, MissingFileIsNamed)
{
  write("case.yaml", "include: modules/nothere.yaml\n");
  const std::string e = error_of("case.yaml");
  EXPECT_NE(e.find("case.yaml:1:10: include: included file"), std::string::npos) << e;
  EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
}

TEST_F(Includes, SelfAndCyclicIncludesAreErrors)
{
  write("self.yaml", "include: self.yaml\n");
  EXPECT_NE(error_of("self.yaml").find("includes itself"), std::string::npos);
  write("a.yaml", "include: b.yaml\n");
  write("b.yaml", "include: a.yaml\n");
  const std::string e = error_of("a.yaml");
  EXPECT_NE(e.find("includes itself"), std::string::npos) << e;
  EXPECT_NE(e.find("b.yaml"), std::string::npos) << e;
}

// An unknown key in an included file is reported at its own line there, not as if it came from
// the command line.
TEST_F(Includes, UnknownKeyOfAnIncludedFileHasItsLine)
{
  write("modules/floor.yaml", std::string(module) + "meshes: {size: 50 mm}\n");
  write("case.yaml",
        "include: [modules/floor.yaml]\nload_cases:\n  w: {acceleration: [0, 0, \"-1 g\"]}\n");
  const std::string e = error_of("case.yaml");
  EXPECT_NE(e.find("modules/floor.yaml:8:1: meshes: unknown key (did you mean \"mesh\"?)"),
            std::string::npos)
    << e;
  EXPECT_EQ(e.find("(--set)"), std::string::npos) << e;
}

// Every file a case was read from is recorded: a result folder never replaces one of them.
TEST_F(Includes, InputFilesAreRecorded)
{
  write("modules/floor.yaml", module);
  write("case.yaml",
        "include: [modules/floor.yaml]\nload_cases:\n  w: {acceleration: [0, 0, \"-1 g\"]}\n");
  const Case c = read_case((dir / "case.yaml").string());
  ASSERT_EQ(c.input_files.size(), 2u);
  EXPECT_EQ(c.input_files[0], (dir / "case.yaml").string());
  EXPECT_NE(c.input_files[1].find("modules/floor.yaml"), std::string::npos);
}
