#include "meshes/surfaces.h"

#include "input/bodies.h"
#include "meshes/gmsh.h"
#include "input/section.h"

#include <algorithm>
#include <cmath>

namespace lightbody
{
  namespace
  {
    // More divisions than this along one side is no mesh anyone can solve; the memory check
    // before meshing refuses the model with its size (the cap only keeps the count finite).
    constexpr double max_divisions = 1e6;

    unsigned divisions(double length, double h, unsigned at_least = 1)
    {
      return std::max<unsigned>(
        at_least, static_cast<unsigned>(std::min(max_divisions, std::ceil(length / h - 1e-9))));
    }

    // Divisions around a full circle: a multiple of 8, so that a cylinder, an annulus and the
    // O-grid of a disc or head of the same radius put their nodes at the same angles (0, 45, ...
    // degrees from the reference) and share them where they meet.
    unsigned circumferential_divisions(double perimeter, const Sizing &z)
    {
      // At least 2 pi / max_angle elements around (exact for circles).
      const double by_size  = std::ceil(perimeter / (8 * z.h) - 1e-9);
      const double by_angle = z.max_angle > 0 ? std::ceil(2 * M_PI / (8 * z.max_angle) - 1e-9) : 1;
      return 8 * std::max<unsigned>(
                   1, static_cast<unsigned>(std::min(max_divisions, std::max(by_size, by_angle))));
    }

    // Divisions of an arc that turns through `angle`: by size, and at least angle / max_angle.
    unsigned arc_divisions(double length, double angle, const Sizing &z, unsigned at_least = 1)
    {
      const unsigned by_size = divisions(length, z.h, at_least);
      if (!(z.max_angle > 0))
        return by_size;
      return std::max(by_size, divisions(angle, z.max_angle, at_least));
    }

    // Largest length of the u (or v) parameter lines at v (or u) = 0, 1/2, 1, by sampling.
    double side_length(const std::function<Vec3(double, double)> &f, bool along_u)
    {
      double best = 0;
      for (double w : {0.0, 0.5, 1.0})
        {
          double L    = 0;
          Vec3   prev = along_u ? f(0, w) : f(w, 0);
          for (int i = 1; i <= 64; ++i)
            {
              const double s = i / 64.0;
              const Vec3   p = along_u ? f(s, w) : f(w, s);
              L += norm(p - prev);
              prev = p;
            }
          best = std::max(best, L);
        }
      return best;
    }

    // Reverses u when du x dv points away from the wanted top direction at the patch centre.
    void orient(Patch &p, const std::function<Vec3(const Vec3 &)> &top_direction)
    {
      const Vec3 c = p.point(0.5, 0.5);
      if (dot(p.normal(0.5, 0.5), top_direction(c)) >= 0)
        return;
      auto f  = p.point;
      p.point = [f](double u, double v) { return f(1 - u, v); };
      std::swap(p.side_edge[1], p.side_edge[3]);
    }

    // Profile of a surface of revolution from the pole (t = 0) to the rim (t = 1):
    // radius from the axis and height along it.
    using Profile = std::function<std::array<double, 2>(double)>;

    Profile head_profile(const PartSpec &part)
    {
      const double R = part.outer_radius;
      if (part.head_shape == HeadShape::ellipsoidal_2to1)
        {
          const double h = R / 2; // 2:1 ellipsoid: depth a quarter of the diameter
          return [R, h](double t) {
            const double phi = t * M_PI / 2;
            return std::array<double, 2>{{R * std::sin(phi), h * std::cos(phi)}};
          };
        }
      // Torispherical: crown arc (radius Rc) tangent to a knuckle arc (radius rk) that meets the
      // rim with a vertical tangent; parametrised by arc length.
      const double Rc = part.crown_radius, rk = part.knuckle_radius;
      const double sin_a = (R - rk) / (Rc - rk);
      const double alpha = std::asin(sin_a);
      const double zc    = -(Rc - rk) * std::cos(alpha);
      const double Lc = Rc * alpha, Lk = rk * (M_PI / 2 - alpha);
      return [=](double t) {
        const double s = t * (Lc + Lk);
        if (s <= Lc)
          {
            const double psi = s / Rc;
            return std::array<double, 2>{{Rc * std::sin(psi), zc + Rc * std::cos(psi)}};
          }
        const double psi = alpha + (s - Lc) / rk;
        return std::array<double, 2>{{R - rk + rk * std::sin(psi), rk * std::cos(psi)}};
      };
    }

    // Length of a profile from pole to rim (for element counts).
    double profile_length(const Profile &prof)
    {
      double L = 0;
      for (int i = 0; i < 256; ++i)
        {
          const auto a = prof(i / 256.0), b = prof((i + 1) / 256.0);
          L += std::hypot(b[0] - a[0], b[1] - a[1]);
        }
      return L;
    }

    // Five patches covering a disc-like surface (flat disc or dished head) without a pole:
    // a central square and four patches between the square and the rim, in the coordinates of
    // the unit disc, then lifted by `lift` onto the surface.
    // `turn`: how far the normal turns from the centre to the rim (0 flat, pi / 2 a head).
    std::vector<Patch> o_grid(const std::function<Vec3(double, double)> &lift, double rim_length,
                              double radial_length, double turn, const Sizing &z,
                              const std::string &rim_name)
    {
      const double   s = 0.4; // half-width of the central square in unit-disc coordinates
      const unsigned n = circumferential_divisions(rim_length, z) / 4;
      const unsigned m = arc_divisions(radial_length * (1 - s * std::sqrt(2.0) * 0.85), turn, z);
      std::vector<Patch> patches;
      Patch              centre;
      centre.point = [lift, s](double u, double v) { return lift(-s + 2 * s * u, -s + 2 * s * v); };
      centre.n_u = centre.n_v = n;
      patches.push_back(centre);
      for (int k = 0; k < 4; ++k)
        {
          const double rot = k * M_PI / 2, c = std::cos(rot), sn = std::sin(rot);
          Patch        p;
          p.point = [=](double u, double v) {
            // Point on the square's side x = s, rotated, and on the quarter arc it faces.
            const double qx = s, qy = -s + 2 * s * u;
            const double th = -M_PI / 4 + u * M_PI / 2;
            const double ax = std::cos(th), ay = std::sin(th);
            const double x = (1 - v) * qx + v * ax, y = (1 - v) * qy + v * ay;
            return lift(c * x - sn * y, sn * x + c * y);
          };
          p.n_u          = n;
          p.n_v          = m;
          p.side_edge[2] = rim_name;
          patches.push_back(p);
        }
      return patches;
    }
  } // namespace

  Vec3 Patch::normal(double u, double v) const
  {
    if (exact_normal)
      return exact_normal(u, v);
    const double d  = 1e-6;
    const Vec3   du = point(u + d, v) - point(u - d, v);
    const Vec3   dv = point(u, v + d) - point(u, v - d);
    const Vec3   n  = cross(du, dv);
    return (1.0 / norm(n)) * n;
  }

  namespace
  {
    // A part's local frame: origin, axis, and the in-plane directions.
    struct Frame
    {
      explicit Frame(const PartSpec &part)
        : o(part.origin), ax(part.axis), e1(part.reference), e2(cross(part.axis, part.reference))
      {
      }
      Vec3 o, ax, e1, e2;
    };

    // The top side of a shell around an axis faces away from it.
    std::function<Vec3(const Vec3 &)> away_from_axis(const Vec3 &o, const Vec3 &ax)
    {
      return [o, ax](const Vec3 &x) {
        const Vec3 r = x - o;
        return r - dot(r, ax) * ax;
      };
    }

    // The patches of a mid-surface and the direction its top side faces at a point.
    struct MidSurface
    {
      std::vector<Patch>                patches;
      std::function<Vec3(const Vec3 &)> top;
    };

    MidSurface quad_surface(const PartSpec &part, const Sizing &z)
    {
      MidSurface s;
      const auto c = part.corners;
      Patch      p;
      p.point = [c](double u, double v) {
        return (1 - u) * (1 - v) * c[0] + u * (1 - v) * c[1] + u * v * c[2] + (1 - u) * v * c[3];
      };
      p.side_edge  = {{"edge1", "edge2", "edge3", "edge4"}};
      p.n_u        = divisions(side_length(p.point, true), z.h);
      p.n_v        = divisions(side_length(p.point, false), z.h);
      const Vec3 t = cross(c[1] - c[0], c[3] - c[0]);
      s.top        = [t](const Vec3 &) { return t; };
      s.patches.push_back(p);
      return s;
    }

    MidSurface cylinder_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface   s;
      const double a = part.radius_a, b = part.radius_b, L = part.length;
      const double t0 = part.angle_start, t1 = part.angle_end;
      Patch        p;
      p.point = [=](double u, double v) {
        const double th = t0 + v * (t1 - t0);
        return o + (u * L) * ax + (a * std::cos(th)) * e1 + (b * std::sin(th)) * e2;
      };
      p.side_edge = {
        {part.full_circle ? "" : "side_start", "end", part.full_circle ? "" : "side_end", "start"}};
      p.n_u = divisions(L, z.h);
      // Ramanujan's perimeter: exact for a circle, so that heads of the same radius match.
      const double perimeter = M_PI * (3 * (a + b) - std::sqrt((3 * a + b) * (a + 3 * b)));
      p.n_v                  = part.full_circle ? circumferential_divisions(perimeter, z)
                                                : arc_divisions(side_length(p.point, false), t1 - t0, z, 2);
      s.top                  = away_from_axis(o, ax);
      s.patches.push_back(p);
      return s;
    }

    MidSurface disc_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface   s;
      const double ro = part.outer_radius, ri = part.inner_radius;
      s.top = [ax](const Vec3 &) { return ax; };
      if (ri > 0)
        {
          const double t0 = part.angle_start, t1 = part.angle_end;
          Patch        p;
          p.point = [=](double u, double v) {
            const double r = ri + u * (ro - ri), th = t0 + v * (t1 - t0);
            return o + (r * std::cos(th)) * e1 + (r * std::sin(th)) * e2;
          };
          p.side_edge = {{part.full_circle ? "" : "side_start", "outer",
                          part.full_circle ? "" : "side_end", "inner"}};
          p.n_u       = divisions(ro - ri, z.h);
          p.n_v       = part.full_circle ? circumferential_divisions(2 * M_PI * ro, z)
                                         : divisions(side_length(p.point, false), z.h, 2);
          s.patches.push_back(p);
        }
      else
        s.patches = o_grid([=](double x, double y) { return o + (ro * x) * e1 + (ro * y) * e2; },
                           2 * M_PI * ro, ro, 0, z, "outer");
      return s;
    }

    MidSurface head_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface    s;
      const Profile prof     = head_profile(part);
      const double  meridian = profile_length(prof);
      auto          lift     = [=](double x, double y) {
        const double rho = std::sqrt(x * x + y * y);
        const auto   rz  = prof(rho);
        // Direction in the rim plane; at the pole the radius is zero anyway.
        const double f = rho > 1e-14 ? rz[0] / rho : 0.0;
        return o + rz[1] * ax + (f * x) * e1 + (f * y) * e2;
      };
      s.patches = o_grid(lift, 2 * M_PI * part.outer_radius, meridian, M_PI / 2, z, "rim");
      s.top     = [o](const Vec3 &x) { return x - o; };
      return s;
    }

    MidSurface section_shell_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface         s;
      const CrossSection cs(part.section);
      const double       L = part.length;
      Patch              p;
      p.point = [=](double u, double v) {
        const auto q = cs.point(2 * M_PI * v);
        return o + (u * L) * ax + q[0] * e1 + q[1] * e2;
      };
      p.side_edge = {{"", "end", "", "start"}};
      p.n_u       = divisions(L, z.h);
      p.n_v       = circumferential_divisions(section_perimeter(part.section), z);
      s.top       = away_from_axis(o, ax);
      s.patches.push_back(p);
      return s;
    }

    MidSurface section_head_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface         s;
      const CrossSection cs(part.section);
      const double       R = part.section.a;
      // A 2:1 head is a quarter of the (equivalent) diameter deep.
      const double depth = 0.5 * std::sqrt(part.section.a * part.section.b);
      Profile      prof;
      if (part.head_shape == HeadShape::torispherical)
        {
          PartSpec circle     = part;
          circle.outer_radius = R;
          prof                = head_profile(circle);
        }
      else
        prof = [R, depth](double t) {
          const double phi = t * M_PI / 2;
          return std::array<double, 2>{{R * std::sin(phi), depth * std::cos(phi)}};
        };
      const double meridian = profile_length(prof);
      auto         lift     = [=](double x, double y) {
        const double rho = std::sqrt(x * x + y * y);
        const auto   rz  = prof(rho);
        const auto   q   = cs.point(std::atan2(y, x));
        const double f   = rz[0] / R;
        return o + rz[1] * ax + (f * q[0]) * e1 + (f * q[1]) * e2;
      };
      s.patches = o_grid(lift, section_perimeter(part.section), meridian, M_PI / 2, z, "rim");
      s.top     = [o](const Vec3 &x) { return x - o; };
      return s;
    }

    MidSurface section_plate_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface         s;
      const CrossSection cs(part.section);
      const double       inset = part.inset;
      const double       size  = std::max(part.section.a, part.section.b);
      s.top                    = [ax](const Vec3 &) { return ax; };
      if (part.opening > 0)
        {
          const double rho_in = std::sqrt(part.opening); // area scales with rho^2
          Patch        p;
          p.point = [=](double u, double v) {
            const double rho = rho_in + u * (1 - rho_in);
            const auto   q   = cs.inner_point(2 * M_PI * v, inset);
            return o + (rho * q[0]) * e1 + (rho * q[1]) * e2;
          };
          p.side_edge = {{"", "outer", "", "inner"}};
          p.n_u       = divisions((1 - rho_in) * size, z.h);
          p.n_v       = circumferential_divisions(section_perimeter(part.section), z);
          s.patches.push_back(p);
        }
      else
        s.patches = o_grid(
          [=](double x, double y) {
            const double rho = std::sqrt(x * x + y * y);
            const auto   q   = cs.inner_point(std::atan2(y, x), inset);
            return o + (rho * q[0]) * e1 + (rho * q[1]) * e2;
          },
          section_perimeter(part.section), size, 0, z, "outer");
      return s;
    }

    MidSurface section_ring_surface(const PartSpec &part, const Sizing &z)
    {
      const auto [o, ax, e1, e2] = Frame(part);
      MidSurface         s;
      const CrossSection cs(part.section);
      const double       inset = part.inset, depth = part.ring_height;
      Patch              p;
      p.point = [=](double u, double v) {
        const double th = 2 * M_PI * v;
        const auto   q  = cs.inner_point(th, inset + u * depth);
        return o + q[0] * e1 + q[1] * e2;
      };
      p.side_edge = {{"", "inner", "", "outer"}};
      p.n_u       = divisions(depth, z.h);
      p.n_v       = circumferential_divisions(section_perimeter(part.section), z);
      s.top       = [ax](const Vec3 &) { return ax; };
      s.patches.push_back(p);
      return s;
    }
  } // namespace

  std::vector<Patch> mid_surface_patches(const PartSpec &part, const Sizing &h)
  {
    MidSurface s;
    switch (part.kind)
      {
        case SurfaceKind::gmsh: return gmsh_patches(part); // as meshed, in the file's orientation
        case SurfaceKind::quad: s = quad_surface(part, h); break;
        case SurfaceKind::cylinder: s = cylinder_surface(part, h); break;
        case SurfaceKind::disc: s = disc_surface(part, h); break;
        case SurfaceKind::head: s = head_surface(part, h); break;
        case SurfaceKind::section_shell: s = section_shell_surface(part, h); break;
        case SurfaceKind::section_head: s = section_head_surface(part, h); break;
        case SurfaceKind::section_plate: s = section_plate_surface(part, h); break;
        case SurfaceKind::section_ring: s = section_ring_surface(part, h); break;
      }
    for (auto &p : s.patches)
      orient(p, s.top);
    return s.patches;
  }

  ElementTurn element_turn(const std::vector<Patch> &patches)
  {
    auto angle = [](const Vec3 &a, const Vec3 &b) {
      // atan2 of |a x b| and a . b: accurate for small angles, unlike acos.
      const Vec3 c = cross(a, b);
      return std::atan2(norm(c), dot(a, b));
    };
    ElementTurn most;
    for (const auto &p : patches)
      {
        // Normals at the quadratic node positions of the patch's grid; an element's turn is
        // the largest of its three lines along u and three along v (through the middle).
        const unsigned    nu = 2 * p.n_u + 1, nv = 2 * p.n_v + 1;
        std::vector<Vec3> n(nu * nv), x(nu * nv);
        for (unsigned j = 0; j < nv; ++j)
          for (unsigned i = 0; i < nu; ++i)
            {
              const double u = double(i) / (nu - 1), v = double(j) / (nv - 1);
              n[j * nu + i] = p.normal(u, v);
              x[j * nu + i] = p.point(u, v);
            }
        auto turn = [&](unsigned a, unsigned b, unsigned c) {
          const double t = angle(n[a], n[b]) + angle(n[b], n[c]);
          if (t > most.angle)
            {
              const double length = norm(x[b] - x[a]) + norm(x[c] - x[b]);
              most.angle          = t;
              most.radius         = length / t;
            }
        };
        for (unsigned ej = 0; ej < p.n_v; ++ej)
          for (unsigned ei = 0; ei < p.n_u; ++ei)
            for (unsigned k = 0; k < 3; ++k)
              {
                const unsigned i = 2 * ei, j = 2 * ej;
                turn((j + k) * nu + i, (j + k) * nu + i + 1, (j + k) * nu + i + 2);
                turn(j * nu + i + k, (j + 1) * nu + i + k, (j + 2) * nu + i + k);
              }
      }
    return most;
  }

  Sizing sizing_of(const Case &c, const PartSpec &part)
  {
    return {c.mesh_size_of(part), c.mesh.max_angle_rad};
  }

  ModelSize estimate_model_size(const Case &c)
  {
    ModelSize size;
    for (const auto &part : c.parts)
      {
        const Sizing   h      = sizing_of(c, part);
        const unsigned layers = c.layers_of(part);
        for (const auto &p : mid_surface_patches(part, h))
          {
            const double quads = double(p.n_u) * double(p.n_v);
            // Quadratic nodes of the patch's grid in one plane (a single quad of an imported
            // mesh shares its edges with its neighbours: about 4 nodes of its own).
            const double plane = quads == 1 ? 4 : (2.0 * p.n_u + 1) * (2.0 * p.n_v + 1);
            size.elements += quads * layers;
            size.dofs += 3 * plane * (2.0 * layers + 1);
          }
      }
    return size;
  }
} // namespace lightbody
