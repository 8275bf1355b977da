#pragma once
// Quantities with units. Internally lightbody works in mm, N, MPa, tonne, s; a case file may give
// any value as a plain number in that system or as a string with a unit ("5 mm", "70 GPa").
#include <stdexcept>
#include <string>

namespace lightbody
{
  enum class Quantity
  {
    length,
    pressure, // also stress and elastic moduli
    density,
    acceleration,
    force,
    force_per_length,
    mass,
    dimensionless,
    stiffness_per_area, // N/mm^3: an elastic bedding
    angle               // internal unit: radian; a plain number in a case file is degrees
  };

  const char *quantity_name(Quantity q);

  // The unit text cannot be read or does not fit the quantity. The message names the problem;
  // the case reader adds file, line and key.
  class UnitError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  // Parses "5 mm", "0.3 m", "70 GPa", "2700 kg/m^3", "0.5 bar", "2 g", "90 deg" or a bare number
  // and returns the value in the internal system.
  double parse_quantity(const std::string &text, Quantity expected);

  // An internal value in the unit an engineer reads it in: "100000 kg/m^3", "1250.5 mm".
  std::string in_user_units(double v, Quantity q);

  // Converts a bare number given in a case file to the internal system (degrees to radians for
  // angles, identity otherwise).
  double from_plain_number(double value, Quantity expected);

  namespace units
  {
    // Standard gravity, in mm/s^2 (CGPM 1901).
    inline constexpr double standard_gravity = 9806.65;
    // One tonne in kg: masses are reported in kg.
    inline constexpr double kg_per_tonne = 1000.0;
  } // namespace units
} // namespace lightbody
