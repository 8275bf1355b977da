#include "input/materials.h"

namespace lightbody
{
  namespace
  {
    // A strength row valid up to a thickness: proof and tensile strength, their heat-affected
    // values, and the minimum elongation A (%).
    struct Band
    {
      double t_max_mm, Rp02, Rm, Rp02_haz, Rm_haz, A;
    };
    struct Entry
    {
      const char       *name;
      double            E, nu, density;
      std::vector<Band> bands;
      const char       *source;
      const char       *haz_basis;
      bool              haz_assumed;
    };

    // Aluminium constants: EN 1999-1-1 design values E = 70 000 MPa, nu = 0.3, rho = 2700 kg/m^3
    // (EN 1991-1-1 Table A.4). Steel: EN 1993-1-1 3.2.6, E = 210 000 MPa, nu = 0.3,
    // rho = 7850 kg/m^3. Strengths are specified minimum values (EN 485-2 sheet and plate, EN
    // 1999-1-1 Table 3.2b extrusions, EN 1993-1-1 Table 3.1 steels). Heat-affected values: EN
    // 1999-1-1 Table 3.2b where confirmed; otherwise the conservative rules of the project's
    // standards notes (work-hardened tempers: the O-temper strength of the alloy; a 6xxx-T6
    // without a value: the lower HAZ values of the confirmed 6xxx-T6 alloys of nearest base
    // strength), marked as assumed.
    const std::vector<Entry> &table()
    {
      static const std::vector<Entry> t = {
        {"5083-O/H111",
         70000,
         0.3,
         2.70e-9,
         {{50, 125, 275, 125, 275, 12},
          {80, 115, 270, 115, 270, 14},
          {120, 110, 260, 110, 260, 12},
          {150, 105, 255, 105, 255, 12}},
         "EN 485-2 plate (euralliage 5083)",
         "annealed (O) temper: welding does not lower its strength (EN 1999-1-1 Table 3.2b: "
         "rho_o,haz = rho_u,haz = 1 for 5083-O/H111)",
         false},
        {"5083-H116",
         70000,
         0.3,
         2.70e-9,
         {{40, 215, 305, 125, 275, 10}, {80, 200, 285, 115, 270, 10}},
         "EN 485-2 plate (euralliage 5083)",
         "assumed: a work-hardened temper welds to the annealed (O) strength of the alloy, 5083-O "
         "plate of the same gauge (Dwight, Aluminium Design and Construction)",
         true},
        {"6061-T6",
         70000,
         0.3,
         2.70e-9,
         {{20, 240, 260, 115, 175, 8}},
         "EN 1999-1-1 Table 3.2b, extrusions t <= 20 mm",
         "EN 1999-1-1 Table 3.2b: fo,haz 115 MPa, fu,haz 175 MPa",
         false},
        {"6005A-T6",
         70000,
         0.3,
         2.70e-9,
         {{5, 225, 270, 115, 165, 8}, {10, 215, 260, 115, 165, 8}, {25, 200, 250, 115, 165, 8}},
         "EN 1999-1-1 Table 3.2b, extrusions EP/O, ER/B",
         "EN 1999-1-1 Table 3.2b: fo,haz 115 MPa, fu,haz 165 MPa",
         false},
        {"6082-T6",
         70000,
         0.3,
         2.70e-9,
         {{1.5, 260, 310, 115, 165, 6},
          {3, 260, 310, 115, 165, 7},
          {6, 260, 310, 115, 165, 10},
          {12.5, 255, 300, 115, 165, 9},
          {60, 240, 295, 115, 165, 8},
          {100, 240, 295, 115, 165, 7}},
         "EN 485-2 sheet and plate (batz-burgel)",
         "assumed: no confirmed 6082-T6 HAZ value; the lower of the confirmed 6xxx-T6 alloys of "
         "nearest base strength (6061-T6 115/175 MPa, 6005A-T6 115/165 MPa, EN 1999-1-1 Table "
         "3.2b): 115/165 MPa",
         true},
        {"S235",
         210000,
         0.3,
         7.85e-9,
         {{40, 235, 360, 235, 360, 26}, {80, 215, 360, 215, 360, 25}},
         "EN 1993-1-1 Table 3.1; elongation EN 10025-2 (documented default)",
         "structural steel: welds with matching consumables keep the base strength (EN 1993-1-8)",
         false},
        {"S355",
         210000,
         0.3,
         7.85e-9,
         {{40, 355, 490, 355, 490, 22}, {80, 335, 470, 335, 470, 21}},
         "EN 1993-1-1 Table 3.1; elongation EN 10025-2 (documented default)",
         "structural steel: welds with matching consumables keep the base strength (EN 1993-1-8)",
         false},
      };
      return t;
    }
  } // namespace

  std::vector<std::string> library_material_names()
  {
    std::vector<std::string> names;
    for (const auto &e : table())
      names.emplace_back(e.name);
    return names;
  }

  std::optional<Material> library_material(const std::string &name, double thickness_mm)
  {
    for (const auto &e : table())
      if (name == e.name)
        {
          // Beyond the last band the last (thickest) values are used: they are the lowest.
          const Band *band = &e.bands.back();
          for (const auto &b : e.bands)
            if (thickness_mm <= b.t_max_mm)
              {
                band = &b;
                break;
              }
          Material m;
          m.name               = e.name;
          m.E                  = e.E;
          m.nu                 = e.nu;
          m.density            = e.density;
          m.Rp02               = band->Rp02;
          m.Rm                 = band->Rm;
          m.Rp02_haz           = band->Rp02_haz;
          m.Rm_haz             = band->Rm_haz;
          m.source             = e.source;
          m.elongation_percent = band->A;
          m.haz_basis          = e.haz_basis;
          m.haz_assumed        = e.haz_assumed;
          return m;
        }
    return std::nullopt;
  }
} // namespace lightbody
