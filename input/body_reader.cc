// body: the parameters of a tank, box or tipper body (their parts: bodies.cc).
#include "input/reader.h"

namespace lightbody
{
  namespace reading
  {
    namespace
    {
      // The key table's section of a box's or tipper's group.
      std::string group_section(const std::string &path, const std::string &key)
      {
        if (key == "sills" || key == "crossmembers" || key == "posts")
          return "body.FRAME." + key;
        if (key == "rear_frame" || key == "top_rail" || key == "hinges" || key == "ram" ||
            key == "canopy")
          return path + "." + key;
        return "body.FRAME.GAUGE";
      }
    } // namespace

    void Reader::read_tank(const YAML::Node &n, Case &c)
    {
      const std::string path = "body.tank";
      if (!is_map(n, path))
        return;
      check_keys(n, path, keys_of("body.tank"));
      TankSpec &t = c.tank;
      c.has_tank  = true;
      read_tank_section(n, path, t);
      t.length = positive(n, path, "length", Quantity::length);

      auto gauge = [&](const YAML::Node &g, const std::string &gp, std::string &material,
                       double &thickness) {
        check_keys(g, gp, keys_of(gp));
        if (g["material"] || material.empty())
          material = text(g, gp, "material");
        thickness = positive(g, gp, "thickness", Quantity::length, max_thickness_mm, nullptr,
                             usual_thickness_mm);
        if (g["material"])
          known_material(g["material"], gp + ".material", material, thickness);
      };
      const YAML::Node shell = n["shell"];
      if (!shell)
        error(n, path + ".shell", "is required: {material, thickness}");
      else if (is_map(shell, path + ".shell"))
        gauge(shell, path + ".shell", t.shell_material, t.shell_thickness);
      const YAML::Node heads = n["heads"];
      t.head_material        = t.shell_material;
      t.head_thickness       = t.shell_thickness;
      if (heads && is_map(heads, path + ".heads"))
        {
          gauge(heads, path + ".heads", t.head_material, t.head_thickness);
          const std::string shape = text(heads, path + ".heads", "shape", false);
          if (shape.empty() || shape == "ellipsoidal")
            t.heads = TankSpec::Heads::ellipsoidal;
          else if (shape == "flat")
            t.heads = TankSpec::Heads::flat;
          else if (shape == "torispherical")
            {
              t.heads        = TankSpec::Heads::torispherical;
              t.crown_radius = positive(heads, path + ".heads", "crown_radius", Quantity::length);
              t.knuckle_radius =
                positive(heads, path + ".heads", "knuckle_radius", Quantity::length);
              if (t.crown_radius > 0 &&
                  !(t.crown_radius >= t.section.a && t.knuckle_radius < t.section.a))
                error(heads, path + ".heads",
                      "torispherical heads need crown_radius >= width / 2 > knuckle_radius");
            }
          else
            error(heads["shape"], path + ".heads.shape",
                  "unknown head shape \"" + shape + "\"" +
                    suggestion(shape, {"ellipsoidal", "torispherical", "flat"}));
        }
      read_bulkheads(n, path, t);
      read_rings(n, path, t);
      read_tank_mounting(n, path, t);
    }

    // The cross-section: circular, elliptical or oval.
    void Reader::read_tank_section(const YAML::Node &n, const std::string &path, TankSpec &t)
    {
      const std::string section = text(n, path, "section", false);
      const double      width   = positive(n, path, "width", Quantity::length);
      t.section.a               = width / 2;
      if (section.empty() || section == "circular")
        {
          t.section.kind = SectionSpec::Kind::circle;
          t.section.b    = t.section.a;
          if (n["height"])
            error(n["height"], path + ".height", "a circular section has only a width (diameter)");
        }
      else if (section == "elliptical" || section == "oval")
        {
          t.section.kind = section == "oval" ? SectionSpec::Kind::oval : SectionSpec::Kind::ellipse;
          t.section.b    = positive(n, path, "height", Quantity::length) / 2;
          if (section == "oval")
            {
              t.section.side_radius = positive(n, path, "side_radius", Quantity::length);
              if (t.section.b > 0 &&
                  !(t.section.a > t.section.b && t.section.side_radius < t.section.b))
                error(n, path, "an oval section needs width > height and side_radius < height / 2");
            }
        }
      else
        error(n["section"], path + ".section",
              "unknown section \"" + section + "\"" +
                suggestion(section, {"circular", "elliptical", "oval"}));
    }

    // Partitions and baffles, sorted along the tank.
    void Reader::read_bulkheads(const YAML::Node &n, const std::string &path, TankSpec &t)
    {
      for (const char *kind : {"partitions", "baffles"})
        for_each_in_list(
          n[kind], path + "." + kind, [&](const YAML::Node &e, const std::string &k) {
            if (!is_map(e, k))
              return;
            TankSpec::Bulkhead b;
            b.partition = std::string(kind) == "partitions";
            b.material  = t.shell_material;
            check_keys(e, k, keys_of(path + "." + kind + "[]"));
            b.station   = positive(e, k, "station", Quantity::length);
            b.thickness = t.shell_thickness;
            if (e["thickness"])
              b.thickness = positive(e, k, "thickness", Quantity::length, max_thickness_mm, nullptr,
                                     usual_thickness_mm);
            if (e["material"])
              {
                b.material = text(e, k, "material");
                known_material(e["material"], k + ".material", b.material, b.thickness);
              }
            if (!b.partition)
              {
                const double fallback =
                  default_of("body.tank.baffles[]", "opening", Quantity::dimensionless);
                b.opening = quantity(e, k, "opening", Quantity::dimensionless, &fallback);
                // ADR 6.8.2.1.22: a surge plate covers at least 70 % of the cross-section.
                if (e["opening"] && !(b.opening > 0 && b.opening <= 0.3))
                  error(e["opening"], k + ".opening",
                        "must be more than 0 and at most 30 % (ADR 6.8.2.1.22: a surge plate "
                        "covers at least 70 % of the section)");
              }
            t.bulkheads.push_back(b);
          });
      std::sort(t.bulkheads.begin(), t.bulkheads.end(),
                [](const auto &a, const auto &b) { return a.station < b.station; });
    }

    // Stiffening rings.
    void Reader::read_rings(const YAML::Node &n, const std::string &path, TankSpec &t)
    {
      if (const YAML::Node r = n["rings"]; r && is_map(r, path + ".rings"))
        {
          check_keys(r, path + ".rings", keys_of("body.tank.rings"));
          for_each_in_list(r["stations"], path + ".rings.stations",
                           [&](const YAML::Node &e, const std::string &k) {
                             bool ok;
                             t.ring_stations.push_back(number(e, k, Quantity::length, ok));
                           });
          t.ring_height    = positive(r, path + ".rings", "height", Quantity::length);
          t.ring_thickness = positive(r, path + ".rings", "thickness", Quantity::length,
                                      max_thickness_mm, nullptr, usual_thickness_mm);
          t.ring_material = r["material"] ? text(r, path + ".rings", "material") : t.shell_material;
          if (r["material"])
            known_material(r["material"], path + ".rings.material", t.ring_material,
                           t.ring_thickness);
        }
    }

    // Saddles, a subframe, or the head rims.
    void Reader::read_tank_mounting(const YAML::Node &n, const std::string &path, TankSpec &t)
    {
      t.mounting_stiffness =
        default_of("body.tank.mounting.saddles", "stiffness", Quantity::stiffness_per_area);
      const YAML::Node m = n["mounting"];
      if (!m)
        error(n, path + ".mounting", "is required: saddles, subframe or ends");
      else if (is_map(m, path + ".mounting"))
        {
          check_keys(m, path + ".mounting", keys_of("body.tank.mounting"));
          if (m.size() != 1)
            error(m, path + ".mounting", "give exactly one of saddles, subframe, ends");
          else if (const YAML::Node sd = m["saddles"])
            {
              const std::string sp = path + ".mounting.saddles";
              t.mounting           = TankSpec::Mounting::saddles;
              if (is_map(sd, sp))
                {
                  check_keys(sd, sp, keys_of("body.tank.mounting.saddles"));
                  for_each_in_list(sd["stations"], sp + ".stations",
                                   [&](const YAML::Node &e, const std::string &k) {
                                     bool ok;
                                     t.saddle_stations.push_back(
                                       number(e, k, Quantity::length, ok));
                                   });
                  if (t.saddle_stations.size() < 2)
                    error(sd, sp + ".stations", "give at least two saddle stations");
                  t.saddle_width       = default_of(sp, "width", Quantity::length);
                  t.mounting_stiffness = positive(sd, sp, "stiffness", Quantity::stiffness_per_area,
                                                  1e6, &t.mounting_stiffness);
                  t.saddle_angle       = default_of(sp, "angle", Quantity::angle);
                  t.saddle_width =
                    positive(sd, sp, "width", Quantity::length, max_dimension_mm, &t.saddle_width);
                  t.saddle_angle = quantity(sd, sp, "angle", Quantity::angle, &t.saddle_angle);
                  if (!(t.saddle_angle > 0 && t.saddle_angle < M_PI))
                    error(sd["angle"] ? sd["angle"] : sd, sp + ".angle",
                          "must be between 0 and 180 deg");
                }
            }
          else if (const YAML::Node sf = m["subframe"])
            {
              const std::string sp = path + ".mounting.subframe";
              t.mounting           = TankSpec::Mounting::subframe;
              if (is_map(sf, sp))
                {
                  check_keys(sf, sp, keys_of("body.tank.mounting.subframe"));
                  t.subframe_spacing   = positive(sf, sp, "spacing", Quantity::length);
                  t.subframe_width     = default_of(sp, "width", Quantity::length);
                  t.mounting_stiffness = positive(sf, sp, "stiffness", Quantity::stiffness_per_area,
                                                  1e6, &t.mounting_stiffness);
                  t.subframe_width = positive(sf, sp, "width", Quantity::length, max_dimension_mm,
                                              &t.subframe_width);
                  if (t.subframe_spacing >= 2 * t.section.a)
                    error(sf["spacing"], sp + ".spacing",
                          "the longitudinals must lie under the tank (spacing < width)");
                }
            }
          else
            t.mounting = TankSpec::Mounting::ends;
        }
    }

    // Neighbouring posts' flanges must not overlap (they would fill the same space).
    void Reader::check_post_flanges(const YAML::Node &n, const std::string &path,
                                    const FrameBodySpec &b)
    {
      if (!(b.post_flange < b.post_pitch))
        {
          const YAML::Node p = n["posts"];
          error(p && p.IsMap() && p["flange"] ? p["flange"]
                : p                           ? p
                                              : n,
                path + ".posts.flange",
                "neighbouring posts' flanges would overlap: the flange must be narrower than the "
                "pitch (" +
                  reading::in_user_units(b.post_pitch, Quantity::length) + ")");
        }
    }

    void Reader::read_frame_body(const YAML::Node &n, Case &c, FrameBodySpec::Kind kind)
    {
      const bool        box  = kind == FrameBodySpec::Kind::box;
      const std::string path = box ? "body.box" : "body.tipper";
      if (!is_map(n, path))
        return;
      std::vector<std::string> keys = keys_of("body.FRAME");
      for (const auto &k : keys_of(path))
        keys.push_back(k);
      check_keys(n, path, keys);
      FrameBodySpec &b = c.frame_body;
      c.has_frame_body = true;
      b.mount_length   = default_of("body.FRAME.mounting", "length", Quantity::length);
      b.mount_stiffness =
        default_of("body.FRAME.mounting", "stiffness", Quantity::stiffness_per_area);
      b.kind   = kind;
      b.length = positive(n, path, "length", Quantity::length);
      b.width  = positive(n, path, "width", Quantity::length);
      b.height = positive(n, path, "height", Quantity::length);
      // Checks against the body's size only once it is known (else: follow-on errors such as
      // "the ram bracket must lie ... 165 to -465 mm" beside "length: is required").
      const bool sized = b.length > 0 && b.width > 0 && b.height > 0;
      // A group: gauge (material, thickness, falling back to `fallback`) and named sizes.
      auto size_default = [&](const char *group_key, const char *size) {
        return default_of(group_section(path, group_key), size, Quantity::length);
      };
      auto set_post_defaults = [&] {
        b.post_pitch  = size_default("posts", "pitch");
        b.post_depth  = size_default("posts", "depth");
        b.post_flange = size_default("posts", "flange");
      };
      auto group = [&](const char *key, Gauge &g, const Gauge *fallback,
                       std::vector<std::pair<const char *, double *>> sizes, bool required) {
        const YAML::Node  e  = n[key];
        const std::string gp = path + "." + key;
        if (!e)
          {
            if (required || !fallback)
              error(n, gp, "is required");
            if (fallback)
              g = *fallback;
            return;
          }
        if (!is_map(e, gp))
          return;
        check_keys(e, gp, keys_of(group_section(path, key)));
        g.material  = e["material"] || !fallback ? text(e, gp, "material") : fallback->material;
        g.thickness = e["thickness"] || !fallback
                        ? positive(e, gp, "thickness", Quantity::length, max_thickness_mm, nullptr,
                                   usual_thickness_mm)
                        : fallback->thickness;
        if (e["material"])
          known_material(e["material"], gp + ".material", g.material, g.thickness);
        for (auto &sz : sizes)
          *sz.second = e[sz.first] ? positive(e, gp, sz.first, Quantity::length) : *sz.second;
      };
      group("floor", b.floor, nullptr, {}, true);
      group("walls", b.walls, nullptr, {}, true);
      group("front", b.front, &b.walls, {}, false);
      b.sill_height = size_default("sills", "height"),
      b.sill_flange = size_default("sills", "flange");
      group("sills", b.sill, nullptr,
            {{"spacing", &b.sill_spacing}, {"height", &b.sill_height}, {"flange", &b.sill_flange}},
            true);
      // Where the sills are missing or not a mapping, that is said already.
      if (const YAML::Node sills = n["sills"]; sills && sills.IsMap())
        {
          if (!sills["spacing"])
            error(sills, path + ".sills.spacing",
                  "is required (centre distance of the chassis rails)");
          else if (sized && b.sill_spacing >= b.width)
            error(sills["spacing"], path + ".sills.spacing",
                  "the sills must lie under the floor (spacing < width)");
          else if (b.sill_flange > b.sill_spacing)
            error(sills["flange"] ? sills["flange"] : sills, path + ".sills.flange",
                  "the two sills' flanges would overlap: at most the spacing (" +
                    reading::in_user_units(b.sill_spacing, Quantity::length) + ")");
        }
      b.crossmember_pitch  = size_default("crossmembers", "pitch");
      b.crossmember_height = size_default("crossmembers", "height");
      group("crossmembers", b.crossmember, &b.sill,
            {{"pitch", &b.crossmember_pitch}, {"height", &b.crossmember_height}}, false);
      // The crossmembers hang from the floor between the sills' webs, at most down to the
      // sills' bottom flanges (deeper ones would run through the flanges).
      if (b.crossmember_height > b.sill_height)
        error(n["crossmembers"] && n["crossmembers"].IsMap() && n["crossmembers"]["height"]
                ? n["crossmembers"]["height"]
                : n,
              path + ".crossmembers.height",
              "the crossmembers end at the sills' bottom flanges: at most sills.height (" +
                reading::in_user_units(b.sill_height, Quantity::length) + ")");
      if (box)
        {
          group("roof", b.roof, &b.walls, {}, false);
          set_post_defaults();
          group("posts", b.post, &b.walls,
                {{"pitch", &b.post_pitch}, {"depth", &b.post_depth}, {"flange", &b.post_flange}},
                false);
          b.has_posts = true;
          check_post_flanges(n, path, b);
          b.rear_post_width    = size_default("rear_frame", "post_width");
          b.rear_header_height = size_default("rear_frame", "header_height");
          group("rear_frame", b.rear_frame, &b.walls,
                {{"post_width", &b.rear_post_width}, {"header_height", &b.rear_header_height}},
                false);
          if (sized && (b.rear_header_height >= b.height || 2 * b.rear_post_width >= b.width))
            error(n, path + ".rear_frame", "the rear frame leaves no door opening");
        }
      else
        {
          group("tailgate", b.tailgate, &b.walls, {}, false);
          if (n["posts"])
            {
              set_post_defaults();
              group(
                "posts", b.post, &b.walls,
                {{"pitch", &b.post_pitch}, {"depth", &b.post_depth}, {"flange", &b.post_flange}},
                false);
              b.has_posts = true;
              check_post_flanges(n, path, b);
            }
          if (n["top_rail"])
            {
              b.top_rail_width = size_default("top_rail", "width");
              group("top_rail", b.top_rail, &b.walls, {{"width", &b.top_rail_width}}, false);
              // The posts' tops end under the rail: it must reach over them.
              const double over_posts = b.walls.thickness + b.post_depth + b.post.thickness;
              if (b.has_posts && b.top_rail_width < over_posts)
                {
                  if (n["top_rail"].IsMap() && n["top_rail"]["width"])
                    error(n["top_rail"]["width"], path + ".top_rail.width",
                          "the top rail must cover the posts' tops: at least the wall gauge + "
                          "post depth + post gauge = " +
                            std::to_string(static_cast<int>(std::ceil(over_posts))) + " mm");
                  else
                    b.top_rail_width = over_posts;
                }
            }
          if (n["canopy"])
            {
              b.canopy_length    = size_default("canopy", "length");
              const Gauge &under = b.top_rail_width > 0 ? b.top_rail : b.walls;
              group("canopy", b.canopy, &under, {{"length", &b.canopy_length}}, false);
              // The front posts' tops end under the canopy: it must reach over them.
              const double over_posts = b.post_depth + b.post.thickness;
              if (b.has_posts && b.canopy_length < over_posts)
                error(n["canopy"].IsMap() && n["canopy"]["length"] ? n["canopy"]["length"]
                                                                   : n["canopy"],
                      path + ".canopy.length",
                      "the canopy must cover the front posts' tops: at least the post depth + "
                      "post gauge = " +
                        std::to_string(static_cast<int>(std::ceil(over_posts))) + " mm");
            }
          b.hinge_depth = size_default("hinges", "depth");
          group("hinges", b.bracket, &b.sill, {{"depth", &b.hinge_depth}}, false);
          b.ram_station = b.length / 4, b.ram_depth = size_default("ram", "depth");
          Gauge ram;
          group("ram", ram, &b.bracket, {{"station", &b.ram_station}, {"depth", &b.ram_depth}},
                false);
          // The ram bracket (300 mm long) and its cross member's webs lie under the floor, ahead
          // of the hinge brackets (the last 300 mm).
          const double ram_end = b.length - 300 - 150 - ram.thickness;
          if (sized && !(b.ram_station >= 150 + ram.thickness && b.ram_station <= ram_end))
            error(n["ram"] && n["ram"].IsMap() && n["ram"]["station"] ? n["ram"]["station"] : n,
                  path + ".ram.station",
                  "the ram bracket must lie under the floor ahead of the hinge brackets: " +
                    std::to_string(static_cast<long>(std::ceil(150 + ram.thickness))) + " to " +
                    reading::in_user_units(std::floor(ram_end), Quantity::length));
          const std::string pos = text(n, path, "position", false);
          if (pos == "tipping")
            b.tipping = true;
          else if (!pos.empty() && pos != "transport")
            error(n["position"], path + ".position",
                  "unknown position \"" + pos + "\"" + suggestion(pos, {"transport", "tipping"}));
        }
      if (const YAML::Node m = n["mounting"]; m && is_map(m, path + ".mounting"))
        {
          check_keys(m, path + ".mounting", keys_of("body.FRAME.mounting"));
          for_each_in_list(m["stations"], path + ".mounting.stations",
                           [&](const YAML::Node &e, const std::string &k) {
                             bool         ok;
                             const double x = number(e, k, Quantity::length, ok);
                             if (ok && sized && !(x >= 0 && x <= b.length))
                               error(e, k,
                                     "a mounting point must lie under the body (0 to length)");
                             b.mount_stations.push_back(x);
                           });
          b.mount_length    = positive(m, path + ".mounting", "length", Quantity::length,
                                       max_dimension_mm, &b.mount_length);
          b.mount_stiffness = positive(m, path + ".mounting", "stiffness",
                                       Quantity::stiffness_per_area, 1e6, &b.mount_stiffness);
        }
    }
  } // namespace reading
} // namespace lightbody
