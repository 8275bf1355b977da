#include "input/units.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace lightbody
{
  namespace
  {
    // Exponents of mass, length and time, plus a flag for angles.
    struct Dimension
    {
      int  M = 0, L = 0, T = 0;
      bool angle = false;
      bool operator==(const Dimension &o) const
      {
        return M == o.M && L == o.L && T == o.T && angle == o.angle;
      }
    };

    struct Unit
    {
      double    si_factor;
      Dimension dim;
    };

    // One definition of each unit, as its factor to SI.
    const std::map<std::string, Unit> &unit_table()
    {
      static const std::map<std::string, Unit> table = {
        {"m", {1.0, {0, 1, 0}}},
        {"cm", {1e-2, {0, 1, 0}}},
        {"mm", {1e-3, {0, 1, 0}}},
        {"kg", {1.0, {1, 0, 0}}},
        {"t", {1e3, {1, 0, 0}}},
        {"tonne", {1e3, {1, 0, 0}}},
        {"s", {1.0, {0, 0, 1}}},
        {"N", {1.0, {1, 1, -2}}},
        {"daN", {10.0, {1, 1, -2}}},
        {"kN", {1e3, {1, 1, -2}}},
        {"MN", {1e6, {1, 1, -2}}},
        {"Pa", {1.0, {1, -1, -2}}},
        {"kPa", {1e3, {1, -1, -2}}},
        {"MPa", {1e6, {1, -1, -2}}},
        {"GPa", {1e9, {1, -1, -2}}},
        {"bar", {1e5, {1, -1, -2}}},
        {"mbar", {1e2, {1, -1, -2}}},
        {"g", {9.80665, {0, 1, -2}}}, // standard gravity; masses are written in kg or t
        {"deg", {M_PI / 180.0, {0, 0, 0, true}}},
        {"rad", {1.0, {0, 0, 0, true}}},
        {"%", {0.01, {0, 0, 0}}},
        {"l", {1e-3, {0, 3, 0}}}, // litre
        {"L", {1e-3, {0, 3, 0}}},
      };
      return table;
    }

    Dimension expected_dimension(Quantity q)
    {
      switch (q)
        {
          case Quantity::length: return {0, 1, 0};
          case Quantity::pressure: return {1, -1, -2};
          case Quantity::density: return {1, -3, 0};
          case Quantity::acceleration: return {0, 1, -2};
          case Quantity::force: return {1, 1, -2};
          case Quantity::force_per_length: return {1, 0, -2};
          case Quantity::mass: return {1, 0, 0};
          case Quantity::dimensionless: return {0, 0, 0};
          case Quantity::stiffness_per_area: return {1, -2, -2};
          case Quantity::angle: return {0, 0, 0, true};
        }
      return {};
    }

    std::string trim(const std::string &s)
    {
      std::size_t b = 0, e = s.size();
      while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
      while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
      return s.substr(b, e - b);
    }

    // The accepted spelling of some units written otherwise ("" when none is known).
    std::string unit_hint(const std::string &name)
    {
      static const std::map<std::string, std::string> hints = {
        {"M", "m"},     {"MM", "mm"},      {"CM", "cm"},    {"Mpa", "MPa"},    {"mpa", "MPa"},
        {"MPA", "MPa"}, {"Gpa", "GPa"},    {"gpa", "GPa"},  {"GPA", "GPa"},    {"kpa", "kPa"},
        {"KPa", "kPa"}, {"pa", "Pa"},      {"n", "N"},      {"kn", "kN"},      {"KN", "kN"},
        {"dan", "daN"}, {"DaN", "daN"},    {"Kg", "kg"},    {"KG", "kg"},      {"T", "t"},
        {"ton", "t"},   {"tons", "t"},     {"tonnes", "t"}, {"degree", "deg"}, {"degrees", "deg"},
        {"Bar", "bar"}, {"sec", "s"},      {"G", "g"},      {"litre", "l"},    {"liter", "l"},
        {"ltr", "l"},   {"mbars", "mbar"}, {"Nm", "N*m"},   {"Nmm", "N*mm"}};
      const auto it = hints.find(name);
      return it == hints.end() ? std::string() : " (write \"" + it->second + "\")";
    }

    // Parses a product of units such as "kg/m^3", "N/mm^2", "m/s^2", "kN*m".
    Unit parse_unit_expression(const std::string &text)
    {
      Unit        result{1.0, {}};
      std::size_t i     = 0;
      int         sign  = +1;
      bool        first = true;
      while (i < text.size())
        {
          if (!first)
            {
              const char op = text[i];
              if (op == '/')
                sign = -1;
              else if (op == '*' || op == '.')
                sign = sign; // keeps the side of the last '/', as in kg/m/s -> kg m^-1 s^-1
              else
                throw UnitError("unexpected '" + std::string(1, op) + "' in unit \"" + text + "\"");
              ++i;
            }
          std::size_t start = i;
          while (i < text.size() &&
                 (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '%'))
            ++i;
          const std::string name  = text.substr(start, i - start);
          int               power = 1;
          // The power as engineers write it: m^3, m3, m³ (and ^-1).
          const std::string sup2 = "\xc2\xb2", sup3 = "\xc2\xb3";
          if (text.compare(i, 2, sup2) == 0 || text.compare(i, 2, sup3) == 0)
            {
              power = text.compare(i, 2, sup2) == 0 ? 2 : 3;
              i += 2;
            }
          else if (i < text.size() &&
                   (text[i] == '^' || std::isdigit(static_cast<unsigned char>(text[i]))))
            {
              const bool caret = text[i] == '^';
              if (caret)
                ++i;
              std::size_t p0 = i;
              if (caret && i < text.size() && text[i] == '-')
                ++i;
              while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
                ++i;
              if (i == p0 || (i == p0 + 1 && text[p0] == '-') || i - p0 > 3)
                throw UnitError("the power in unit \"" + text +
                                "\" cannot be read (write m^3 or m3)");
              power = std::atoi(text.substr(p0, i - p0).c_str());
            }
          const auto it = unit_table().find(name);
          if (name.empty() || it == unit_table().end())
            throw UnitError("unknown unit \"" + name + "\" in \"" + text + "\"" + unit_hint(name) +
                            " (known: m cm mm, kg t tonne, s, N daN kN MN, Pa kPa MPa GPa bar "
                            "mbar, g, deg rad, %, l; combined as N/mm^2, N/mm2 or kg/m3)");
          const int e = sign * power;
          result.si_factor *= std::pow(it->second.si_factor, e);
          result.dim.M += e * it->second.dim.M;
          result.dim.L += e * it->second.dim.L;
          result.dim.T += e * it->second.dim.T;
          result.dim.angle = result.dim.angle || it->second.dim.angle;
          first            = false;
        }
      return result;
    }
  } // namespace

  const char *quantity_name(Quantity q)
  {
    switch (q)
      {
        case Quantity::length: return "a length";
        case Quantity::pressure: return "a pressure or stress";
        case Quantity::density: return "a density";
        case Quantity::acceleration: return "an acceleration";
        case Quantity::force: return "a force";
        case Quantity::force_per_length: return "a force per length";
        case Quantity::mass: return "a mass";
        case Quantity::dimensionless: return "a plain number";
        case Quantity::stiffness_per_area: return "a stiffness per area (N/mm^3)";
        case Quantity::angle: return "an angle";
      }
    return "a value";
  }

  double from_plain_number(double value, Quantity expected)
  {
    // An acceleration without a unit is in mm/s^2: one below 0.1 g is a unit slip (9.81 written
    // for m/s^2 is a thousandth of gravity, and the body's weight a thousandth of what it is).
    if (expected == Quantity::acceleration && value != 0 &&
        std::abs(value) < 0.1 * units::standard_gravity)
      {
        char text[200];
        std::snprintf(text, sizeof text,
                      "\"%g\" without a unit is %g mm/s^2 (%.2g g), too small for a load: give "
                      "its unit (\"%g m/s^2\", \"%.2g g\")",
                      value, value, value / units::standard_gravity, value,
                      value / (units::standard_gravity / 1000));
        throw UnitError(text);
      }
    return expected == Quantity::angle ? value * M_PI / 180.0 : value;
  }

  double parse_quantity(const std::string &raw, Quantity expected)
  {
    const std::string text  = trim(raw);
    const char       *begin = text.c_str();
    char             *end   = nullptr;
    const double      value = std::strtod(begin, &end);
    if (end == begin)
      throw UnitError("\"" + text + "\" is not a number with a unit");
    if (!std::isfinite(value))
      throw UnitError("\"" + text + "\" is not a finite number");
    const std::string unit_text = trim(std::string(end));
    if (unit_text.empty())
      return from_plain_number(value, expected);

    std::string compact;
    for (char c : unit_text)
      if (!std::isspace(static_cast<unsigned char>(c)))
        compact += c;
    const Unit unit = parse_unit_expression(compact);
    if (!(unit.dim == expected_dimension(expected)))
      throw UnitError("unit \"" + unit_text + "\" does not give " + quantity_name(expected));
    if (expected == Quantity::angle || expected == Quantity::dimensionless)
      return value * unit.si_factor;
    // SI value divided by the SI size of the internal unit t^M mm^L s^T.
    const Dimension d       = unit.dim;
    const double    si_unit = std::pow(1e3, d.M) * std::pow(1e-3, d.L);
    return value * unit.si_factor / si_unit;
  }

  std::string in_user_units(double v, Quantity q)
  {
    double      factor = 1;
    const char *unit   = "";
    switch (q)
      {
        case Quantity::length: unit = " mm"; break;
        case Quantity::pressure: unit = " MPa"; break;
        case Quantity::density: factor = 1e12, unit = " kg/m^3"; break;
        case Quantity::acceleration: factor = 1.0 / units::standard_gravity, unit = " g"; break;
        case Quantity::force: unit = " N"; break;
        case Quantity::force_per_length: unit = " N/mm"; break;
        case Quantity::mass: factor = units::kg_per_tonne, unit = " kg"; break;
        case Quantity::stiffness_per_area: unit = " N/mm^3"; break;
        case Quantity::angle: factor = 180 / M_PI, unit = " deg"; break;
        case Quantity::dimensionless: break;
      }
    char text[64];
    std::snprintf(text, sizeof text, "%.6g%s", v * factor, unit);
    return text;
  }
} // namespace lightbody
