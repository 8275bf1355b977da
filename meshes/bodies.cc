#include "meshes/bodies.h"

#include "meshes/section.h"
#include "solver/errors.h"

#include <algorithm>
#include <cmath>

namespace lightbody
{
  double section_perimeter(const SectionSpec &s)
  {
    const CrossSection c(s);
    double             L = 0;
    const int          n = 2048;
    for (int i = 0; i < n; ++i)
      {
        const auto a = c.point(2 * M_PI * i / n), b = c.point(2 * M_PI * (i + 1) / n);
        L += std::hypot(b[0] - a[0], b[1] - a[1]);
      }
    return L;
  }

  double section_area(const SectionSpec &s, double inset)
  {
    const CrossSection c(s);
    double             A = 0;
    const int          n = 4096;
    for (int i = 0; i < n; ++i)
      {
        const auto a = c.inner_point(2 * M_PI * i / n, inset),
                   b = c.inner_point(2 * M_PI * (i + 1) / n, inset);
        A += 0.5 * (a[0] * b[1] - a[1] * b[0]);
      }
    return A;
  }

  void expand_tank(Case &c, const SourceLocation &where)
  {
    const TankSpec &t = c.tank;
    auto fail = [&](const std::string &key, const std::string &msg) {
      throw InputError(where, "body.tank." + key, msg);
    };
    for (const auto &b : t.bulkheads)
      if (!(b.station > 0 && b.station < t.length))
        fail(b.partition ? "partitions" : "baffles",
             "a station must lie inside the shell (0 < station < length)");
    if (t.heads == TankSpec::Heads::torispherical && t.section.kind != SectionSpec::Kind::circle)
      fail("heads.shape", "torispherical heads need a circular section");

    PartSpec base;
    base.where     = where;
    base.origin    = {0, 0, 0};
    base.axis      = {1, 0, 0};
    base.reference = {0, 1, 0}; // width along y; axis x reference = z (height)
    base.section   = t.section;

    // Shell segments between bulkhead stations: compartments and baffle bays join there.
    std::vector<double> cuts{0};
    for (const auto &b : t.bulkheads)
      cuts.push_back(b.station);
    cuts.push_back(t.length);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end(), [](double a, double b) { return std::abs(a - b) < 1e-6; }),
               cuts.end());
    std::vector<std::string> shells;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
      {
        PartSpec p  = base;
        p.name      = cuts.size() == 2 ? "shell" : "shell_" + std::to_string(i + 1);
        p.kind      = SurfaceKind::section_shell;
        p.material  = t.shell_material;
        p.thickness = t.shell_thickness;
        p.origin    = {cuts[i], 0, 0};
        p.length    = cuts[i + 1] - cuts[i];
        c.parts.push_back(p);
        shells.push_back(p.name);
      }

    // Heads: dished ones continue the shell at its end rims; flat ones sit inside the shell ends.
    for (int end = 0; end < 2; ++end)
      {
        PartSpec p  = base;
        p.name      = end == 0 ? "head_front" : "head_rear";
        p.material  = t.head_material;
        p.thickness = t.head_thickness;
        p.axis      = {end == 0 ? -1.0 : 1.0, 0, 0};
        if (t.heads == TankSpec::Heads::flat)
          {
            p.kind   = SurfaceKind::section_plate;
            p.axis   = {1, 0, 0};
            p.inset  = t.shell_thickness / 2;
            p.origin = {end == 0 ? t.head_thickness / 2 : t.length - t.head_thickness / 2, 0, 0};
          }
        else
          {
            p.kind           = SurfaceKind::section_head;
            p.origin         = {end == 0 ? 0.0 : t.length, 0, 0};
            p.head_shape     = t.heads == TankSpec::Heads::torispherical ? HeadShape::torispherical
                                                                         : HeadShape::ellipsoidal_2to1;
            p.outer_radius   = t.section.a;
            p.crown_radius   = t.crown_radius;
            p.knuckle_radius = t.knuckle_radius;
          }
        c.parts.push_back(p);
      }

    // Partitions and surge baffles.
    int n_partition = 0, n_baffle = 0;
    std::vector<std::pair<double, std::string>> partitions;
    std::vector<std::pair<double, std::string>> baffles;
    for (const auto &b : t.bulkheads)
      {
        PartSpec p  = base;
        p.kind      = SurfaceKind::section_plate;
        p.name      = b.partition ? "partition_" + std::to_string(++n_partition)
                                  : "baffle_" + std::to_string(++n_baffle);
        p.material  = b.material.empty() ? t.shell_material : b.material;
        p.thickness = b.thickness;
        p.origin    = {b.station, 0, 0};
        p.inset     = t.shell_thickness / 2;
        p.opening   = b.partition ? 0.0 : b.opening;
        c.parts.push_back(p);
        (b.partition ? partitions : baffles).emplace_back(b.station, p.name);
      }
    std::vector<std::pair<double, std::string>> rings;
    for (std::size_t i = 0; i < t.ring_stations.size(); ++i)
      {
        PartSpec p    = base;
        p.kind        = SurfaceKind::section_ring;
        p.name        = "ring_" + std::to_string(i + 1);
        p.material    = t.ring_material.empty() ? t.shell_material : t.ring_material;
        p.thickness   = t.ring_thickness;
        p.origin      = {t.ring_stations[i], 0, 0};
        p.inset       = t.shell_thickness / 2;
        p.ring_height = t.ring_height;
        if (!(t.ring_stations[i] > 0 && t.ring_stations[i] < t.length))
          fail("rings.stations", "a ring must lie inside the shell (0 < station < length)");
        c.parts.push_back(p);
        rings.emplace_back(t.ring_stations[i], p.name);
      }

    // Named surfaces. The liquid side: shells and dished heads inside (bottom); flat plates face
    // +x with their top.
    const bool  flat = t.heads == TankSpec::Heads::flat;
    auto       &ns   = c.named_surfaces;
    for (const auto &s : shells)
      ns["shell"].push_back(s + ".bottom");
    ns["head_front"] = {flat ? "head_front.top" : "head_front.bottom"};
    ns["head_rear"]  = {"head_rear.bottom"};
    for (const auto &[x, name] : baffles)
      ns[name] = {name + ".top", name + ".bottom"};
    std::vector<double> bounds{0};
    for (const auto &[x, name] : partitions)
      bounds.push_back(x);
    bounds.push_back(t.length);
    for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
      {
        auto &list = ns["compartment_" + std::to_string(k + 1)];
        list.push_back(k == 0 ? ns["head_front"].front() : partitions[k - 1].second + ".top");
        list.push_back(k + 2 == bounds.size() ? "head_rear.bottom"
                                              : partitions[k].second + ".bottom");
        for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
          if (cuts[i] >= bounds[k] - 1e-6 && cuts[i + 1] <= bounds[k + 1] + 1e-6)
            list.push_back(shells[i] + ".bottom");
        for (const auto *group : {&baffles, &rings})
          for (const auto &[x, name] : *group)
            if (x > bounds[k] && x < bounds[k + 1])
              {
                list.push_back(name + ".top");
                list.push_back(name + ".bottom");
              }
      }

    // Support regions of the mounting.
    const CrossSection section(t.section);
    const double       big = 10 * (t.section.a + t.section.b + t.length);
    auto               box = [&](Vec3 lo, Vec3 hi) {
      RegionSpec r;
      r.kind    = RegionSpec::Kind::box;
      r.box_min = lo;
      r.box_max = hi;
      return r;
    };
    // The bottom of the section: the point at -90 degrees is the lowest; a saddle holds the arc
    // of the given angle around it.
    const double z_bottom = section.point(-M_PI / 2)[1];
    const double z_saddle = section.point(-M_PI / 2 + t.saddle_angle / 2)[1];
    const double tol      = t.shell_thickness;
    auto        &regions  = c.named_regions;
    switch (t.mounting)
      {
        case TankSpec::Mounting::saddles:
          for (double s : t.saddle_stations)
            {
              if (!(s >= 0 && s <= t.length))
                fail("mounting.saddles.stations", "a saddle must lie under the shell (0 <= station <= length)");
              regions["saddles"].push_back(box({s - t.saddle_width / 2, -big, z_bottom - tol},
                                               {s + t.saddle_width / 2, big, z_saddle + 1e-6}));
            }
          if (t.saddle_stations.empty())
            fail("mounting.saddles.stations", "give at least two saddle stations");
          regions["anchor"].push_back(box({t.saddle_stations.front() - t.saddle_width / 2, -1, z_bottom - tol},
                                          {t.saddle_stations.front() + t.saddle_width / 2, 1, z_bottom + tol}));
          break;
        case TankSpec::Mounting::subframe:
          {
            const double y = t.subframe_spacing / 2, w = t.subframe_width / 2;
            for (double side : {-1.0, 1.0})
              regions["subframe"].push_back(box({-1, side * y - w, z_bottom - tol}, {t.length + 1, side * y + w, 0}));
            regions["anchor"].push_back(box({-1, -1, z_bottom - tol}, {t.length / 10, 1, z_bottom + tol}));
            break;
          }
        case TankSpec::Mounting::ends:
          {
            RegionSpec r;
            r.kind  = RegionSpec::Kind::edges;
            r.edges = {shells.front() + ".start", shells.back() + ".end"};
            regions["ends"].push_back(r);
            regions["anchor"].push_back(box({-1, -1, z_bottom - tol}, {1, 1, z_bottom + tol}));
            break;
          }
      }
    if (c.supports.empty())
      {
        SupportSpec hold, anchor;
        hold.where = anchor.where = where;
        anchor.name               = "anchor";
        anchor.named_region       = "anchor";
        switch (t.mounting)
          {
            case TankSpec::Mounting::saddles:
            case TankSpec::Mounting::subframe:
              hold.name         = t.mounting == TankSpec::Mounting::saddles ? "saddles" : "subframe";
              hold.named_region = hold.name;
              hold.fixed        = {false, false, true};
              anchor.fixed      = {true, true, false};
              break;
            case TankSpec::Mounting::ends:
              // Rigid diaphragms: the end rings keep their section, and one node the axial place.
              hold.name         = "ends";
              hold.named_region = "ends";
              hold.fixed        = {false, true, true};
              anchor.fixed      = {true, false, false};
              break;
          }
        c.supports.push_back(hold);
        c.supports.push_back(anchor);
      }
  }
} // namespace lightbody
