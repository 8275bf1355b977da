// Units: every conversion against its definition (SI, CGPM standard gravity).
#include "input/units.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace lightbody;

TEST(Units, LengthsToMillimetres)
{
  EXPECT_DOUBLE_EQ(parse_quantity("5 mm", Quantity::length), 5);
  EXPECT_DOUBLE_EQ(parse_quantity("0.3 m", Quantity::length), 300);
  EXPECT_DOUBLE_EQ(parse_quantity("2.5cm", Quantity::length), 25);
  EXPECT_DOUBLE_EQ(parse_quantity("12", Quantity::length), 12);
}

TEST(Units, StressesToMegapascal)
{
  EXPECT_DOUBLE_EQ(parse_quantity("70 GPa", Quantity::pressure), 70000);
  EXPECT_DOUBLE_EQ(parse_quantity("0.5 bar", Quantity::pressure), 0.05);
  EXPECT_DOUBLE_EQ(parse_quantity("20 kPa", Quantity::pressure), 0.02);
  EXPECT_DOUBLE_EQ(parse_quantity("235 N/mm^2", Quantity::pressure), 235);
}

TEST(Units, DensityAccelerationForce)
{
  EXPECT_NEAR(parse_quantity("2700 kg/m^3", Quantity::density), 2.7e-9, 1e-24);
  EXPECT_NEAR(parse_quantity("7.85 t/m^3", Quantity::density), 7.85e-9, 1e-24);
  EXPECT_DOUBLE_EQ(parse_quantity("2 g", Quantity::acceleration), 2 * 9806.65);
  EXPECT_DOUBLE_EQ(parse_quantity("9.81 m/s^2", Quantity::acceleration), 9810);
  EXPECT_DOUBLE_EQ(parse_quantity("5000 daN", Quantity::force), 50000);
  EXPECT_DOUBLE_EQ(parse_quantity("3 kN/m", Quantity::force_per_length), 3);
  EXPECT_DOUBLE_EQ(parse_quantity("1500 kg", Quantity::mass), 1.5);
}

// A plain number is in the internal units; for an acceleration (mm/s^2) one below 0.1 g is a
// unit slip (9.81 meant as m/s^2) and an error asking for the unit; zero and 9806.65 are read.
TEST(Units, APlainAccelerationBelowATenthOfGravityNeedsItsUnit)
{
  EXPECT_DOUBLE_EQ(parse_quantity("9806.65", Quantity::acceleration), 9806.65);
  EXPECT_DOUBLE_EQ(parse_quantity("0", Quantity::acceleration), 0);
  EXPECT_DOUBLE_EQ(parse_quantity("0.05 g", Quantity::acceleration), 0.05 * 9806.65);
  for (const char *slip : {"9.81", "-7.85", "0.8"})
    try
      {
        parse_quantity(slip, Quantity::acceleration);
        ADD_FAILURE() << slip;
      }
    catch (const UnitError &e)
      {
        EXPECT_NE(std::string(e.what()).find("without a unit"), std::string::npos) << e.what();
      }
}

TEST(Units, AnglesAreDegreesByDefault)
{
  EXPECT_DOUBLE_EQ(parse_quantity("180", Quantity::angle), M_PI);
  EXPECT_DOUBLE_EQ(parse_quantity("90 deg", Quantity::angle), M_PI / 2);
  EXPECT_DOUBLE_EQ(parse_quantity("1 rad", Quantity::angle), 1);
}

TEST(Units, MismatchedAndUnknownUnitsAreErrors)
{
  EXPECT_THROW(parse_quantity("5 MPa", Quantity::length), UnitError);
  EXPECT_THROW(parse_quantity("5 furlong", Quantity::length), UnitError);
  EXPECT_THROW(parse_quantity("mm", Quantity::length), UnitError);
  EXPECT_THROW(parse_quantity("5 m^", Quantity::length), UnitError);
  try
    {
      parse_quantity("2 kg", Quantity::acceleration);
      FAIL();
    }
  catch (const UnitError &e)
    {
      EXPECT_NE(std::string(e.what()).find("acceleration"), std::string::npos);
    }
}

// Units as engineers write them: powers without a caret (N/mm2, kg/m3), superscripts (mm², m³),
// litres; the values are those of the caret spelling by definition.
TEST(Units, PowersWithoutCaretSuperscriptsAndLitres)
{
  EXPECT_DOUBLE_EQ(parse_quantity("235 N/mm2", Quantity::pressure), 235);
  EXPECT_DOUBLE_EQ(parse_quantity("235 N/mm\xc2\xb2", Quantity::pressure), 235);
  EXPECT_NEAR(parse_quantity("2700 kg/m3", Quantity::density), 2.7e-9, 1e-24);
  EXPECT_NEAR(parse_quantity("2700 kg/m\xc2\xb3", Quantity::density), 2.7e-9, 1e-24);
  EXPECT_NEAR(parse_quantity("1.5 t/m3", Quantity::density), 1.5e-9, 1e-24);
  // 1 kg per litre = 1000 kg/m^3 (a litre is 1e-3 m^3, CGPM 1964).
  EXPECT_NEAR(parse_quantity("1 kg/l", Quantity::density), 1e-9, 1e-24);
  EXPECT_DOUBLE_EQ(parse_quantity("2 N/mm^2", Quantity::pressure),
                   parse_quantity("2 N/mm2", Quantity::pressure));
}

TEST(Units, UnknownUnitsGetTheAcceptedSpelling)
{
  try
    {
      parse_quantity("70 Gpa", Quantity::pressure);
      FAIL() << "Gpa was accepted";
    }
  catch (const UnitError &e)
    {
      EXPECT_NE(std::string(e.what()).find("(write \"GPa\")"), std::string::npos) << e.what();
    }
  try
    {
      parse_quantity("3 furlongs", Quantity::length);
      FAIL() << "furlongs was accepted";
    }
  catch (const UnitError &e)
    {
      EXPECT_NE(std::string(e.what()).find("known: m cm mm"), std::string::npos) << e.what();
    }
  EXPECT_THROW(parse_quantity("5 m^", Quantity::length), UnitError);
  EXPECT_THROW(parse_quantity("5 m12345", Quantity::length), UnitError);
}
