#pragma once
// Materials: the library of confirmed alloys and steels, and user-defined ones from a case file.
#include <optional>
#include <string>
#include <vector>

namespace lightbody
{
  // Internal units: MPa and tonne/mm^3.
  struct Material
  {
    std::string name;
    double      E        = 0;
    double      nu       = 0;
    double      density  = 0;
    double      Rp02     = 0; // 0.2 % proof strength (minimum specified)
    double      Rm       = 0; // tensile strength (minimum specified)
    double      Rp02_haz = 0; // heat-affected zone (weld) strengths; 0: not known
    double      Rm_haz   = 0;
    // Minimum elongation after fracture A (%) for the ADR equivalent thickness; 0: not known.
    double      elongation_percent = 0;
    std::string source; // where the values come from
    // Where the HAZ values come from, and whether they rest on an assumed (not confirmed) rule:
    // a verdict using them is conditional.
    std::string haz_basis;
    bool        haz_assumed = true;

    // The strengths the design check uses in a heat-affected zone: the HAZ values where known,
    // otherwise the base values (then haz_assumed is true).
    double weld_Rp02() const { return Rp02_haz > 0 ? Rp02_haz : Rp02; }
    double weld_Rm() const { return Rm_haz > 0 ? Rm_haz : Rm; }

    // Lamé's constants of isotropic linear elasticity (lambda, mu = G).
    double lame_lambda() const { return E * nu / ((1 + nu) * (1 - 2 * nu)); }
    double lame_mu() const { return E / (2 * (1 + nu)); }
  };

  // The names the library knows, for --help and error messages.
  std::vector<std::string> library_material_names();

  // A library material with the strengths for the given gauge (strengths of rolled and extruded
  // products fall with thickness). Returns nothing for an unknown name.
  std::optional<Material> library_material(const std::string &name, double thickness_mm);
} // namespace lightbody
