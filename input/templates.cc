#include "input/templates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace lightbody
{
  namespace
  {
    constexpr double g = units::standard_gravity; // mm/s^2

    // ADR 6.8.2.1.2: multiples of the total mass, fixed tanks.
    constexpr double adr_travel = 2, adr_lateral = 1, adr_up = 1, adr_down = 2;

    // EN 12642 test forces as fractions of the payload P, with the code L caps (section 2:
    // tis-gdv.de, KomNet, dynatex.be); XL: elastic deflection at most 300 mm (rothschenk.de).
    struct WallForce
    {
      double fraction;
      double cap_N; // 0: none
      double of(double payload_N) const
      {
        return cap_N > 0 ? std::min(fraction * payload_N, cap_N) : fraction * payload_N;
      }
    };
    std::string fmt(double v, int digits = 3);
    // "0.4 P (at most 5000 daN)"
    std::string text_of(const WallForce &w)
    {
      return fmt(w.fraction) + " P" +
             (w.cap_N > 0 ? " (at most " + fmt(w.cap_N / 10, 5) + " daN)" : "");
    }
    constexpr WallForce front_L{0.4, 50000}, front_XL{0.5, 0}; // 5000 daN
    constexpr WallForce side_L{0.3, 0}, side_XL{0.4, 0};
    constexpr WallForce rear_L{0.25, 31000}, rear_XL{0.3, 0}; // 3100 daN
    constexpr double    wall_height_fraction = 0.75;          // loaded up to 3/4 of the wall height

    Vec3 scaled(const Vec3 &v, double f) { return {v[0] * f, v[1] * f, v[2] * f}; }

    std::string fmt(double v, int digits)
    {
      char b[64];
      std::snprintf(b, sizeof b, "%.*g", digits, v);
      return b;
    }
    std::string kN(double newton) { return fmt(newton / 1000, 4) + " kN"; }
    std::string kg_m3(double tonne_per_mm3) { return fmt(tonne_per_mm3 * 1e12, 4) + " kg/m^3"; }

    [[noreturn]] void fail(const Case &c, const std::string &key, const std::string &message)
    {
      throw InputError(c.design_loads.where, "design_loads" + (key.empty() ? "" : "." + key),
                       message);
    }

    void require_surface(const Case &c, const std::string &name, const char *body)
    {
      if (!c.named_surfaces.count(name))
        fail(c, "template",
             std::string("this template needs a ") + body + " body (no surface \"" + name + "\")");
    }

    LoadCaseSpec load_case(const Case &c, const std::string &name, const std::string &description)
    {
      LoadCaseSpec lc;
      lc.name        = name;
      lc.description = description;
      lc.where       = c.design_loads.where;
      return lc;
    }

    HydrostaticLoad liquid(const Case &c, const std::string &surface, double density, const Vec3 &a,
                           double filling)
    {
      HydrostaticLoad h;
      h.surface = surface;
      h.density = density;
      h.gravity = a;
      h.where   = c.design_loads.where;
      if (filling >= 1)
        h.full = true;
      else
        h.filling = filling;
      return h;
    }

    DistributedForce spread(const Case &c, const std::string &surface, const Vec3 &force)
    {
      DistributedForce d;
      d.surface = surface;
      d.force   = force;
      d.where   = c.design_loads.where;
      return d;
    }

    DistributedForce spread_in_box(const Case &c, const std::string &surface, const Vec3 &force,
                                   const Vec3 &lo, const Vec3 &hi)
    {
      DistributedForce d = spread(c, surface, force);
      d.in_box           = true;
      d.box_min          = lo;
      d.box_max          = hi;
      return d;
    }

    void add_case(Case &c, LoadCaseSpec lc)
    {
      for (const auto &existing : c.load_cases)
        if (existing.name == lc.name)
          fail(c, "template",
               "the template's load case \"" + lc.name +
                 "\" has the name of a load case of the file; rename that one");
      c.load_cases.push_back(std::move(lc));
    }

    // Every compartment full of liquid at 1 g with a pressure on top, and the tank's weight.
    LoadCaseSpec pressurised(const Case &c, const std::vector<std::string> &compartments,
                             const std::string &name, const std::string &description,
                             double pressure, double density)
    {
      LoadCaseSpec lc = load_case(c, name, description);
      lc.acceleration = {0, 0, -g};
      for (const auto &s : compartments)
        {
          PressureLoad p;
          p.surface  = s;
          p.pressure = pressure;
          p.where    = c.design_loads.where;
          lc.pressures.push_back(p);
          lc.hydrostatic.push_back(liquid(c, s, density, {0, 0, -g}, 1));
        }
      return lc;
    }

    // ADR 6.8.2.1.2: the tank and its fastenings under the maximum permissible load, each
    // direction a separate case; ADR 6.8.2.1.14 / 6.8.2.4.1 pressure cases and the 6.8.2.1.7
    // external pressure.
    void expand_adr(Case &c)
    {
      const DesignLoadsSpec &d = c.design_loads;
      if (!c.has_tank)
        fail(c, "template", "the adr template needs a tank body (body: tank)");
      std::vector<std::string> compartments;
      for (int k = 1; c.named_surfaces.count("compartment_" + std::to_string(k)); ++k)
        compartments.push_back("compartment_" + std::to_string(k));
      const std::string filled =
        d.filling >= 1 ? "compartments full" : "compartments " + fmt(100 * d.filling) + " % filled";
      const std::string liquid_text = " of liquid at " + kg_m3(d.density);

      struct Direction
      {
        const char *name;
        Vec3        a; // effective acceleration: gravity plus the inertial acceleration
        std::string text;
      };
      const double                 down = d.down_includes_gravity ? adr_down : adr_down + 1;
      const std::vector<Direction> directions{
        {"adr_travel_2g",
         {-adr_travel * g, 0, -g},
         "ADR 6.8.2.1.2: 2 g in the direction of travel (inertia forward, -x), with gravity 1 g "
         "down"},
        {"adr_lateral_1g",
         {0, adr_lateral * g, -g},
         "ADR 6.8.2.1.2: 1 g at right angles to the direction of travel (+y), with gravity 1 g "
         "down"},
        {"adr_up_1g",
         {0, 0, adr_up * g},
         "ADR 6.8.2.1.2: 1 g vertically upwards (net, gravity not subtracted)"},
        {"adr_down_2g",
         {0, 0, -down * g},
         d.down_includes_gravity
           ? "ADR 6.8.2.1.2: 2 g vertically downwards (total, gravity included)"
           : "ADR 6.8.2.1.2: 2 g vertically downwards plus gravity (3 g total)"}};
      for (const auto &dir : directions)
        {
          LoadCaseSpec lc = load_case(c, dir.name,
                                      dir.text + "; " + filled + liquid_text +
                                        "; tank mass and liquid at the same acceleration");
          lc.acceleration = dir.a;
          for (const auto &s : compartments)
            lc.hydrostatic.push_back(liquid(c, s, d.density, dir.a, d.filling));
          add_case(c, lc);
        }

      // Calculation pressure: G (gravity discharge) = 2 x the static pressure of the substance,
      // at least that of water (6.8.2.1.14 a); otherwise the given pressure on top of the static
      // head of the full tank.
      const double water = 1e-9; // tonne/mm^3 (1000 kg/m^3)
      if (!d.calculation_pressure)
        {
          const double rho = std::max(d.density, water);
          LoadCaseSpec lc  = load_case(c, "adr_calculation_pressure",
                                       "ADR 6.8.2.1.14 (a), tank code G: 2 x the static pressure of "
                                        "the substance (at least of "
                                        "water): every compartment full at " +
                                         kg_m3(rho) + " under 2 g, tank weight 1 g");
          lc.acceleration  = {0, 0, -g};
          for (const auto &s : compartments)
            lc.hydrostatic.push_back(liquid(c, s, rho, {0, 0, -2 * g}, 1));
          add_case(c, lc);
        }
      else
        {
          add_case(
            c, pressurised(c, compartments, "adr_calculation_pressure",
                           "ADR 6.8.2.1.14: calculation pressure " +
                             fmt(*d.calculation_pressure * 1e3) +
                             " kPa in every compartment, with the static head of the full tank (" +
                             kg_m3(d.density) + ") and the tank weight at 1 g",
                           *d.calculation_pressure, d.density));
        }
      // The tank as a whole, and each compartment of a compartmented tank alone (6.8.2.4.1:
      // the hydraulic test of each compartment separately; the vacuum of one compartment being
      // emptied): its partitions are then loaded from one side.
      std::vector<std::pair<std::vector<std::string>, std::string>> tested{{compartments, ""}};
      if (compartments.size() > 1)
        for (const auto &s : compartments)
          tested.push_back({{s}, s});
      auto which = [](const std::string &alone, const char *every) {
        return alone.empty() ? std::string(every) : alone + " alone";
      };
      if (d.test_pressure > 0)
        for (const auto &[filled_ones, alone] : tested)
          add_case(c, pressurised(c, filled_ones,
                                  "adr_test_pressure" + (alone.empty() ? "" : "_" + alone),
                                  "ADR 6.8.2.4.1: hydraulic test, " +
                                    which(alone, "every compartment") + " full of water with " +
                                    fmt(d.test_pressure * 1e3) + " kPa at the top, tank weight 1 g",
                                  d.test_pressure, water));
      // ADR 6.8.2.1.7: the tank withstands an external overpressure without permanent
      // deformation: the vacuum inside every compartment (and inside each alone), the tank
      // empty, its weight at 1 g (the stresses checked against the ADR allowable, below the
      // yield strength; buckling where the case asks for it: the shell's and the baffles'
      // failure under vacuum).
      for (const auto &[empty_ones, alone] : tested)
        {
          LoadCaseSpec lc =
            load_case(c, "adr_external_pressure" + (alone.empty() ? "" : "_" + alone),
                      "ADR 6.8.2.1.7: external overpressure " + fmt(d.external_pressure * 1e3) +
                        " kPa (vacuum in " + which(alone, "every compartment") +
                        "), tank empty, tank weight 1 g");
          lc.acceleration = {0, 0, -g};
          for (const auto &s : empty_ones)
            {
              PressureLoad p;
              p.surface  = s;
              p.pressure = -d.external_pressure;
              p.where    = d.where;
              lc.pressures.push_back(p);
            }
          add_case(c, lc);
        }
      if (!c.criteria.given)
        {
          c.criteria.given = true;
          c.criteria.rule  = CriteriaSpec::Rule::adr;
        }
    }

    // EN 12642 (code L or XL) wall loads, and the payload on the floor (vertical factor),
    // braking and cornering after EN 12195-1.
    void expand_en12642(Case &c)
    {
      const DesignLoadsSpec &d = c.design_loads;
      if (!c.has_frame_body || c.frame_body.kind != FrameBodySpec::Kind::box)
        fail(c, "template", "the en12642 template needs a box body (body: box)");
      require_surface(c, "front_wall_inner", "box");
      const FrameBodySpec &b  = c.frame_body;
      const double         P  = d.payload * g; // N
      const double         z0 = b.floor.thickness / 2, z34 = z0 + wall_height_fraction * b.height;
      const double         big  = 1e9;
      const bool           xl   = d.code_xl;
      const std::string    code = xl ? "code XL" : "code L";

      auto wall = [&](const std::string &name, const std::string &surface, double force,
                      const Vec3 &dir, const std::string &text, const std::string &note) {
        LoadCaseSpec lc = load_case(
          c, name,
          "EN 12642 " + code + ": " + text + " = " + kN(force) + " over the full " +
            (dir[0] != 0 ? "width" : "length") + " up to 3/4 of the wall height" + note +
            "; body weight 1 g" +
            (xl ? "; elastic deflection at most " + fmt(en12642_xl_deflection_mm) + " mm" : ""));
        lc.acceleration = {0, 0, -g};
        lc.distributed.push_back(
          spread_in_box(c, surface, scaled(dir, force), {-big, -big, -big}, {big, big, z34}));
        if (xl)
          lc.max_deflection = en12642_xl_deflection_mm;
        add_case(c, lc);
      };
      const double front = (xl ? front_XL : front_L).of(P);
      const double side  = (xl ? side_XL : side_L).of(P);
      const double rear  = (xl ? rear_XL : rear_L).of(P);
      wall("en12642_front_wall", "front_wall_inner", front, {-1, 0, 0},
           "front wall " + text_of(xl ? front_XL : front_L), "");
      wall("en12642_side_wall", "side_left_inner", side, {0, 1, 0},
           "side wall " + text_of(xl ? side_XL : side_L), " (left wall; the body is symmetric)");
      wall("en12642_rear", "rear_frame", rear, {1, 0, 0},
           "rear doors " + text_of(xl ? rear_XL : rear_L),
           ", carried by the rear portal posts (the doors are not modelled)");

      // The payload rests on the floor inside the walls; its inertia goes into the floor.
      const Vec3 lo{0, -b.width / 2, -big}, hi{b.length, b.width / 2, big};
      auto payload_case = [&](const std::string &name, const Vec3 &a, const std::string &text) {
        LoadCaseSpec lc = load_case(c, name,
                                    text + "; payload " + fmt(d.payload, 4) +
                                      " t spread over the floor, body at the same acceleration");
        lc.acceleration = a;
        lc.distributed.push_back(spread_in_box(c, "floor_top", scaled(a, d.payload), lo, hi));
        add_case(c, lc);
      };
      payload_case("payload_vertical", {0, 0, -d.vertical_factor * g},
                   "payload and body weight x " + fmt(d.vertical_factor) +
                     " (vertical dynamic factor)");
      payload_case("braking", {-d.braking * g, 0, -g},
                   "braking " + fmt(d.braking) + " g forward (EN 12195-1) with gravity 1 g");
      payload_case("cornering", {0, d.cornering * g, -g},
                   "cornering " + fmt(d.cornering) + " g sideways (EN 12195-1) with gravity 1 g");
      if (!c.criteria.given)
        c.criteria.given = true; // Rp0.2 / safety factor
    }

    // The supports a tipper template needs, from the body's regions, when the file has none of
    // that name.
    void ensure_support(Case &c, const std::string &name, std::array<bool, 3> fixed)
    {
      for (const auto &s : c.supports)
        if (s.name == name)
          return;
      SupportSpec sp;
      sp.name         = name;
      sp.named_region = name;
      sp.fixed        = fixed;
      sp.where        = c.design_loads.where;
      c.supports.push_back(sp);
    }

    // Tipper with a granular payload: transport (vertical dynamic factor), start of tipping (on
    // the hinge and ram pins) and braking.
    void expand_tipper(Case &c)
    {
      const DesignLoadsSpec &d = c.design_loads;
      if (!c.has_frame_body || c.frame_body.kind != FrameBodySpec::Kind::tipper)
        fail(c, "template", "the tipper template needs a tipper body (body: tipper)");
      const FrameBodySpec &b   = c.frame_body;
      const double         rho = d.density;
      const double         K =
        d.lateral_coefficient > 0 ? d.lateral_coefficient : 1 - std::sin(d.friction_angle);
      const double area = b.length * b.width;
      const double h    = d.payload > 0 ? d.payload / (rho * area) : b.height;
      if (h > b.height * (1 + 1e-9))
        fail(c, "payload",
             "the payload (" + fmt(d.payload, 4) + " t at " + kg_m3(rho) + ") fills " + fmt(h, 4) +
               " mm, more than the wall height " + fmt(b.height, 4) + " mm");
      const double      mass = rho * area * h;
      const double      z0   = b.floor.thickness / 2;
      const double      big  = 1e9;
      const std::string bulk = "payload " + fmt(mass, 4) + " t of bulk material at " + kg_m3(rho) +
                               ", level " + fmt(h, 4) +
                               " mm; wall pressure K rho a (h - z) with K = " + fmt(K, 3) +
                               (d.lateral_coefficient > 0 ? " (given)" : " (1 - sin phi, Jaky)");
      const Vec3 lo{0, -b.width / 2, -big}, hi{b.length, b.width / 2, big};
      auto       add_payload = [&](LoadCaseSpec &lc, double factor) {
        const Vec3 a{0, 0, -factor * g};
        lc.distributed.push_back(spread_in_box(c, "floor_top", scaled(a, mass), lo, hi));
        for (const char *wall :
             {"side_left_inner", "side_right_inner", "front_wall_inner", "tailgate_inner"})
          {
            HydrostaticLoad p;
            p.surface = wall;
            p.density = K * rho;
            p.gravity = a;
            p.level   = z0 + h;
            p.where   = d.where;
            lc.hydrostatic.push_back(p);
          }
      };
      ensure_support(c, "mounts", {false, false, false});
      for (auto &sp : c.supports)
        if (sp.name == "mounts" && !sp.elastic() && sp.fixed == std::array<bool, 3>{})
          {
            const double k = c.frame_body.mount_stiffness;
            sp.bedding     = Vec3{k, k, k};
          }
      ensure_support(c, "hinge_pins", {true, true, true});
      ensure_support(c, "ram_pin", {false, false, true});
      const std::vector<std::string> on_chassis{"mounts"}, tipping{"hinge_pins", "ram_pin"};

      LoadCaseSpec transport =
        load_case(c, "transport",
                  "transport on the chassis: payload and body weight x " + fmt(d.vertical_factor) +
                    " (vertical dynamic factor); " + bulk);
      transport.acceleration = {0, 0, -d.vertical_factor * g};
      transport.supports     = on_chassis;
      add_payload(transport, d.vertical_factor);
      add_case(c, transport);

      LoadCaseSpec start =
        load_case(c, "start_of_tipping",
                  "start of tipping: body level on the hinge pins and the ram pin, "
                  "full payload and body weight at 1 g; " +
                    bulk);
      start.acceleration = {0, 0, -g};
      start.supports     = tipping;
      add_payload(start, 1);
      add_case(c, start);

      LoadCaseSpec braking = load_case(c, "braking",
                                       "braking " + fmt(d.braking) +
                                         " g forward with gravity 1 g: the payload's inertia " +
                                         kN(d.braking * g * mass) +
                                         " on the front wall (below the payload level), "
                                         "its weight as at rest; " +
                                         bulk);
      braking.acceleration = {-d.braking * g, 0, -g};
      braking.supports     = on_chassis;
      add_payload(braking, 1);
      braking.distributed.push_back(spread_in_box(c, "front_wall_inner",
                                                  {-d.braking * g * mass, 0, 0}, {-big, -big, -big},
                                                  {big, big, z0 + h}));
      add_case(c, braking);
      if (!c.criteria.given)
        c.criteria.given = true;
    }
  } // namespace

  std::vector<std::string> design_load_template_names() { return {"adr", "en12642", "tipper"}; }

  void expand_design_loads(Case &c)
  {
    switch (c.design_loads.kind)
      {
        case DesignLoadsSpec::Template::none: return;
        case DesignLoadsSpec::Template::adr: expand_adr(c); return;
        case DesignLoadsSpec::Template::en12642: expand_en12642(c); return;
        case DesignLoadsSpec::Template::tipper: expand_tipper(c); return;
      }
  }

  namespace
  {
    // " where 0 <= x <= 4800, z <= 862 mm": the finite bounds of a box.
    std::string box_text(const DistributedForce &d)
    {
      std::string out;
      for (unsigned k = 0; k < 3; ++k)
        {
          const bool lo = std::abs(d.box_min[k]) < 1e8, hi = std::abs(d.box_max[k]) < 1e8;
          if (!lo && !hi)
            continue;
          const std::string axis(1, "xyz"[k]);
          out += (out.empty() ? " where " : ", ") +
                 (lo && hi ? fmt(d.box_min[k], 5) + " <= " + axis + " <= " + fmt(d.box_max[k], 5)
                  : lo     ? axis + " >= " + fmt(d.box_min[k], 5)
                           : axis + " <= " + fmt(d.box_max[k], 5));
        }
      return out.empty() ? out : out + " mm";
    }
  } // namespace

  std::vector<std::string> describe_loads(const LoadCaseSpec &lc)
  {
    auto vec = [](const Vec3 &v, double scale, int digits = 4) {
      return "(" + fmt(v[0] * scale, digits) + ", " + fmt(v[1] * scale, digits) + ", " +
             fmt(v[2] * scale, digits) + ")";
    };
    std::vector<std::string> out;
    if (lc.acceleration[0] != 0 || lc.acceleration[1] != 0 || lc.acceleration[2] != 0)
      out.push_back("body acceleration " + vec(lc.acceleration, 1 / g) + " g");
    for (const auto &p : lc.pressures)
      out.push_back("pressure " + fmt(p.pressure * 1e3, 4) + " kPa on " + p.surface);
    for (const auto &h : lc.hydrostatic)
      out.push_back("hydrostatic on " + h.surface + ": " + kg_m3(h.density) + " under " +
                    vec(h.gravity, 1 / g) + " g, " +
                    (h.full          ? std::string("full")
                     : h.filling > 0 ? fmt(100 * h.filling) + " % filled"
                                     : "free surface at " + fmt(h.level, 5) + " mm"));
    for (const auto &e : lc.edge_loads)
      out.push_back("edge force " + vec(e.force_per_length, 1) + " N/mm on " + e.edge);
    for (const auto &e : lc.edge_pressures)
      out.push_back("edge pressure " + fmt(e.value, 4) + " MPa on " + e.edge +
                    (e.direction ? " along " + vec(*e.direction, 1) : std::string()));
    for (const auto &p : lc.point_loads)
      out.push_back("point force " + vec(p.force, 1e-3) + " kN at " + vec(p.point, 1, 6) + " mm");
    for (const auto &d : lc.distributed)
      out.push_back("force " + vec(d.force, 1e-3) + " kN spread over " + d.surface +
                    (d.in_box ? box_text(d) : std::string()));
    std::string sup;
    for (const auto &s : lc.supports)
      sup += (sup.empty() ? "" : ", ") + s;
    out.push_back("supports: " + (sup.empty() ? std::string("all") : sup));
    if (lc.max_deflection)
      out.push_back("deflection limit " + fmt(*lc.max_deflection, 4) + " mm");
    return out;
  }
} // namespace lightbody
