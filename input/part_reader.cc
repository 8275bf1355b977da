// parts: one part of the case, its material, gauge, mesh settings and mid-surface.
#include "input/reader.h"

#include <algorithm>
#include <filesystem>

namespace lightbody
{
  bool name_matches(const std::string &pattern, const std::string &name)
  {
    // Iterative glob: '*' any run of characters, '?' one character.
    std::size_t p = 0, n = 0, star = std::string::npos, mark = 0;
    while (n < name.size())
      {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n]))
          {
            ++p;
            ++n;
          }
        else if (p < pattern.size() && pattern[p] == '*')
          {
            star = p++;
            mark = n;
          }
        else if (star != std::string::npos)
          {
            p = star + 1;
            n = ++mark;
          }
        else
          return false;
      }
    while (p < pattern.size() && pattern[p] == '*')
      ++p;
    return p == pattern.size();
  }

  namespace reading
  {
    bool Reader::override_body_parts(const std::string &name, const YAML::Node &n, Case &c,
                                     std::size_t body_parts)
    {
      const std::string              path  = "parts." + name;
      const std::vector<std::string> kinds = {"quad", "cylinder", "disc", "head", "gmsh"};
      const bool                     has_surface =
        n.IsMap() && std::any_of(kinds.begin(), kinds.end(), [&](const auto &k) { return n[k]; });
      std::vector<std::string> names;
      std::vector<std::size_t> matched;
      for (std::size_t i = 0; i < body_parts; ++i)
        {
          names.push_back(c.parts[i].name);
          if (name_matches(name, c.parts[i].name))
            matched.push_back(i);
        }
      if (has_surface)
        {
          if (!matched.empty())
            error(n, path,
                  "this name is taken by a part of the body; to change that part give only "
                  "material, thickness, layers or mesh_size");
          return !matched.empty();
        }
      if (!is_map(n, path))
        return true;
      const bool pattern = name.find_first_of("*?") != std::string::npos;
      if (matched.empty())
        {
          error(n, path,
                pattern ? std::string(c.has_tank || c.has_frame_body ? "matches no part of the body"
                                                                     : "matches no part") +
                            " (parts: " + some_of(names) + ")"
                        : "names no part of the body" + suggestion(name, names) +
                            "; a part of the case's own needs a mid-surface (quad, cylinder, "
                            "disc, head or gmsh)");
          return true;
        }
      const std::vector<std::string> allowed = {"material", "thickness", "mesh_size", "layers"};
      check_keys(n, path, allowed);
      if (n.size() == 0)
        error(n, path, "give material, thickness, mesh_size or layers to override");
      // Each value is read once, then given to every matched part.
      const std::string material  = n["material"] ? text(n, path, "material") : std::string();
      const double      thickness = n["thickness"]
                                      ? positive(n, path, "thickness", Quantity::length,
                                                 max_thickness_mm, nullptr, usual_thickness_mm)
                                      : 0;
      const double      mesh_size =
        n["mesh_size"] ? positive(n, path, "mesh_size", Quantity::length, max_dimension_mm) : 0;
      const unsigned layers = n["layers"] ? count(n, path, "layers", 1, 8, 1) : 0;
      for (const std::size_t i : matched)
        {
          PartSpec &p = c.parts[i];
          if (!material.empty())
            p.material = material;
          if (thickness > 0)
            p.thickness = thickness;
          if (mesh_size > 0)
            p.mesh_size = mesh_size;
          if (layers > 0)
            p.layers = layers;
          p.where = where(n, path);
        }
      // An unknown material named once, at the key that gave it.
      for (const std::size_t i : matched)
        if (!material.empty() &&
            !known_material(n["material"], path + ".material", material, c.parts[i].thickness))
          break;
      if (thickness > 0)
        for (const std::size_t i : matched)
          if (c.parts[i].kind == SurfaceKind::cylinder || c.parts[i].kind == SurfaceKind::head)
            {
              check_thin(n, path, c.parts[i]);
              break;
            }
      return true;
    }

    void Reader::read_frame(const YAML::Node &n, const std::string &path, PartSpec &p,
                            const char *origin_key, const char *axis_key)
    {
      p.origin = required_vector(n, path, origin_key, Quantity::length);
      p.axis   = direction(n, path, axis_key, {0, 0, 1}, true);
      Vec3 ref = direction(n, path, "reference", {1, 0, 0});
      // Without a given reference, any direction perpendicular to the axis will do.
      if (!n["reference"] && std::abs(dot(ref, p.axis)) > 0.9)
        ref = {0, 1, 0};
      const double d = dot(ref, p.axis);
      Vec3         r{ref[0] - d * p.axis[0], ref[1] - d * p.axis[1], ref[2] - d * p.axis[2]};
      if (norm(r) < 1e-6)
        {
          error(n["reference"] ? n["reference"] : n, path + ".reference",
                "must not be parallel to the axis");
          r = {1, 0, 0};
        }
      p.reference = normalized(r);
    }

    void Reader::read_part(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "parts." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, keys_of("parts.NAME"));
      PartSpec p;
      p.name      = name;
      p.where     = where(n, path);
      p.material  = text(n, path, "material");
      p.thickness = positive(n, path, "thickness", Quantity::length, max_thickness_mm, nullptr,
                             usual_thickness_mm);
      if (n["mesh_size"])
        p.mesh_size = positive(n, path, "mesh_size", Quantity::length, max_dimension_mm);
      if (n["layers"])
        p.layers = count(n, path, "layers", 1, 8, 1);

      const std::vector<std::string> kinds = {"quad", "cylinder", "disc", "head", "gmsh"};
      std::vector<std::string>       given;
      for (const auto &k : kinds)
        if (n[k])
          given.push_back(k);
      if (given.size() != 1)
        error(n, path,
              given.empty() ? "needs a mid-surface: one of quad, cylinder, disc, head, gmsh"
                            : "has more than one mid-surface (" + join(given) + ")");
      else if (const std::string kind = given.front(); is_map(n[kind], path + "." + kind))
        {
          const YAML::Node  g  = n[kind];
          const std::string gp = path + "." + kind;
          check_keys(g, gp, keys_of("parts.NAME." + kind));
          if (kind == "gmsh")
            read_gmsh_surface(g, gp, p);
          else if (kind == "quad")
            read_quad_surface(g, gp, p);
          else if (kind == "cylinder")
            read_cylinder_surface(g, gp, p);
          else if (kind == "disc")
            read_disc_surface(g, gp, p);
          else
            read_head_surface(g, gp, p);
          if (kind == "cylinder" || kind == "disc")
            read_angles(g, gp, p);
          check_thin(n, path, p);
        }
      c.parts.push_back(p);
    }

    void Reader::read_gmsh_surface(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.kind                 = SurfaceKind::gmsh;
      const std::string file = text(g, gp, "file");
      p.gmsh_group           = g["group"] ? text(g, gp, "group") : p.name;
      // Relative to the file that names it (a module's own folder for included parts).
      const std::string from = origin_file(origins_, gp + ".file", file_);
      const std::string dir =
        from.find('/') == std::string::npos ? std::string() : from.substr(0, from.rfind('/') + 1);
      p.gmsh_file = (!file.empty() && file[0] == '/') ? file : dir + file;
      std::error_code ec;
      if (!file.empty() && !std::filesystem::exists(p.gmsh_file, ec) && !ec)
        error(g["file"], gp + ".file", "the mesh file \"" + p.gmsh_file + "\" does not exist");
    }

    void Reader::read_quad_surface(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.kind              = SurfaceKind::quad;
      const YAML::Node cs = g["corners"];
      if (!cs || !cs.IsSequence() || cs.size() != 4)
        {
          error(cs ? cs : g, gp + ".corners", "must be a list of four corner points");
          return;
        }
      for (unsigned i = 0; i < 4; ++i)
        p.corners[i] = vector(cs[i], gp + ".corners[" + std::to_string(i) + "]", Quantity::length);
      // A bilinear quadrilateral is valid when every corner turns the same way.
      const auto &c      = p.corners;
      const Vec3  N      = cross(c[2] - c[0], c[3] - c[1]);
      bool        convex = norm(N) > 0;
      for (unsigned k = 0; k < 4 && convex; ++k)
        {
          const Vec3 t = cross(c[(k + 1) % 4] - c[k], c[(k + 3) % 4] - c[k]);
          convex       = dot(t, N) > 1e-9 * norm(N);
        }
      if (!convex)
        error(cs, gp + ".corners",
              "the four corners must form a convex quadrilateral, given in order around it (not "
              "crossed, no three in a line)");
    }

    void Reader::read_cylinder_surface(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.kind = SurfaceKind::cylinder;
      read_frame(g, gp, p, "origin", "axis");
      if (g["radius"] && g["radii"])
        error(g, gp, "give either radius (circular) or radii (elliptical), not both");
      if (g["radii"])
        {
          const YAML::Node r = g["radii"];
          if (!r.IsSequence() || r.size() != 2)
            error(r, gp + ".radii", "must be [a, b]: semi-axis along reference, and across");
          else
            {
              bool ok1, ok2;
              p.radius_a = number(r[0], gp + ".radii[0]", Quantity::length, ok1);
              p.radius_b = number(r[1], gp + ".radii[1]", Quantity::length, ok2);
              if (ok1 && ok2 && !(p.radius_a > 0 && p.radius_b > 0))
                error(r, gp + ".radii", "must be positive");
            }
        }
      else
        p.radius_a = p.radius_b = positive(g, gp, "radius", Quantity::length);
      p.length = positive(g, gp, "length", Quantity::length);
    }

    void Reader::read_disc_surface(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.kind = SurfaceKind::disc;
      read_frame(g, gp, p, "centre", "normal");
      const double zero = 0;
      p.outer_radius    = positive(g, gp, "outer_radius", Quantity::length);
      p.inner_radius    = quantity(g, gp, "inner_radius", Quantity::length, &zero);
      if (p.inner_radius < 0 || (p.outer_radius > 0 && p.inner_radius >= p.outer_radius))
        error(g["inner_radius"], gp + ".inner_radius",
              "must be at least 0 and less than outer_radius");
      if (g["angles"] && p.inner_radius == 0)
        error(g["angles"], gp + ".angles",
              "a disc segment needs an inner_radius > 0 (an annulus segment)");
    }

    void Reader::read_head_surface(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.kind = SurfaceKind::head;
      read_frame(g, gp, p, "centre", "axis");
      p.outer_radius      = positive(g, gp, "radius", Quantity::length);
      const std::string s = text(g, gp, "shape", false);
      if (s.empty() || s == "ellipsoidal")
        p.head_shape = HeadShape::ellipsoidal_2to1;
      else if (s == "torispherical")
        {
          p.head_shape     = HeadShape::torispherical;
          p.crown_radius   = positive(g, gp, "crown_radius", Quantity::length);
          p.knuckle_radius = positive(g, gp, "knuckle_radius", Quantity::length);
          if (p.crown_radius > 0 && p.knuckle_radius > 0 &&
              !(p.crown_radius >= p.outer_radius && p.knuckle_radius < p.outer_radius))
            error(g, gp, "torispherical head needs crown_radius >= radius > knuckle_radius");
        }
      else
        error(g["shape"], gp + ".shape",
              "unknown head shape \"" + s + "\"" + suggestion(s, {"ellipsoidal", "torispherical"}));
    }

    // A cylinder's or disc's sector: [start, end], full circle when not given.
    void Reader::read_angles(const YAML::Node &g, const std::string &gp, PartSpec &p)
    {
      p.full_circle = !g["angles"];
      p.angle_start = 0;
      p.angle_end   = 2 * M_PI;
      if (!g["angles"])
        return;
      const YAML::Node a = g["angles"];
      if (!a.IsSequence() || a.size() != 2)
        {
          error(a, gp + ".angles", "must be [start, end] (degrees, or with a unit)");
          return;
        }
      bool ok1, ok2;
      p.angle_start = number(a[0], gp + ".angles[0]", Quantity::angle, ok1);
      p.angle_end   = number(a[1], gp + ".angles[1]", Quantity::angle, ok2);
      if (ok1 && ok2 &&
          !(p.angle_end > p.angle_start && p.angle_end - p.angle_start <= 2 * M_PI + 1e-12))
        error(a, gp + ".angles", "must satisfy start < end <= start + 360 deg");
      if (std::abs(p.angle_end - p.angle_start - 2 * M_PI) < 1e-12)
        p.full_circle = true;
    }

    // A solid-shell needs a wall thin against its radius of curvature.
    void Reader::check_thin(const YAML::Node &n, const std::string &path, const PartSpec &p)
    {
      if (!(p.thickness > 0))
        return;
      const double r_min = p.kind == SurfaceKind::cylinder ? std::min(p.radius_a, p.radius_b)
                           : p.kind == SurfaceKind::head   ? p.outer_radius
                                                           : 0;
      if (r_min > 0 && p.thickness >= r_min)
        error(n["thickness"], path + ".thickness",
              "is not thin against the radius: a solid-shell needs thickness < radius");
    }
  } // namespace reading
} // namespace lightbody
