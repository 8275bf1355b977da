#include "input/bodies.h"

#include "input/section.h"
#include "input/errors.h"

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

  void fit_tank_insets(Case &c)
  {
    for (auto &p : c.parts)
      {
        if (p.kind != SurfaceKind::section_plate && p.kind != SurfaceKind::section_ring)
          continue;
        double       thinnest = 0;
        const double x        = p.origin[0];
        for (const auto &s : c.parts)
          if (s.kind == SurfaceKind::section_shell)
            {
              const double x0 = s.origin[0], x1 = s.origin[0] + s.length, tol = 1e-6 * (1 + x1);
              // Flat heads sit just inside the shell's ends.
              if (x >= x0 - tol - s.thickness && x <= x1 + tol + s.thickness &&
                  (thinnest == 0 || s.thickness < thinnest))
                thinnest = s.thickness;
            }
        if (thinnest > 0)
          p.inset = thinnest / 2;
      }
  }

  void expand_tank(Case &c, const SourceLocation &where)
  {
    const TankSpec &t    = c.tank;
    auto            fail = [&](const std::string &key, const std::string &msg) {
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
    cuts.erase(std::unique(cuts.begin(), cuts.end(),
                           [](double a, double b) { return std::abs(a - b) < 1e-6; }),
               cuts.end());
    std::vector<std::string> shells;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
      {
        PartSpec p  = base;
        p.name      = cuts.size() == 2 ? "shell" : "shell_" + std::to_string(i + 1);
        p.kind      = SurfaceKind::section_shell;
        p.role      = PartRole::tank_shell;
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
        p.role      = PartRole::tank_head;
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
    int                                         n_partition = 0, n_baffle = 0;
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
    const bool flat = t.heads == TankSpec::Heads::flat;
    auto      &ns   = c.named_surfaces;
    for (const auto &s : shells)
      {
        ns["shell"].push_back(s + ".bottom");
        ns["shell_outside"].push_back(s + ".top");
      }
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
    // Saddles and subframe hold the outside of the shell over their footprint (a box).
    auto bedding = [](RegionSpec r) {
      r.kind    = RegionSpec::Kind::surface;
      r.surface = "shell_outside";
      r.in_box  = true;
      return r;
    };
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
                fail("mounting.saddles.stations",
                     "a saddle must lie under the shell (0 <= station <= length)");
              regions["saddles"].push_back(
                bedding(box({s - t.saddle_width / 2, -big, z_bottom - tol},
                            {s + t.saddle_width / 2, big, z_saddle + 1e-6})));
            }
          if (t.saddle_stations.empty())
            fail("mounting.saddles.stations", "give at least two saddle stations");
          regions["anchor"].push_back(
            box({t.saddle_stations.front() - t.saddle_width / 2, -1, z_bottom - tol},
                {t.saddle_stations.front() + t.saddle_width / 2, 1, z_bottom + tol}));
          break;
        case TankSpec::Mounting::subframe:
          {
            const double y = t.subframe_spacing / 2, w = t.subframe_width / 2;
            for (double side : {-1.0, 1.0})
              regions["subframe"].push_back(
                bedding(box({-1, side * y - w, z_bottom - tol}, {t.length + 1, side * y + w, 0})));
            regions["anchor"].push_back(
              box({-1, -1, z_bottom - tol}, {t.length / 10, 1, z_bottom + tol}));
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
              // The shell is welded to its saddles (or subframe), which rest elastically on the
              // chassis: a bedding in every direction over their exact footprint, so that
              // longitudinal and lateral loads reach the chassis through the mounting and the
              // stresses at the footprint's edges are finite (a rigid patch has a singular
              // corner: its peak grows without bound under refinement).
              hold.name = t.mounting == TankSpec::Mounting::saddles ? "saddles" : "subframe";
              hold.named_region = hold.name;
              hold.bedding = Vec3{t.mounting_stiffness, t.mounting_stiffness, t.mounting_stiffness};
              c.supports.push_back(hold);
              break;
            case TankSpec::Mounting::ends:
              // Rigid diaphragms: the end rings keep their section, and one node the axial place.
              hold.name         = "ends";
              hold.named_region = "ends";
              hold.fixed        = {false, true, true};
              anchor.fixed      = {true, false, false};
              c.supports.push_back(hold);
              c.supports.push_back(anchor);
              break;
          }
      }
  }
} // namespace lightbody

namespace lightbody
{
  namespace
  {
    Vec3 add(const Vec3 &a, const Vec3 &b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }

    // The toolkit of frame bodies: flat plates given by a corner and two edge vectors (the top
    // side faces du x dv), joined to their neighbours by the ties the mesher finds.
    class FrameBuilder
    {
    public:
      FrameBuilder(Case &c, const SourceLocation &where) : c_(c), where_(where) {}

      std::string plate(const std::string &name, const Gauge &g, const Vec3 &p0, const Vec3 &du,
                        const Vec3 &dv)
      {
        PartSpec p;
        p.name      = name;
        p.where     = where_;
        p.kind      = SurfaceKind::quad;
        p.material  = g.material;
        p.thickness = g.thickness;
        p.corners   = {p0, add(p0, du), add(add(p0, du), dv), add(p0, dv)};
        c_.parts.push_back(p);
        return name;
      }

      RegionSpec box(const Vec3 &lo, const Vec3 &hi) const
      {
        RegionSpec r;
        r.kind    = RegionSpec::Kind::box;
        r.box_min = lo;
        r.box_max = hi;
        return r;
      }

    private:
      Case          &c_;
      SourceLocation where_;
    };
  } // namespace

  namespace
  {
    // Posts (a web and an outer flange each) outside the side walls at the post pitch and outside
    // the front wall, evenly across its width; returns the side posts' stations.
    std::vector<double> add_wall_posts(FrameBuilder &f, const FrameBodySpec &b, double L, double W,
                                       double H, double z0, double yo, double tfw)
    {
      std::vector<double> stations;
      const double        tp = b.post.thickness;
      int                 k  = 0;
      for (double xp = b.post_pitch; xp < L - b.post_pitch / 2; xp += b.post_pitch)
        {
          stations.push_back(xp);
          ++k;
          for (int side : {1, -1})
            {
              const std::string n =
                std::string(side > 0 ? "post_left_" : "post_right_") + std::to_string(k);
              f.plate(n + "_web", b.post, {xp, side * yo, z0}, {0, side * b.post_depth, 0},
                      {0, 0, H});
              f.plate(n + "_flange", b.post,
                      {xp - b.post_flange / 2, side * (yo + b.post_depth + tp / 2), z0},
                      {b.post_flange, 0, 0}, {0, 0, H});
            }
        }
      const int n_front = std::max(1, static_cast<int>(std::lround(W / b.post_pitch)));
      for (int j = 1; j < n_front; ++j)
        {
          const double      yp = -W / 2 + j * W / n_front;
          const std::string n  = "post_front_" + std::to_string(j);
          f.plate(n + "_web", b.post, {-tfw, yp, z0}, {-b.post_depth, 0, 0}, {0, 0, H});
          f.plate(n + "_flange", b.post, {-tfw - b.post_depth - tp / 2, yp - b.post_flange / 2, z0},
                  {0, b.post_flange, 0}, {0, 0, H});
        }
      return stations;
    }
  } // namespace

  void expand_frame_body(Case &c, const SourceLocation &where)
  {
    const FrameBodySpec &b = c.frame_body;
    FrameBuilder         f(c, where);
    const double         L = b.length, W = b.width, H = b.height;
    const double         tf = b.floor.thickness, tw = b.walls.thickness, tfw = b.front.thickness;
    const double         Lx = L + tfw;                 // floor, walls and roof run from -tfw to L
    const double         yo = W / 2 + tw;              // outer faces of the side walls
    const double         z0 = tf / 2, z1 = tf / 2 + H; // inside, floor top to roof (or side top)
    auto                &ns      = c.named_surfaces;
    auto                &regions = c.named_regions;

    ns["floor_top"]       = {f.plate("floor", b.floor, {-tfw, -yo, 0}, {Lx, 0, 0}, {0, 2 * yo, 0}) +
                             ".top"};
    ns["side_left_inner"] = {
      f.plate("side_left", b.walls, {-tfw, W / 2 + tw / 2, z0}, {Lx, 0, 0}, {0, 0, H}) + ".top"};
    ns["side_right_inner"] = {
      f.plate("side_right", b.walls, {-tfw, -W / 2 - tw / 2, z0}, {0, 0, H}, {Lx, 0, 0}) + ".top"};
    ns["front_wall_inner"] = {
      f.plate("front_wall", b.front, {-tfw / 2, -W / 2, z0}, {0, W, 0}, {0, 0, H}) + ".top"};

    if (b.kind == FrameBodySpec::Kind::box)
      {
        const double tr = b.roof.thickness;
        ns["roof"]      = {
               f.plate("roof", b.roof, {-tfw, -yo, z1 + tr / 2}, {0, 2 * yo, 0}, {Lx, 0, 0}) + ".top"};
        // Rear portal frame around the door opening: two posts under a header.
        const double x = L - b.rear_frame.thickness / 2, wp = b.rear_post_width,
                     hh  = b.rear_header_height;
        ns["rear_frame"] = {
          f.plate("rear_post_left", b.rear_frame, {x, W / 2 - wp, z0}, {0, 0, H - hh}, {0, wp, 0}) +
            ".top",
          f.plate("rear_post_right", b.rear_frame, {x, -W / 2, z0}, {0, 0, H - hh}, {0, wp, 0}) +
            ".top",
          f.plate("rear_header", b.rear_frame, {x, -W / 2, z1 - hh}, {0, 0, hh}, {0, W, 0}) +
            ".top"};
        // Wall posts on the sides and the front wall, a roof bow between each pair of side posts.
        const auto stations = add_wall_posts(f, b, L, W, H, z0, yo, tfw);
        for (std::size_t k = 0; k < stations.size(); ++k)
          f.plate("roof_bow_" + std::to_string(k + 1), b.post, {stations[k], -W / 2, z1}, {0, W, 0},
                  {0, 0, -b.post_depth});
      }
    else
      {
        ns["tailgate_inner"] = {f.plate("tailgate", b.tailgate,
                                        {L - b.tailgate.thickness / 2, -W / 2, z0}, {0, 0, H},
                                        {0, W, 0}) +
                                ".top"};
        if (b.has_posts)
          add_wall_posts(f, b, L, W, H, z0, yo, tfw);
        // Top rails: flat bars on the side walls' top edges, from the inner face outwards.
        if (b.top_rail_width > 0)
          for (int side : {1, -1})
            f.plate(
              side > 0 ? "top_rail_left" : "top_rail_right", b.top_rail,
              {-tfw, side > 0 ? W / 2 : -W / 2 - b.top_rail_width, z1 + b.top_rail.thickness / 2},
              {Lx, 0, 0}, {0, b.top_rail_width, 0});
      }

    // Underframe: C-section sills (web and bottom flange) and crossmember webs between them.
    const double s = b.sill_spacing / 2, ts = b.sill.thickness, zs = -tf / 2 - b.sill_height;
    const double z_flange = zs - ts / 2;
    for (int side : {1, -1})
      {
        const std::string n = side > 0 ? "sill_left" : "sill_right";
        f.plate(n + "_web", b.sill, {-tfw, side * s, -tf / 2}, {Lx, 0, 0}, {0, 0, -b.sill_height});
        f.plate(n + "_flange", b.sill, {-tfw, side * s - b.sill_flange / 2, z_flange}, {Lx, 0, 0},
                {0, b.sill_flange, 0});
      }
    int j = 0;
    for (double xc = b.crossmember_pitch / 2; xc < L; xc += b.crossmember_pitch)
      {
        ++j;
        const std::string n = "crossmember_" + std::to_string(j);
        const Vec3        down{0, 0, -b.crossmember_height};
        f.plate(n + "_middle", b.crossmember, {xc, -s + ts / 2, -tf / 2}, {0, 2 * s - ts, 0}, down);
        if (yo > s + ts / 2)
          {
            f.plate(n + "_left", b.crossmember, {xc, s + ts / 2, -tf / 2}, {0, yo - s - ts / 2, 0},
                    down);
            f.plate(n + "_right", b.crossmember, {xc, -yo, -tf / 2}, {0, yo - s - ts / 2, 0}, down);
          }
      }

    // Mounting on the chassis rails: the sill flanges' bottom faces inside each mount's
    // footprint, on an elastic bedding.
    c.named_surfaces["sill_bottoms"] = {"sill_left_flange.bottom", "sill_right_flange.bottom"};
    const double tol                 = ts;
    auto         mount               = [&](double x0, double x1) {
      for (int side : {1, -1})
        {
          RegionSpec r = f.box({x0, side * s - b.sill_flange / 2, z_flange - ts / 2 - tol},
                                                     {x1, side * s + b.sill_flange / 2, z_flange - ts / 2 + 1e-6});
          r.kind       = RegionSpec::Kind::surface;
          r.surface    = "sill_bottoms";
          r.in_box     = true;
          regions["mounts"].push_back(r);
        }
    };
    if (b.mount_stations.empty())
      mount(-tfw, L);
    else
      for (double x : b.mount_stations)
        mount(x - b.mount_length / 2, x + b.mount_length / 2);
    const double xa = b.mount_stations.empty() ? 0.0 : b.mount_stations.front();
    for (int side : {1, -1})
      regions["anchor"].push_back(
        f.box({xa - b.mount_length / 2, side * s - 1, z_flange - ts / 2 - tol},
              {xa + b.mount_length / 2, side * s + 1, z_flange - ts / 2 + 1e-6}));

    if (b.kind == FrameBodySpec::Kind::tipper)
      {
        // Hinge brackets at the rear beside the sill webs, the ram bracket on the centre line.
        const double tb = b.bracket.thickness, zb = z_flange - b.hinge_depth;
        for (int side : {1, -1})
          {
            const double y = side * (s + ts / 2 + tb / 2);
            f.plate(side > 0 ? "hinge_bracket_left" : "hinge_bracket_right", b.bracket,
                    {L - 300, y, -tf / 2}, {300, 0, 0}, {0, 0, zb + tf / 2});
            regions["hinge_pins"].push_back(
              f.box({L - 150 - 40, y - tb, zb - 1}, {L - 150 + 40, y + tb, zb + 80}));
          }
        const double zr = -tf / 2 - b.ram_depth;
        f.plate("ram_bracket", b.bracket, {b.ram_station - 150, 0, -tf / 2}, {300, 0, 0},
                {0, 0, -b.ram_depth});
        regions["ram_pin"].push_back(
          f.box({b.ram_station - 40, -tb, zr - 1}, {b.ram_station + 40, tb, zr + 80}));
      }

    if (c.supports.empty())
      {
        auto support = [&](const std::string &name, const std::string &region,
                           std::array<bool, 3> fixed) {
          SupportSpec sp;
          sp.name         = name;
          sp.named_region = region;
          sp.fixed        = fixed;
          sp.where        = where;
          c.supports.push_back(sp);
        };
        if (b.kind == FrameBodySpec::Kind::tipper && b.tipping)
          {
            support("hinge_pins", "hinge_pins", {true, true, true});
            support("ram_pin", "ram_pin", {false, false, true});
          }
        else
          {
            // The sill flanges rest on the chassis rails at the mounting points, held
            // elastically in every direction (a rigid patch would have singular corners).
            support("mounts", "mounts", {false, false, false});
            const double k            = b.mount_stiffness;
            c.supports.back().bedding = Vec3{k, k, k};
          }
      }
  }
} // namespace lightbody
