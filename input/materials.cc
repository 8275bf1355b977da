#include "input/materials.h"

namespace lightbody
{
  namespace
  {
    // A strength row valid up to a thickness.
    struct Band
    {
      double t_max_mm, Rp02, Rm, Rp02_haz, Rm_haz;
    };
    struct Entry
    {
      const char       *name;
      double            E, nu, density;
      std::vector<Band> bands;
      const char       *source;
    };

    // Aluminium constants: EN 1999-1-1 design values E = 70 000 MPa, nu = 0.3, rho = 2700 kg/m^3
    // (EN 1991-1-1 Table A.4). Steel: EN 1993-1-1 3.2.6, E = 210 000 MPa, nu = 0.3,
    // rho = 7850 kg/m^3. Strengths are specified minimum values (EN 485-2 sheet and plate, EN
    // 1999-1-1 Table 3.2b extrusions, EN 1993-1-1 Table 3.1 steels); HAZ 0 = no confirmed value.
    const std::vector<Entry> &table()
    {
      static const std::vector<Entry> t = {
        {"5083-O/H111",
         70000,
         0.3,
         2.70e-9,
         {{50, 125, 275, 0, 0}, {80, 115, 270, 0, 0}, {120, 110, 260, 0, 0}, {150, 105, 255, 0, 0}},
         "EN 485-2 plate (euralliage 5083)"},
        {"5083-H116",
         70000,
         0.3,
         2.70e-9,
         {{40, 215, 305, 0, 0}, {80, 200, 285, 0, 0}},
         "EN 485-2 plate (euralliage 5083)"},
        {"6061-T6",
         70000,
         0.3,
         2.70e-9,
         {{20, 240, 260, 115, 175}},
         "EN 1999-1-1 Table 3.2b, extrusions t <= 20 mm"},
        {"6005A-T6",
         70000,
         0.3,
         2.70e-9,
         {{5, 225, 270, 115, 165}, {10, 215, 260, 115, 165}, {25, 200, 250, 115, 165}},
         "EN 1999-1-1 Table 3.2b, extrusions EP/O, ER/B"},
        {"6082-T6",
         70000,
         0.3,
         2.70e-9,
         {{6, 260, 310, 0, 0}, {12.5, 255, 300, 0, 0}, {100, 240, 295, 0, 0}},
         "EN 485-2 sheet and plate (batz-burgel); HAZ values not confirmed"},
        {"S235",
         210000,
         0.3,
         7.85e-9,
         {{40, 235, 360, 235, 360}, {80, 215, 360, 215, 360}},
         "EN 1993-1-1 Table 3.1"},
        {"S355",
         210000,
         0.3,
         7.85e-9,
         {{40, 355, 490, 355, 490}, {80, 335, 470, 335, 470}},
         "EN 1993-1-1 Table 3.1"},
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
          m.name     = e.name;
          m.E        = e.E;
          m.nu       = e.nu;
          m.density  = e.density;
          m.Rp02     = band->Rp02;
          m.Rm       = band->Rm;
          m.Rp02_haz = band->Rp02_haz;
          m.Rm_haz   = band->Rm_haz;
          m.source   = e.source;
          return m;
        }
    return std::nullopt;
  }
} // namespace lightbody
