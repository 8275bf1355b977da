#include "input/bodies.h"

#include "input/section.h"
#include "input/errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

  void fit_frame_body(Case &c)
  {
    Case scratch;
    scratch.frame_body = c.frame_body;
    for (const auto &p : c.parts)
      scratch.frame_body.part_gauges[p.name] = p.thickness;
    expand_frame_body(scratch, SourceLocation{}); // only the corners are kept
    for (const auto &q : scratch.parts)
      for (auto &p : c.parts)
        if (p.name == q.name)
          p.corners = q.corners;
    for (const char *r : {"mounts", "anchor", "hinge_pins", "ram_pin"})
      if (scratch.named_regions.count(r))
        c.named_regions[r] = scratch.named_regions[r];
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

  void expand_tank(Case &c, const std::function<SourceLocation(const std::string &)> &where)
  {
    const TankSpec &t    = c.tank;
    auto            fail = [&](const std::string &key, const std::string &msg) {
      throw InputError(where(key), "body.tank." + key, msg);
    };
    // A plate across the shell lies within it, both faces (half its gauge either side of the
    // station): one at 1 mm with a 5 mm gauge reached into the head's rim.
    const auto inside = [&](double station, double thickness, const std::string &key) {
      if (!(station - thickness / 2 > 0 && station + thickness / 2 < t.length))
        {
          char text[300];
          std::snprintf(text, sizeof text,
                        "a station must lie inside the shell, half the plate's gauge (%.4g mm) "
                        "from its ends: between %.4g and %.4g mm, not %.4g mm",
                        thickness / 2, thickness / 2, t.length - thickness / 2, station);
          fail(key, text);
        }
    };
    for (const auto &b : t.bulkheads)
      inside(b.station, b.thickness, b.partition ? "partitions" : "baffles");
    for (double r : t.ring_stations)
      inside(r, t.ring_thickness, "rings.stations");
    // Partitions, baffles and rings stand across the shell: two at one station would fill the
    // same space (they must be further apart than half the sum of their gauges).
    {
      struct Across
      {
        double      station, thickness;
        std::string key, noun;
      };
      std::vector<Across> across;
      for (const auto &b : t.bulkheads)
        across.push_back({b.station, b.thickness, b.partition ? "partitions" : "baffles",
                          b.partition ? "a partition" : "a baffle"});
      for (double r : t.ring_stations)
        across.push_back({r, t.ring_thickness, "rings", "a ring"});
      std::sort(across.begin(), across.end(),
                [](const Across &a, const Across &b) { return a.station < b.station; });
      for (std::size_t k = 1; k < across.size(); ++k)
        if (!(across[k].station - across[k - 1].station >
              (across[k].thickness + across[k - 1].thickness) / 2))
          {
            char text[300];
            std::snprintf(text, sizeof text,
                          "%s at %.4g mm and %s at %.4g mm stand within each other's gauge: "
                          "give one station per plate or ring",
                          across[k - 1].noun.c_str(), across[k - 1].station, across[k].noun.c_str(),
                          across[k].station);
            fail(across[k].key, text);
          }
    }
    if (t.heads == TankSpec::Heads::torispherical && t.section.kind != SectionSpec::Kind::circle)
      fail("heads.shape", "torispherical heads need a circular section");
    // A section curving tighter than a few gauges is no thin wall: the inside of the shell folds
    // (a 2200 x 10 mm ellipse with a 6 mm shell ran into its baffles' edges).
    if (const double r = CrossSection(t.section).smallest_radius(); !(r >= 2 * t.shell_thickness))
      {
        char text[300];
        std::snprintf(text, sizeof text,
                      "the section's tightest curve has a radius of %.3g mm, less than twice the "
                      "shell's gauge (%.3g mm): no thin-walled tank; check width and height%s",
                      r, t.shell_thickness,
                      t.section.kind == SectionSpec::Kind::oval ? " and side_radius" : "");
        fail("width", text);
      }
    // The heads likewise: a 2:1 head's meridian turns tightest at the rim (depth^2 / the larger
    // semi-axis; a quarter of the radius on a circle), a torispherical head in its knuckle.
    if (t.heads != TankSpec::Heads::flat)
      {
        const double depth = 0.5 * std::sqrt(t.section.a * t.section.b);
        const double r     = t.heads == TankSpec::Heads::torispherical
                               ? t.knuckle_radius
                               : depth * depth / std::max(t.section.a, t.section.b);
        if (!(r >= 2 * t.head_thickness))
          {
            char text[300];
            std::snprintf(text, sizeof text,
                          "the heads' tightest curve has a radius of %.3g mm, less than twice "
                          "their gauge (%.3g mm): no thin-walled head; a larger %s or a thinner "
                          "head",
                          r, t.head_thickness,
                          t.heads == TankSpec::Heads::torispherical ? "knuckle_radius" : "section");
            fail(t.heads == TankSpec::Heads::torispherical ? "heads.knuckle_radius" : "heads",
                 text);
          }
      }
    if (t.mounting == TankSpec::Mounting::saddles)
      {
        // A saddle's footprint lies under the shell, apart from the other saddles': one reaching
        // past an end held only the part under the shell (a narrower saddle than given).
        std::vector<double> stations = t.saddle_stations;
        std::sort(stations.begin(), stations.end());
        const double w = t.saddle_width;
        for (std::size_t k = 0; k < stations.size(); ++k)
          {
            if (!(stations[k] - w / 2 >= 0 && stations[k] + w / 2 <= t.length))
              fail("mounting.saddles.stations", "a saddle (station " +
                                                  in_user_units(stations[k], Quantity::length) +
                                                  ", width " + in_user_units(w, Quantity::length) +
                                                  ") reaches past an end of the shell (0 to " +
                                                  in_user_units(t.length, Quantity::length) +
                                                  "): its whole width must lie under the shell");
            if (k > 0 && !(stations[k] - stations[k - 1] > w))
              fail("mounting.saddles.stations",
                   "saddles at " + in_user_units(stations[k - 1], Quantity::length) + " and " +
                     in_user_units(stations[k], Quantity::length) + " overlap (width " +
                     in_user_units(w, Quantity::length) +
                     "): give stations further apart than the width");
          }
      }

    PartSpec base;
    base.where     = where("");
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
          for (double s : t.saddle_stations) // (under the shell: checked above)
            {
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
        hold.where = anchor.where = where("mounting");
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
    // side faces du x dv), joined to their neighbours by the ties the mesher finds. A plate's
    // gauge is its group's, or the gauge its part was given (parts.NAME); where one plate sits on
    // another's face, the position follows that part's gauge (t()).
    class FrameBuilder
    {
    public:
      FrameBuilder(Case &c, const SourceLocation &where) : c_(c), where_(where) {}

      double t(const std::string &name, const Gauge &g) const
      {
        const auto &given = c_.frame_body.part_gauges;
        const auto  it    = given.find(name);
        return it == given.end() ? g.thickness : it->second;
      }

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
    // The side posts' stations: at the post pitch, or (a tipper's U-frames) each on the
    // crossmember nearest to it.
    std::vector<double> post_stations(const FrameBodySpec &b, const std::vector<double> &on)
    {
      std::vector<double> stations;
      const double        L = b.length;
      for (double xp = b.post_pitch; xp < L - b.post_pitch / 2; xp += b.post_pitch)
        {
          double x = on.empty() ? xp : on.front();
          for (double xc : on)
            if (std::abs(xc - xp) < std::abs(x - xp))
              x = xc;
          if (stations.empty() || x > stations.back() + 1e-9)
            stations.push_back(x);
        }
      return stations;
    }

    std::string side_name(const char *prefix, int side)
    {
      return std::string(prefix) + (side > 0 ? "_left" : "_right");
    }

    // The frame body's dimensions that follow from the gauges.
    struct FrameLayout
    {
      double              L, W, H, tf, tfw, tt, z0, z1, s;
      double              tw[2], yo[2]; // side walls (0 left, 1 right): gauge, outer face
      bool                u_frame;
      double              yf[2], xf, xb; // floor edges
      std::vector<double> crossmember_stations, stations;
      int                 n_across = 0; // bays of the posts across the end walls
      static int          at(int side) { return side > 0 ? 0 : 1; }
    };

    // Posts (a web and an outer flange each) outside the side walls at the given stations (their
    // flanges reaching `knee` below the floor's top) and outside the front wall (a tipper's also
    // outside the tailgate), evenly across its width.
    void add_wall_posts(FrameBuilder &f, const FrameBodySpec &b, const FrameLayout &l, double knee)
    {
      int k = 0;
      for (double xp : l.stations)
        {
          ++k;
          for (int side : {1, -1})
            {
              const std::string n  = side_name("post", side) + "_" + std::to_string(k);
              const double      yo = l.yo[FrameLayout::at(side)];
              f.plate(n + "_web", b.post, {xp, side * yo, l.z0}, {0, side * b.post_depth, 0},
                      {0, 0, l.H});
              const double tp = f.t(n + "_flange", b.post);
              f.plate(n + "_flange", b.post,
                      {xp - b.post_flange / 2, side * (yo + b.post_depth + tp / 2), l.z0 - knee},
                      {b.post_flange, 0, 0}, {0, 0, l.H + knee});
            }
        }
      // Across an end wall whose outer face is at x_face, outwards in direction dir (+-1).
      auto across = [&](const std::string &prefix, double x_face, double dir) {
        for (int j = 1; j < l.n_across; ++j)
          {
            const double      yp = -l.W / 2 + j * l.W / l.n_across;
            const std::string n  = prefix + std::to_string(j);
            f.plate(n + "_web", b.post, {x_face, yp, l.z0}, {dir * b.post_depth, 0, 0},
                    {0, 0, l.H});
            const double tp = f.t(n + "_flange", b.post);
            f.plate(n + "_flange", b.post,
                    {x_face + dir * (b.post_depth + tp / 2), yp - b.post_flange / 2, l.z0},
                    {0, b.post_flange, 0}, {0, 0, l.H});
          }
      };
      across("post_front_", -l.tfw, -1);
      if (b.kind == FrameBodySpec::Kind::tipper)
        across("post_rear_", l.L, 1);
    }

    // The thickest flange of the posts across an end wall: how far they reach out.
    double end_posts_reach(const FrameBuilder &f, const FrameBodySpec &b, const FrameLayout &l,
                           const std::string &prefix)
    {
      double t = b.post.thickness;
      for (int j = 1; j < l.n_across; ++j)
        t = std::max(t, f.t(prefix + std::to_string(j) + "_flange", b.post));
      return b.post_depth + t;
    }
  } // namespace

  void expand_frame_body(Case &c, const SourceLocation &where)
  {
    const FrameBodySpec &b = c.frame_body;
    FrameBuilder         f(c, where);
    FrameLayout          l;
    l.L = b.length, l.W = b.width, l.H = b.height;
    l.tf = f.t("floor", b.floor), l.tfw = f.t("front_wall", b.front);
    l.tt = f.t("tailgate", b.tailgate);
    l.z0 = l.tf / 2, l.z1 = l.tf / 2 + l.H; // inside: floor top to roof (or side top)
    l.s = b.sill_spacing / 2;
    for (int side : {1, -1})
      {
        const int k = FrameLayout::at(side);
        l.tw[k]     = f.t(side_name("side", side), b.walls);
        l.yo[k]     = l.W / 2 + l.tw[k];
      }
    const double L = l.L, W = l.W, H = l.H, tf = l.tf, tfw = l.tfw, z0 = l.z0, z1 = l.z1;
    const double Lx      = L + tfw; // walls, roof and sills run from -tfw to L
    auto        &ns      = c.named_surfaces;
    auto        &regions = c.named_regions;
    const bool   tipper  = b.kind == FrameBodySpec::Kind::tipper;
    // A tipper's side posts stand on crossmembers (U-frames): the floor and the crossmembers run
    // out to the posts' flanges, which reach down to the crossmembers' bottom edges; the floor
    // runs out under the front wall's and the tailgate's posts.
    l.u_frame = tipper && b.has_posts;
    for (double xc = b.crossmember_pitch / 2; xc < L; xc += b.crossmember_pitch)
      l.crossmember_stations.push_back(xc);
    if (b.has_posts)
      {
        l.stations = post_stations(b, l.u_frame ? l.crossmember_stations : std::vector<double>{});
        l.n_across = std::max(1, static_cast<int>(std::lround(W / b.post_pitch)));
      }
    for (int k : {0, 1})
      l.yf[k] = l.yo[k] + (l.u_frame ? b.post_depth : 0);
    l.xf = -tfw - (l.u_frame ? end_posts_reach(f, b, l, "post_front_") : 0);
    l.xb = L + (l.u_frame ? end_posts_reach(f, b, l, "post_rear_") : 0);

    ns["floor_top"]       = {f.plate("floor", b.floor, {l.xf, -l.yf[1], 0}, {l.xb - l.xf, 0, 0},
                                     {0, l.yf[0] + l.yf[1], 0}) +
                             ".top"};
    ns["side_left_inner"] = {
      f.plate("side_left", b.walls, {-tfw, W / 2 + l.tw[0] / 2, z0}, {Lx, 0, 0}, {0, 0, H}) +
      ".top"};
    ns["side_right_inner"] = {
      f.plate("side_right", b.walls, {-tfw, -W / 2 - l.tw[1] / 2, z0}, {0, 0, H}, {Lx, 0, 0}) +
      ".top"};
    ns["front_wall_inner"] = {
      f.plate("front_wall", b.front, {-tfw / 2, -W / 2, z0}, {0, W, 0}, {0, 0, H}) + ".top"};

    if (b.kind == FrameBodySpec::Kind::box)
      {
        const double tr = f.t("roof", b.roof);
        ns["roof"]      = {f.plate("roof", b.roof, {-tfw, -l.yo[1], z1 + tr / 2},
                                   {0, l.yo[0] + l.yo[1], 0}, {Lx, 0, 0}) +
                           ".top"};
        // Rear portal frame around the door opening: two posts under a header.
        const double wp = b.rear_post_width, hh = b.rear_header_height;
        auto         x   = [&](const char *name) { return L - f.t(name, b.rear_frame) / 2; };
        ns["rear_frame"] = {
          f.plate("rear_post_left", b.rear_frame, {x("rear_post_left"), W / 2 - wp, z0},
                  {0, 0, H - hh}, {0, wp, 0}) +
            ".top",
          f.plate("rear_post_right", b.rear_frame, {x("rear_post_right"), -W / 2, z0},
                  {0, 0, H - hh}, {0, wp, 0}) +
            ".top",
          f.plate("rear_header", b.rear_frame, {x("rear_header"), -W / 2, z1 - hh}, {0, 0, hh},
                  {0, W, 0}) +
            ".top"};
        // Wall posts on the sides and the front wall, a roof bow between each pair of side posts.
        add_wall_posts(f, b, l, 0);
        for (std::size_t k = 0; k < l.stations.size(); ++k)
          f.plate("roof_bow_" + std::to_string(k + 1), b.post, {l.stations[k], -W / 2, z1},
                  {0, W, 0}, {0, 0, -b.post_depth});
      }
    else
      {
        ns["tailgate_inner"] = {
          f.plate("tailgate", b.tailgate, {L - l.tt / 2, -W / 2, z0}, {0, 0, H}, {0, W, 0}) +
          ".top"};
        if (b.has_posts)
          add_wall_posts(f, b, l, tf + b.crossmember_height);
        // Top rails and canopy cover the side walls and the side posts: as wide as the rail
        // given, at least to the thickest post flange's outer face on that side.
        double wr[2];
        for (int side : {1, -1})
          {
            const int k  = FrameLayout::at(side);
            double    tp = b.post.thickness;
            for (std::size_t j = 1; j <= l.stations.size(); ++j)
              tp = std::max(
                tp, f.t(side_name("post", side) + "_" + std::to_string(j) + "_flange", b.post));
            const double over = l.tw[k] + (b.has_posts ? b.post_depth + tp : 0);
            wr[k]             = std::max(b.top_rail_width, over);
          }
        // Canopy: a plate on the front wall's top edge from `canopy_length` forward of it back to
        // the first side post, over the side walls' tops; its bottom face level with the rails'.
        // Loaded in its plane by the front wall, it spans between the side walls.
        double xr = -tfw; // where the top rails begin
        if (b.canopy_length > 0)
          {
            xr = l.stations.empty() ? b.canopy_length : l.stations.front() + b.post_flange / 2;
            f.plate("canopy", b.canopy,
                    {-tfw - b.canopy_length, -W / 2 - wr[1], z1 + f.t("canopy", b.canopy) / 2},
                    {xr + tfw + b.canopy_length, 0, 0}, {0, W + wr[0] + wr[1], 0});
          }
        // Top rails: flat bars on the side walls' top edges, from the inner face outwards, and
        // across the tailgate's top (over its posts): loaded in its plane by the tailgate, the
        // rear rail spans between the side walls.
        if (b.top_rail_width > 0)
          {
            const double x_rear = L - l.tt;
            for (int side : {1, -1})
              {
                const std::string n = side_name("top_rail", side);
                const int         k = FrameLayout::at(side);
                f.plate(n, b.top_rail,
                        {xr, side > 0 ? W / 2 : -W / 2 - wr[k], z1 + f.t(n, b.top_rail) / 2},
                        {x_rear - xr, 0, 0}, {0, wr[k], 0});
              }
            f.plate("top_rail_rear", b.top_rail,
                    {x_rear, -W / 2 - wr[1], z1 + f.t("top_rail_rear", b.top_rail) / 2},
                    {std::max(l.xb - x_rear, std::max(wr[0], wr[1])), 0, 0},
                    {0, W + wr[0] + wr[1], 0});
          }
      }

    // Underframe: C-section sills (web and bottom flange) and crossmember webs between them.
    const double s = l.s, zs = -tf / 2 - b.sill_height;
    double       t_web[2], t_flange[2], z_flange[2];
    for (int side : {1, -1})
      {
        const std::string n = side_name("sill", side);
        const int         k = FrameLayout::at(side);
        t_web[k]            = f.t(n + "_web", b.sill);
        t_flange[k]         = f.t(n + "_flange", b.sill);
        z_flange[k]         = zs - t_flange[k] / 2;
        f.plate(n + "_web", b.sill, {-tfw, side * s, -tf / 2}, {Lx, 0, 0}, {0, 0, -b.sill_height});
        f.plate(n + "_flange", b.sill, {-tfw, side * s - b.sill_flange / 2, z_flange[k]},
                {Lx, 0, 0}, {0, b.sill_flange, 0});
      }
    // Between the sill webs' inner faces, and from their outer faces out.
    const double in_l = s - t_web[0] / 2, in_r = -s + t_web[1] / 2;
    const double out_l = s + t_web[0] / 2, out_r = -s - t_web[1] / 2;
    // A tipper's ram cross member: two webs between the sill webs either side of the ram
    // bracket, which carry the ram's force into the sills (a crossmember on them or between them
    // gives way to it).
    const double        ram_half = 150, t_ram = f.t("ram_bracket", b.bracket);
    const char         *ram_names[2] = {"ram_crossmember_front", "ram_crossmember_rear"};
    std::vector<double> ram_webs, t_ram_webs;
    if (tipper)
      for (int k : {0, 1})
        {
          t_ram_webs.push_back(f.t(ram_names[k], b.bracket));
          ram_webs.push_back(b.ram_station + (k == 0 ? -1 : 1) * (ram_half + t_ram_webs[k] / 2));
        }
    int j = 0;
    for (double xc : l.crossmember_stations)
      {
        ++j;
        const std::string n = "crossmember_" + std::to_string(j);
        const Vec3        down{0, 0, -b.crossmember_height};
        bool              clash = false;
        for (std::size_t k = 0; k < ram_webs.size(); ++k)
          clash = clash || std::abs(ram_webs[k] - xc) <
                             (t_ram_webs[k] + f.t(n + "_middle", b.crossmember)) / 2 + 1;
        // Between the ram webs it would run through the ram bracket.
        clash = clash || (tipper && std::abs(xc - b.ram_station) < ram_half + 1);
        if (!clash)
          f.plate(n + "_middle", b.crossmember, {xc, in_r, -tf / 2}, {0, in_l - in_r, 0}, down);
        if (l.yf[0] > out_l && l.yf[1] > -out_r)
          {
            f.plate(n + "_left", b.crossmember, {xc, out_l, -tf / 2}, {0, l.yf[0] - out_l, 0},
                    down);
            f.plate(n + "_right", b.crossmember, {xc, -l.yf[1], -tf / 2}, {0, l.yf[1] + out_r, 0},
                    down);
          }
      }

    // Mounting on the chassis rails: the sill flanges' bottom faces inside each mount's
    // footprint, on an elastic bedding.
    c.named_surfaces["sill_bottoms"] = {"sill_left_flange.bottom", "sill_right_flange.bottom"};
    auto bottom                      = [&](int side) {
      return z_flange[FrameLayout::at(side)] - t_flange[FrameLayout::at(side)] / 2;
    };
    auto mount = [&](double x0, double x1) {
      for (int side : {1, -1})
        {
          const double tol = t_flange[FrameLayout::at(side)];
          RegionSpec   r   = f.box({x0, side * s - b.sill_flange / 2, bottom(side) - tol},
                                   {x1, side * s + b.sill_flange / 2, bottom(side) + 1e-6});
          r.kind           = RegionSpec::Kind::surface;
          r.surface        = "sill_bottoms";
          r.in_box         = true;
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
      {
        const double tol = t_flange[FrameLayout::at(side)];
        regions["anchor"].push_back(
          f.box({xa - b.mount_length / 2, side * s - 1, bottom(side) - tol},
                {xa + b.mount_length / 2, side * s + 1, bottom(side) + 1e-6}));
      }

    if (tipper)
      {
        // Hinge brackets at the rear beside the sill webs, the ram bracket on the centre line
        // between the ram cross member's webs. A bracket passes through the sill's flange and is
        // welded to it: two parts, above and below the flange, each tied to the flange's face
        // (one plate through the flange would cross it unjoined).
        for (int side : {1, -1})
          {
            const std::string n  = side_name("hinge_bracket", side);
            const int         k  = FrameLayout::at(side);
            const double      tb = f.t(n, b.bracket), zb = z_flange[k] - b.hinge_depth;
            const double      y   = side * (s + t_web[k] / 2 + tb / 2);
            const double      top = z_flange[k] + t_flange[k] / 2, under = top - t_flange[k];
            f.plate(n, b.bracket, {L - 300, y, -tf / 2}, {300, 0, 0}, {0, 0, top + tf / 2});
            f.plate(n + "_lower", b.bracket, {L - 300, y, under}, {300, 0, 0}, {0, 0, zb - under});
            regions["hinge_pins"].push_back(
              f.box({L - 150 - 40, y - tb, zb - 1}, {L - 150 + 40, y + tb, zb + 80}));
          }
        const double zr = -tf / 2 - b.ram_depth;
        f.plate("ram_bracket", b.bracket, {b.ram_station - ram_half, 0, -tf / 2},
                {2 * ram_half, 0, 0}, {0, 0, -b.ram_depth});
        for (int k : {0, 1})
          f.plate(ram_names[k], b.bracket, {ram_webs[k], in_r, -tf / 2}, {0, in_l - in_r, 0},
                  {0, 0, -b.sill_height});
        regions["ram_pin"].push_back(
          f.box({b.ram_station - 40, -t_ram, zr - 1}, {b.ram_station + 40, t_ram, zr + 80}));
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
