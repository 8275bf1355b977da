#include "solver/case_reader.h"
#include "solver/templates.h"

#include "meshes/bodies.h"

#include "solver/input_file.h"
#include "solver/units.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lightbody
{
  namespace
  {
    // Plausibility bounds for a vehicle body, in mm: catch "5 m" typed for "5 mm" and the like.
    constexpr double max_thickness_mm = 100.0;
    constexpr double max_dimension_mm = 50000.0;
    // Case and load-case names become file and folder names.
    constexpr std::size_t max_name_length = 100;

    // An internal value in the unit an engineer reads it in: "100000 kg/m^3", "50000 mm".
    std::string in_user_units(double v, Quantity q)
    {
      double      factor = 1;
      const char *unit   = "";
      switch (q)
        {
          case Quantity::length: unit = " mm"; break;
          case Quantity::pressure: unit = " MPa"; break;
          case Quantity::density: factor = 1e12, unit = " kg/m^3"; break;
          case Quantity::acceleration: factor = 1.0 / units::standard_gravity, unit = " g"; break;
          case Quantity::force: unit = " N"; break;
          case Quantity::force_per_length: unit = " N/mm"; break;
          case Quantity::mass: factor = units::kg_per_tonne, unit = " kg"; break;
          case Quantity::angle: factor = 180 / M_PI, unit = " deg"; break;
          case Quantity::dimensionless: break;
        }
      char text[64];
      std::snprintf(text, sizeof text, "%.6g%s", v * factor, unit);
      return text;
    }

    std::size_t edit_distance(const std::string &a, const std::string &b)
    {
      std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
      for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
      for (std::size_t i = 1; i <= a.size(); ++i)
        {
          cur[0] = i;
          for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                               prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
          std::swap(prev, cur);
        }
      return prev[b.size()];
    }

    std::string join(const std::vector<std::string> &v, const char *sep = ", ")
    {
      std::string s;
      for (const auto &x : v)
        s += (s.empty() ? "" : sep) + x;
      return s;
    }

    std::string suggestion(const std::string &word, const std::vector<std::string> &choices)
    {
      std::string best;
      std::size_t best_d = 1000;
      for (const auto &c : choices)
        {
          // A shortened word ("elliptic" for "ellipsoidal") counts as close.
          std::size_t common = 0;
          while (common < word.size() && common < c.size() && word[common] == c[common])
            ++common;
          const bool        prefix = common >= 4 && common >= 0.6 * word.size();
          const std::size_t d      = prefix ? 1 : edit_distance(word, c);
          if (d < best_d)
            best_d = d, best = c;
        }
      if (!best.empty() && best_d <= std::max<std::size_t>(2, word.size() / 3))
        return " (did you mean \"" + best + "\"?)";
      return " (expected one of: " + join(choices) + ")";
    }

    Vec3 normalized(const Vec3 &v)
    {
      const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      return {v[0] / n, v[1] / n, v[2] / n};
    }
    double dot(const Vec3 &a, const Vec3 &b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
    double norm(const Vec3 &v) { return std::sqrt(dot(v, v)); }

    // The text of a mapping key; keys that are lists or maps give "" (reported where read).
    std::string key_text(const YAML::Node &key) { return key.IsScalar() ? key.Scalar() : std::string(); }

    // Which file each value came from, by dotted key path ("parts.floor.thickness"); a path
    // not listed inherits from its longest listed prefix.
    using Origins = std::map<std::string, std::string>;

    // "a.b[0].c" -> "a.b.0.c"
    std::string dotted(const std::string &key)
    {
      std::string d;
      for (char ch : key)
        if (ch == '[')
          d += '.';
        else if (ch != ']')
          d += ch;
      return d;
    }

    std::string origin_file(const Origins &origins, const std::string &path,
                            const std::string &fallback)
    {
      std::string p = path;
      while (true)
        {
          const auto it = origins.find(p);
          if (it != origins.end())
            return it->second;
          const auto dot = p.rfind('.');
          if (dot == std::string::npos)
            return fallback;
          p = p.substr(0, dot);
        }
    }

    // Reads one YAML document into a Case, collecting every problem it finds.
    class Reader
    {
    public:
      Reader(std::string file, std::vector<std::string> override_keys, Origins origins)
        : file_(std::move(file)), override_keys_(std::move(override_keys)),
          origins_(std::move(origins))
      {}

      Case read(const YAML::Node &root);
      void check_load_case_names(const Case &c);
      void warn_if_unusual(const YAML::Node &n, const std::string &path, const Material &m, Case &c);

    private:
      std::string              file_;
      std::vector<std::string> override_keys_; // values that came from --set
      Origins                  origins_;       // values that came from included files
      DiagnosticList           diag_;

      // The override a key's value came from, if any ("a.b[0].c" matches --set a.b.0.c).
      const std::string *override_for(const std::string &key) const
      {
        const std::string d = dotted(key);
        for (const auto &o : override_keys_)
          if (d == o || d.rfind(o + ".", 0) == 0)
            return &o;
        return nullptr;
      }

      SourceLocation where(const YAML::Node &n, const std::string &key) const
      {
        if (const std::string *o = override_for(key))
          return {file_ + " (--set " + *o + ")", 0, 0};
        const std::string file = origin_file(origins_, dotted(key), file_);
        const YAML::Mark  m    = n.Mark();
        if (m.is_null())
          return {file, 0, 0};
        return {file, m.line + 1, m.column + 1};
      }
      void error(const YAML::Node &n, const std::string &key, const std::string &msg)
      {
        diag_.add(where(n, key), key, msg);
      }

      bool is_map(const YAML::Node &n, const std::string &key)
      {
        if (n.IsMap())
          return true;
        error(n, key, "must be a mapping of keys to values");
        return false;
      }

      // Unknown keys, each with the nearest allowed one suggested.
      void check_keys(const YAML::Node &n, const std::string &path,
                      const std::vector<std::string> &allowed)
      {
        for (const auto &kv : n)
          {
            const std::string k = key_text(kv.first);
            if (k.empty())
              {
                error(kv.first, path, "a key must be a plain name, not a list or mapping");
                continue;
              }
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
              error(kv.first, path.empty() ? k : path + "." + k,
                        "unknown key" + suggestion(k, allowed));
          }
      }

      double number(const YAML::Node &n, const std::string &key, Quantity q, bool &ok)
      {
        ok = false;
        if (!n.IsScalar())
          {
            error(n, key, std::string("must be ") + quantity_name(q));
            return 0;
          }
        try
          {
            const double v = parse_quantity(n.Scalar(), q);
            ok             = true;
            return v;
          }
        catch (const UnitError &e)
          {
            error(n, key, e.what());
            return 0;
          }
      }

      // A required or optional quantity under `parent[name]`.
      double quantity(const YAML::Node &parent, const std::string &path, const std::string &name,
                      Quantity q, const double *fallback = nullptr)
      {
        const std::string key = path + "." + name;
        const YAML::Node  n   = parent[name];
        if (!n)
          {
            if (fallback)
              return *fallback;
            error(parent, key, std::string("is required (") + quantity_name(q) + ")");
            return 0;
          }
        bool ok;
        return number(n, key, q, ok);
      }

      double positive(const YAML::Node &parent, const std::string &path, const std::string &name,
                      Quantity q, double upper = max_dimension_mm, const double *fallback = nullptr)
      {
        const YAML::Node n = parent[name];
        if (!n || !n.IsScalar())
          return quantity(parent, path, name, q, fallback);
        bool         ok;
        const double v = number(n, path + "." + name, q, ok);
        if (ok)
          {
            if (!(v > 0))
              error(n, path + "." + name, "\"" + n.Scalar() + "\" must be positive");
            else if (v > upper)
              error(n, path + "." + name,
                    "\"" + n.Scalar() + "\" is implausibly large (more than " +
                      in_user_units(upper, q) + ")");
          }
        return v;
      }

      // [x, y, z] of quantities, or "x y z unit".
      Vec3 vector(const YAML::Node &n, const std::string &key, Quantity q)
      {
        Vec3 v{0, 0, 0};
        if (n.IsSequence() && n.size() == 3)
          {
            for (unsigned i = 0; i < 3; ++i)
              {
                bool ok;
                v[i] = number(n[i], key + "[" + std::to_string(i) + "]", q, ok);
              }
            return v;
          }
        if (n.IsScalar())
          {
            std::istringstream in(n.Scalar());
            double             c[3];
            if (in >> c[0] >> c[1] >> c[2])
              {
                std::string unit;
                std::getline(in, unit);
                try
                  {
                    const double f = parse_quantity("1 " + unit, q);
                    const double unit_scale =
                      unit.find_first_not_of(" \t") == std::string::npos ? from_plain_number(1, q) : f;
                    return {c[0] * unit_scale, c[1] * unit_scale, c[2] * unit_scale};
                  }
                catch (const UnitError &e)
                  {
                    error(n, key, e.what());
                    return v;
                  }
              }
          }
        error(n, key,
              std::string("must be a vector of three components, [x, y, z] or \"x y z unit\", "
                          "each ") +
                quantity_name(q));
        return v;
      }

      Vec3 required_vector(const YAML::Node &parent, const std::string &path,
                           const std::string &name, Quantity q, const Vec3 *fallback = nullptr)
      {
        const YAML::Node n = parent[name];
        if (!n)
          {
            if (fallback)
              return *fallback;
            error(parent, path + "." + name, "is required (a vector [x, y, z])");
            return {0, 0, 0};
          }
        return vector(n, path + "." + name, q);
      }

      Vec3 direction(const YAML::Node &parent, const std::string &path, const std::string &name,
                     const Vec3 &fallback, bool required = false)
      {
        const YAML::Node n = parent[name];
        if (!n && !required)
          return fallback;
        const Vec3 v = required_vector(parent, path, name, Quantity::dimensionless);
        if (norm(v) == 0)
          {
            if (n)
              error(n, path + "." + name, "must not be the zero vector");
            return fallback;
          }
        return normalized(v);
      }

      std::string text(const YAML::Node &parent, const std::string &path, const std::string &name,
                       bool required = true)
      {
        const YAML::Node n = parent[name];
        if (!n)
          {
            if (required)
              error(parent, path + "." + name, "is required");
            return {};
          }
        if (!n.IsScalar())
          {
            error(n, path + "." + name, "must be a single value");
            return {};
          }
        return n.Scalar();
      }

      unsigned count(const YAML::Node &parent, const std::string &path, const std::string &name,
                     unsigned lo, unsigned hi, unsigned fallback)
      {
        const YAML::Node n = parent[name];
        if (!n)
          return fallback;
        int v = 0;
        try
          {
            v = n.as<int>();
          }
        catch (const YAML::Exception &)
          {
            error(n, path + "." + name, "must be a whole number");
            return fallback;
          }
        if (v < static_cast<int>(lo) || v > static_cast<int>(hi))
          {
            error(n, path + "." + name,
                  "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
            return fallback;
          }
        return static_cast<unsigned>(v);
      }

      void read_mesh(const YAML::Node &n, MeshSettings &mesh);
      void read_material(const std::string &name, const YAML::Node &n, Case &c);
      void read_part(const std::string &name, const YAML::Node &n, Case &c);
      void read_frame(const YAML::Node &n, const std::string &path, PartSpec &p,
                      const char *origin_key, const char *axis_key);
      void read_support(const std::string &name, const YAML::Node &n, Case &c);
      void read_tank(const YAML::Node &n, Case &c);
      void read_frame_body(const YAML::Node &n, Case &c, FrameBodySpec::Kind kind);
      void read_load_case(const std::string &name, const YAML::Node &n, Case &c);
      void read_design_loads(const YAML::Node &n, Case &c);
      void read_criteria(const YAML::Node &n, Case &c);
      bool flag(const YAML::Node &parent, const std::string &path, const std::string &name,
                bool fallback)
      {
        const YAML::Node n = parent[name];
        if (!n)
          return fallback;
        if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false"))
          return n.Scalar() == "true";
        error(n, path + "." + name, "must be true or false");
        return fallback;
      }
      // A positive factor (a multiple of g, a dynamic factor) with a default.
      double factor(const YAML::Node &parent, const std::string &path, const std::string &name,
                    double fallback)
      {
        if (!parent[name])
          return fallback;
        return positive(parent, path, name, Quantity::dimensionless, 100);
      }
      void check_references(const Case &c, const YAML::Node &root);

      template <class F>
      void for_each_in_list(const YAML::Node &n, const std::string &key, F f)
      {
        if (!n)
          return;
        if (!n.IsSequence())
          {
            error(n, key, "must be a list");
            return;
          }
        for (std::size_t i = 0; i < n.size(); ++i)
          f(n[i], key + "[" + std::to_string(i) + "]");
      }

      // Where each reference to a part, edge or surface was written, checked at the end.
      struct Reference
      {
        std::string    kind; // "edge" or "surface"
        std::string    name;
        SourceLocation where;
        std::string    key;
      };
      std::vector<Reference> references_;
    };

    void Reader::read_mesh(const YAML::Node &n, MeshSettings &mesh)
    {
      if (!is_map(n, "mesh"))
        return;
      check_keys(n, "mesh", {"size", "layers"});
      mesh.size_mm = positive(n, "mesh", "size", Quantity::length, max_dimension_mm, &mesh.size_mm);
      mesh.layers  = count(n, "mesh", "layers", 1, 8, mesh.layers);
    }

    void Reader::read_material(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "materials." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, {"E", "nu", "density", "Rp02", "Rm", "Rp02_haz", "Rm_haz", "source"});
      Material m;
      m.name    = name;
      m.E       = positive(n, path, "E", Quantity::pressure, 1e7);
      m.nu      = quantity(n, path, "nu", Quantity::dimensionless);
      m.density = positive(n, path, "density", Quantity::density, 1e-7);
      m.Rp02    = positive(n, path, "Rp02", Quantity::pressure, 1e4);
      m.Rm      = positive(n, path, "Rm", Quantity::pressure, 1e4);
      const double zero = 0;
      m.Rp02_haz = quantity(n, path, "Rp02_haz", Quantity::pressure, &zero);
      m.Rm_haz   = quantity(n, path, "Rm_haz", Quantity::pressure, &zero);
      m.source   = text(n, path, "source", false);
      if (n["nu"] && !(m.nu >= 0 && m.nu < 0.5))
        error(n["nu"], path + ".nu", "Poisson's ratio must be in [0, 0.5)");
      if (m.Rp02 > 0 && m.Rm > 0 && m.Rp02 > m.Rm)
        error(n, path, "Rp02 must not exceed Rm");
      warn_if_unusual(n, path, m, c);
      c.user_materials[name] = m;
    }

    // Structural metals lie within these bounds (magnesium alloys to tool steels; EN 1999-1-1
    // 3.2.5 and EN 1993-1-1 3.2.6 give E = 70 000 and 210 000 MPa, nu = 0.3): a value outside is
    // legal but most likely a unit slip or a typing error, so the run goes on with a warning.
    void Reader::warn_if_unusual(const YAML::Node &n, const std::string &path, const Material &m,
                                 Case &c)
    {
      struct Range
      {
        const char *key;
        double      value, lo, hi;
        Quantity    q;
        const char *hint;
      };
      const Range ranges[] = {
        {"E", m.E, 40e3, 250e3, Quantity::pressure, "aluminium 70 000 MPa, steel 210 000 MPa: GPa meant?"},
        {"nu", m.nu, 0.25, 0.4, Quantity::dimensionless,
         "metals 0.3; near 0.5 the material is nearly incompressible and the stresses unreliable"},
        {"density", m.density, 1.5e-9, 9e-9, Quantity::density, "aluminium 2700 kg/m^3, steel 7850 kg/m^3"}};
      for (const auto &r : ranges)
        if (n[r.key] && (r.value < r.lo || r.value > r.hi))
          c.warnings.push_back({where(n[r.key], path + "." + r.key), path + "." + r.key,
                                in_user_units(r.value, r.q) + " is outside the range of structural metals (" +
                                  in_user_units(r.lo, r.q) + " to " + in_user_units(r.hi, r.q) + "; " +
                                  r.hint + ")"});
    }

    void Reader::read_frame(const YAML::Node &n, const std::string &path, PartSpec &p,
                            const char *origin_key, const char *axis_key)
    {
      p.origin     = required_vector(n, path, origin_key, Quantity::length);
      p.axis       = direction(n, path, axis_key, {0, 0, 1}, true);
      Vec3 ref     = direction(n, path, "reference", {1, 0, 0});
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
      const std::vector<std::string> kinds = {"quad", "cylinder", "disc", "head", "gmsh"};
      check_keys(n, path, {"material", "thickness", "mesh_size", "layers", "quad", "cylinder",
                           "disc", "head", "gmsh"});
      PartSpec p;
      p.name      = name;
      p.where     = where(n, path);
      p.material  = text(n, path, "material");
      p.thickness = positive(n, path, "thickness", Quantity::length, max_thickness_mm);
      const double zero = 0;
      if (n["mesh_size"])
        p.mesh_size = positive(n, path, "mesh_size", Quantity::length, max_dimension_mm, &zero);
      p.layers = count(n, path, "layers", 1, 8, 0);

      std::vector<std::string> given;
      for (const auto &k : kinds)
        if (n[k])
          given.push_back(k);
      if (given.size() != 1)
        {
          error(n, path,
                given.empty() ? "needs a mid-surface: one of quad, cylinder, disc, head, gmsh"
                              : "has more than one mid-surface (" + join(given) + ")");
          c.parts.push_back(p);
          return;
        }
      const std::string kind = given.front();
      const YAML::Node  g    = n[kind];
      const std::string gp   = path + "." + kind;
      if (!is_map(g, gp))
        {
          c.parts.push_back(p);
          return;
        }
      if (kind == "gmsh")
        {
          p.kind = SurfaceKind::gmsh;
          check_keys(g, gp, {"file", "group"});
          const std::string file = text(g, gp, "file");
          p.gmsh_group           = g["group"] ? text(g, gp, "group") : name;
          // Relative to the file that names it (a module's own folder for included parts).
          const std::string from = origin_file(origins_, gp + ".file", file_);
          const std::string dir  = from.find('/') == std::string::npos ? std::string() : from.substr(0, from.rfind('/') + 1);
          p.gmsh_file = (!file.empty() && file[0] == '/') ? file : dir + file;
          std::error_code ec;
          if (!file.empty() && !std::filesystem::exists(p.gmsh_file, ec) && !ec)
            error(g["file"], gp + ".file", "the mesh file \"" + p.gmsh_file + "\" does not exist");
        }
      else if (kind == "quad")
        {
          p.kind = SurfaceKind::quad;
          check_keys(g, gp, {"corners"});
          const YAML::Node cs = g["corners"];
          if (!cs || !cs.IsSequence() || cs.size() != 4)
            error(cs ? cs : g, gp + ".corners", "must be a list of four corner points");
          else
            {
              for (unsigned i = 0; i < 4; ++i)
                p.corners[i] = vector(cs[i], gp + ".corners[" + std::to_string(i) + "]",
                                      Quantity::length);
              // A bilinear quadrilateral is valid when every corner turns the same way.
              auto sub = [](const Vec3 &a, const Vec3 &b) -> Vec3 {
                return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
              };
              auto cross = [](const Vec3 &a, const Vec3 &b) -> Vec3 {
                return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
              };
              const auto &c = p.corners;
              const Vec3  N = cross(sub(c[2], c[0]), sub(c[3], c[1]));
              bool        convex = norm(N) > 0;
              for (unsigned k = 0; k < 4 && convex; ++k)
                {
                  const Vec3 t = cross(sub(c[(k + 1) % 4], c[k]), sub(c[(k + 3) % 4], c[k]));
                  convex = dot(t, N) > 1e-9 * norm(N);
                }
              if (!convex)
                error(cs, gp + ".corners",
                      "the four corners must form a convex quadrilateral, given in order around "
                      "it (not crossed, no three in a line)");
            }
        }
      else if (kind == "cylinder")
        {
          p.kind = SurfaceKind::cylinder;
          check_keys(g, gp, {"origin", "axis", "reference", "radius", "radii", "angles", "length"});
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
      else if (kind == "disc")
        {
          p.kind = SurfaceKind::disc;
          check_keys(g, gp, {"centre", "normal", "reference", "outer_radius", "inner_radius",
                             "angles"});
          read_frame(g, gp, p, "centre", "normal");
          p.outer_radius = positive(g, gp, "outer_radius", Quantity::length);
          p.inner_radius = quantity(g, gp, "inner_radius", Quantity::length, &zero);
          if (p.inner_radius < 0 || (p.outer_radius > 0 && p.inner_radius >= p.outer_radius))
            error(g["inner_radius"], gp + ".inner_radius",
                  "must be at least 0 and less than outer_radius");
          if (g["angles"] && p.inner_radius == 0)
            error(g["angles"], gp + ".angles",
                  "a disc segment needs an inner_radius > 0 (an annulus segment)");
        }
      else
        {
          p.kind = SurfaceKind::head;
          check_keys(g, gp, {"centre", "axis", "reference", "radius", "shape", "crown_radius",
                             "knuckle_radius"});
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
                error(g, gp,
                      "torispherical head needs crown_radius >= radius > knuckle_radius");
            }
          else
            error(g["shape"], gp + ".shape",
                  "unknown head shape \"" + s + "\"" +
                    suggestion(s, {"ellipsoidal", "torispherical"}));
        }

      if (kind == "cylinder" || kind == "disc")
        {
          p.full_circle = !g["angles"];
          p.angle_start = 0;
          p.angle_end   = 2 * M_PI;
          if (g["angles"])
            {
              const YAML::Node a = g["angles"];
              if (!a.IsSequence() || a.size() != 2)
                error(a, gp + ".angles", "must be [start, end] (degrees, or with a unit)");
              else
                {
                  bool ok1, ok2;
                  p.angle_start = number(a[0], gp + ".angles[0]", Quantity::angle, ok1);
                  p.angle_end   = number(a[1], gp + ".angles[1]", Quantity::angle, ok2);
                  if (ok1 && ok2 &&
                      !(p.angle_end > p.angle_start && p.angle_end - p.angle_start <= 2 * M_PI + 1e-12))
                    error(a, gp + ".angles", "must satisfy start < end <= start + 360 deg");
                  if (std::abs(p.angle_end - p.angle_start - 2 * M_PI) < 1e-12)
                    p.full_circle = true;
                }
            }
        }
      if (p.thickness > 0)
        {
          const double r_min = p.kind == SurfaceKind::cylinder ? std::min(p.radius_a, p.radius_b)
                               : p.kind == SurfaceKind::head   ? p.outer_radius
                                                               : 0;
          if (r_min > 0 && p.thickness >= r_min)
            error(n["thickness"], path + ".thickness",
                  "is not thin against the radius: a solid-shell needs thickness < radius");
        }
      c.parts.push_back(p);
    }

    void Reader::read_tank(const YAML::Node &n, Case &c)
    {
      const std::string path = "body.tank";
      if (!is_map(n, path))
        return;
      check_keys(n, path, {"section", "width", "height", "side_radius", "length", "shell", "heads",
                           "partitions", "baffles", "rings", "mounting"});
      TankSpec &t = c.tank;
      c.has_tank  = true;
      const std::string section = text(n, path, "section", false);
      const double      width = positive(n, path, "width", Quantity::length);
      t.section.a = width / 2;
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
              if (t.section.b > 0 && !(t.section.a > t.section.b && t.section.side_radius < t.section.b))
                error(n, path, "an oval section needs width > height and side_radius < height / 2");
            }
        }
      else
        error(n["section"], path + ".section",
              "unknown section \"" + section + "\"" + suggestion(section, {"circular", "elliptical", "oval"}));
      t.length = positive(n, path, "length", Quantity::length);

      auto gauge = [&](const YAML::Node &g, const std::string &gp, std::string &material,
                       double &thickness, const std::vector<std::string> &extra) {
        std::vector<std::string> keys{"material", "thickness"};
        keys.insert(keys.end(), extra.begin(), extra.end());
        check_keys(g, gp, keys);
        if (g["material"] || material.empty())
          material = text(g, gp, "material");
        thickness = positive(g, gp, "thickness", Quantity::length, max_thickness_mm);
      };
      const YAML::Node shell = n["shell"];
      if (!shell)
        error(n, path + ".shell", "is required: {material, thickness}");
      else if (is_map(shell, path + ".shell"))
        gauge(shell, path + ".shell", t.shell_material, t.shell_thickness, {});
      const YAML::Node heads = n["heads"];
      t.head_material        = t.shell_material;
      t.head_thickness       = t.shell_thickness;
      if (heads && is_map(heads, path + ".heads"))
        {
          gauge(heads, path + ".heads", t.head_material, t.head_thickness,
                {"shape", "crown_radius", "knuckle_radius"});
          const std::string shape = text(heads, path + ".heads", "shape", false);
          if (shape.empty() || shape == "ellipsoidal")
            t.heads = TankSpec::Heads::ellipsoidal;
          else if (shape == "flat")
            t.heads = TankSpec::Heads::flat;
          else if (shape == "torispherical")
            {
              t.heads          = TankSpec::Heads::torispherical;
              t.crown_radius   = positive(heads, path + ".heads", "crown_radius", Quantity::length);
              t.knuckle_radius = positive(heads, path + ".heads", "knuckle_radius", Quantity::length);
              if (t.crown_radius > 0 && !(t.crown_radius >= t.section.a && t.knuckle_radius < t.section.a))
                error(heads, path + ".heads", "torispherical heads need crown_radius >= width / 2 > knuckle_radius");
            }
          else
            error(heads["shape"], path + ".heads.shape",
                  "unknown head shape \"" + shape + "\"" + suggestion(shape, {"ellipsoidal", "torispherical", "flat"}));
        }
      for (const char *kind : {"partitions", "baffles"})
        for_each_in_list(n[kind], path + "." + kind, [&](const YAML::Node &e, const std::string &k) {
          if (!is_map(e, k))
            return;
          TankSpec::Bulkhead b;
          b.partition = std::string(kind) == "partitions";
          b.material  = t.shell_material;
          std::vector<std::string> keys{"station", "thickness", "material"};
          if (!b.partition)
            keys.push_back("opening");
          check_keys(e, k, keys);
          b.station   = positive(e, k, "station", Quantity::length);
          b.thickness = t.shell_thickness;
          if (e["thickness"])
            b.thickness = positive(e, k, "thickness", Quantity::length, max_thickness_mm);
          if (e["material"])
            b.material = text(e, k, "material");
          if (!b.partition)
            {
              const double fallback = 0.2;
              b.opening = quantity(e, k, "opening", Quantity::dimensionless, &fallback);
              // ADR 6.8.2.1.22: a surge plate covers at least 70 % of the cross-section.
              if (e["opening"] && !(b.opening > 0 && b.opening <= 0.3))
                error(e["opening"], k + ".opening",
                      "must be more than 0 and at most 30 % (ADR 6.8.2.1.22: a surge plate covers at least 70 % of the section)");
            }
          t.bulkheads.push_back(b);
        });
      std::sort(t.bulkheads.begin(), t.bulkheads.end(),
                [](const auto &a, const auto &b) { return a.station < b.station; });
      if (const YAML::Node r = n["rings"]; r && is_map(r, path + ".rings"))
        {
          check_keys(r, path + ".rings", {"stations", "height", "thickness", "material"});
          for_each_in_list(r["stations"], path + ".rings.stations",
                           [&](const YAML::Node &e, const std::string &k) {
                             bool ok;
                             t.ring_stations.push_back(number(e, k, Quantity::length, ok));
                           });
          t.ring_height    = positive(r, path + ".rings", "height", Quantity::length);
          t.ring_thickness = positive(r, path + ".rings", "thickness", Quantity::length, max_thickness_mm);
          t.ring_material  = r["material"] ? text(r, path + ".rings", "material") : t.shell_material;
        }
      const YAML::Node m = n["mounting"];
      if (!m)
        error(n, path + ".mounting", "is required: saddles, subframe or ends");
      else if (is_map(m, path + ".mounting"))
        {
          check_keys(m, path + ".mounting", {"saddles", "subframe", "ends"});
          if (m.size() != 1)
            error(m, path + ".mounting", "give exactly one of saddles, subframe, ends");
          else if (const YAML::Node sd = m["saddles"])
            {
              const std::string sp = path + ".mounting.saddles";
              t.mounting           = TankSpec::Mounting::saddles;
              if (is_map(sd, sp))
                {
                  check_keys(sd, sp, {"stations", "width", "angle"});
                  for_each_in_list(sd["stations"], sp + ".stations",
                                   [&](const YAML::Node &e, const std::string &k) {
                                     bool ok;
                                     t.saddle_stations.push_back(number(e, k, Quantity::length, ok));
                                   });
                  if (t.saddle_stations.size() < 2)
                    error(sd, sp + ".stations", "give at least two saddle stations");
                  t.saddle_width = positive(sd, sp, "width", Quantity::length, max_dimension_mm, &t.saddle_width);
                  t.saddle_angle = quantity(sd, sp, "angle", Quantity::angle, &t.saddle_angle);
                  if (!(t.saddle_angle > 0 && t.saddle_angle < M_PI))
                    error(sd["angle"] ? sd["angle"] : sd, sp + ".angle", "must be between 0 and 180 deg");
                }
            }
          else if (const YAML::Node sf = m["subframe"])
            {
              const std::string sp = path + ".mounting.subframe";
              t.mounting           = TankSpec::Mounting::subframe;
              if (is_map(sf, sp))
                {
                  check_keys(sf, sp, {"spacing", "width"});
                  t.subframe_spacing = positive(sf, sp, "spacing", Quantity::length);
                  t.subframe_width = positive(sf, sp, "width", Quantity::length, max_dimension_mm, &t.subframe_width);
                  if (t.subframe_spacing >= 2 * t.section.a)
                    error(sf["spacing"], sp + ".spacing", "the longitudinals must lie under the tank (spacing < width)");
                }
            }
          else
            t.mounting = TankSpec::Mounting::ends;
        }
    }

    void Reader::read_frame_body(const YAML::Node &n, Case &c, FrameBodySpec::Kind kind)
    {
      const bool        box  = kind == FrameBodySpec::Kind::box;
      const std::string path = box ? "body.box" : "body.tipper";
      if (!is_map(n, path))
        return;
      std::vector<std::string> keys{"length", "width", "height", "floor", "walls", "front", "sills",
                                    "crossmembers", "mounting"};
      for (const char *k : box ? std::vector<const char *>{"roof", "posts", "rear_frame"}
                               : std::vector<const char *>{"tailgate", "hinges", "ram", "position", "posts", "top_rail"})
        keys.push_back(k);
      check_keys(n, path, keys);
      FrameBodySpec &b = c.frame_body;
      c.has_frame_body = true;
      b.kind           = kind;
      b.length         = positive(n, path, "length", Quantity::length);
      b.width          = positive(n, path, "width", Quantity::length);
      b.height         = positive(n, path, "height", Quantity::length);
      // A group: gauge (material, thickness, falling back to `fallback`) and named sizes.
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
        std::vector<std::string> allowed{"material", "thickness"};
        for (auto &sz : sizes)
          allowed.push_back(sz.first);
        check_keys(e, gp, allowed);
        g.material  = e["material"] || !fallback ? text(e, gp, "material") : fallback->material;
        g.thickness = e["thickness"] || !fallback
                        ? positive(e, gp, "thickness", Quantity::length, max_thickness_mm)
                        : fallback->thickness;
        for (auto &sz : sizes)
          *sz.second = e[sz.first] ? positive(e, gp, sz.first, Quantity::length) : *sz.second;
      };
      group("floor", b.floor, nullptr, {}, true);
      group("walls", b.walls, nullptr, {}, true);
      group("front", b.front, &b.walls, {}, false);
      b.sill_height = 160, b.sill_flange = 60;
      group("sills", b.sill, nullptr, {{"spacing", &b.sill_spacing}, {"height", &b.sill_height}, {"flange", &b.sill_flange}}, true);
      if (n["sills"] && !n["sills"]["spacing"])
        error(n["sills"], path + ".sills.spacing", "is required (centre distance of the chassis rails)");
      if (b.sill_spacing >= b.width)
        error(n["sills"], path + ".sills.spacing", "the sills must lie under the floor (spacing < width)");
      b.crossmember_pitch = 500, b.crossmember_height = 100;
      group("crossmembers", b.crossmember, &b.sill, {{"pitch", &b.crossmember_pitch}, {"height", &b.crossmember_height}}, false);
      if (box)
        {
          group("roof", b.roof, &b.walls, {}, false);
          b.post_pitch = 600, b.post_depth = 50, b.post_flange = 40;
          group("posts", b.post, &b.walls, {{"pitch", &b.post_pitch}, {"depth", &b.post_depth}, {"flange", &b.post_flange}}, false);
          b.has_posts = true;
          b.rear_post_width = 150, b.rear_header_height = 150;
          group("rear_frame", b.rear_frame, &b.walls, {{"post_width", &b.rear_post_width}, {"header_height", &b.rear_header_height}}, false);
          if (b.rear_header_height >= b.height || 2 * b.rear_post_width >= b.width)
            error(n, path + ".rear_frame", "the rear frame leaves no door opening");
        }
      else
        {
          group("tailgate", b.tailgate, &b.walls, {}, false);
          if (n["posts"])
            {
              b.post_pitch = 600, b.post_depth = 50, b.post_flange = 40;
              group("posts", b.post, &b.walls, {{"pitch", &b.post_pitch}, {"depth", &b.post_depth}, {"flange", &b.post_flange}}, false);
              b.has_posts = true;
            }
          if (n["top_rail"])
            {
              b.top_rail_width = 100;
              group("top_rail", b.top_rail, &b.walls, {{"width", &b.top_rail_width}}, false);
            }
          b.hinge_depth = 120;
          group("hinges", b.bracket, &b.sill, {{"depth", &b.hinge_depth}}, false);
          b.ram_station = b.length / 4, b.ram_depth = 250;
          Gauge ram;
          group("ram", ram, &b.bracket, {{"station", &b.ram_station}, {"depth", &b.ram_depth}}, false);
          const std::string pos = text(n, path, "position", false);
          if (pos == "tipping")
            b.tipping = true;
          else if (!pos.empty() && pos != "transport")
            error(n["position"], path + ".position",
                  "unknown position \"" + pos + "\"" + suggestion(pos, {"transport", "tipping"}));
        }
      if (const YAML::Node m = n["mounting"]; m && is_map(m, path + ".mounting"))
        {
          check_keys(m, path + ".mounting", {"stations", "length"});
          for_each_in_list(m["stations"], path + ".mounting.stations",
                           [&](const YAML::Node &e, const std::string &k) {
                             bool ok;
                             const double x = number(e, k, Quantity::length, ok);
                             if (ok && !(x >= 0 && x <= b.length))
                               error(e, k, "a mounting point must lie under the body (0 to length)");
                             b.mount_stations.push_back(x);
                           });
          b.mount_length = positive(m, path + ".mounting", "length", Quantity::length, max_dimension_mm, &b.mount_length);
        }
    }

    void Reader::read_support(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "supports." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, {"edges", "edge", "box", "plane", "fix", "symmetry", "region"});
      SupportSpec s;
      s.name  = name;
      s.where = where(n, path);
      int regions = 0;
      for (const char *k : {"edges", "edge", "box", "plane", "symmetry", "region"})
        regions += n[k] ? 1 : 0;
      if (regions != 1)
        {
          error(n, path,
                "needs exactly one region: edges, edge, box, plane, symmetry (a plane), or region "
                "(one a body defines, e.g. saddles)");
          return;
        }
      if (n["region"])
        {
          s.named_region = text(n, path, "region");
          references_.push_back({"region", s.named_region, where(n["region"], path), path + ".region"});
        }
      if (n["region"])
        ;
      else if (n["edges"] || n["edge"])
        {
          const char *k = n["edges"] ? "edges" : "edge";
          s.region.kind = RegionSpec::Kind::edges;
          const YAML::Node e = n[k];
          if (e.IsScalar())
            s.region.edges.push_back(e.Scalar());
          else if (e.IsSequence())
            for (std::size_t i = 0; i < e.size(); ++i)
              s.region.edges.push_back(e[i].IsScalar() ? e[i].Scalar() : std::string());
          else
            error(e, path + "." + k, "must be an edge name such as plate.edge1, or a list of them");
          for (const auto &name_ : s.region.edges)
            references_.push_back({"edge", name_, where(e, path), path + "." + k});
        }
      else if (n["box"])
        {
          const YAML::Node b = n["box"];
          s.region.kind      = RegionSpec::Kind::box;
          if (is_map(b, path + ".box"))
            {
              check_keys(b, path + ".box", {"min", "max"});
              s.region.box_min = required_vector(b, path + ".box", "min", Quantity::length);
              s.region.box_max = required_vector(b, path + ".box", "max", Quantity::length);
              for (unsigned i = 0; i < 3; ++i)
                if (s.region.box_min[i] > s.region.box_max[i])
                  {
                    error(b, path + ".box", "min must not exceed max in any coordinate");
                    break;
                  }
            }
        }
      else
        {
          const bool        symmetry = n["symmetry"].IsDefined();
          const char       *k        = symmetry ? "symmetry" : "plane";
          const YAML::Node  pl       = n[k];
          const std::string pp       = path + "." + k;
          s.region.kind              = RegionSpec::Kind::plane;
          if (is_map(pl, pp))
            {
              check_keys(pl, pp, {"point", "normal", "tolerance"});
              s.region.plane_point  = required_vector(pl, pp, "point", Quantity::length);
              s.region.plane_normal = direction(pl, pp, "normal", {0, 0, 1}, true);
              const double zero     = 0;
              s.region.tolerance =
                pl["tolerance"] ? positive(pl, pp, "tolerance", Quantity::length) : zero;
              if (symmetry)
                {
                  if (n["fix"])
                    error(n["fix"], path + ".fix",
                          "a symmetry support fixes the normal component itself; remove fix");
                  int axis = -1;
                  for (unsigned i = 0; i < 3; ++i)
                    if (std::abs(std::abs(s.region.plane_normal[i]) - 1) < 1e-9)
                      axis = static_cast<int>(i);
                  if (axis < 0)
                    error(pl["normal"], pp + ".normal",
                          "a symmetry plane must be normal to x, y or z");
                  else
                    s.fixed[axis] = true;
                }
            }
        }
      if (!n["symmetry"])
        {
          const YAML::Node f = n["fix"];
          if (!f)
            error(n, path + ".fix", "is required: [x, y, z], a subset, or all");
          else if (f.IsScalar() && f.Scalar() == "all")
            s.fixed = {true, true, true};
          else
            {
              std::vector<std::string> comps;
              if (f.IsScalar())
                comps.push_back(f.Scalar());
              else if (f.IsSequence())
                for (std::size_t i = 0; i < f.size(); ++i)
                  comps.push_back(f[i].IsScalar() ? f[i].Scalar() : "?");
              for (const auto &cname : comps)
                {
                  if (cname == "x")
                    s.fixed[0] = true;
                  else if (cname == "y")
                    s.fixed[1] = true;
                  else if (cname == "z")
                    s.fixed[2] = true;
                  else
                    error(f, path + ".fix",
                          "unknown component \"" + cname + "\" (use x, y, z or all)");
                }
              if (comps.empty())
                error(f, path + ".fix", "must name components: [x, y, z], a subset, or all");
            }
        }
      c.supports.push_back(s);
    }

    void Reader::read_load_case(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "load_cases." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, {"description", "acceleration", "pressures", "hydrostatic",
                           "edge_forces", "point_forces", "distributed_forces", "supports",
                           "max_deflection"});
      LoadCaseSpec lc;
      lc.name  = name;
      lc.where = where(n, path);
      lc.description = text(n, path, "description", false);
      if (n["acceleration"])
        lc.acceleration = vector(n["acceleration"], path + ".acceleration", Quantity::acceleration);
      if (n["max_deflection"])
        lc.max_deflection = positive(n, path, "max_deflection", Quantity::length);
      if (const YAML::Node sn = n["supports"])
        {
          if (!sn.IsSequence() || sn.size() == 0)
            error(sn, path + ".supports", "must be a non-empty list of support names");
          else
            for (std::size_t i = 0; i < sn.size(); ++i)
              {
                const std::string k = path + ".supports[" + std::to_string(i) + "]";
                if (!sn[i].IsScalar())
                  error(sn[i], k, "must be a support name");
                else
                  {
                    lc.supports.push_back(sn[i].Scalar());
                    references_.push_back({"support", sn[i].Scalar(), where(sn[i], k), k});
                  }
              }
        }
      for_each_in_list(n["distributed_forces"], path + ".distributed_forces",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, {"surface", "force", "box"});
                         DistributedForce d;
                         d.where   = where(e, k);
                         d.surface = text(e, k, "surface");
                         d.force   = required_vector(e, k, "force", Quantity::force);
                         if (const YAML::Node b = e["box"]; b && is_map(b, k + ".box"))
                           {
                             check_keys(b, k + ".box", {"min", "max"});
                             d.in_box  = true;
                             d.box_min = required_vector(b, k + ".box", "min", Quantity::length);
                             d.box_max = required_vector(b, k + ".box", "max", Quantity::length);
                           }
                         if (norm(d.force) == 0)
                           error(e, k + ".force", "must not be zero");
                         references_.push_back({"surface", d.surface, where(e, k), k + ".surface"});
                         lc.distributed.push_back(d);
                       });

      for_each_in_list(n["pressures"], path + ".pressures",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, {"surface", "value"});
                         PressureLoad p;
                         p.where    = where(e, k);
                         p.surface  = text(e, k, "surface");
                         p.pressure = quantity(e, k, "value", Quantity::pressure);
                         references_.push_back({"surface", p.surface, where(e, k), k + ".surface"});
                         lc.pressures.push_back(p);
                       });
      for_each_in_list(n["hydrostatic"], path + ".hydrostatic",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, {"surface", "density", "level", "filling", "gravity"});
                         HydrostaticLoad h;
                         h.where   = where(e, k);
                         h.surface = text(e, k, "surface");
                         h.density = positive(e, k, "density", Quantity::density, 1e-7);
                         if (e["filling"])
                           {
                             if (e["level"])
                               error(e, k, "give either level or filling, not both");
                             h.filling = quantity(e, k, "filling", Quantity::dimensionless);
                             if (!(h.filling > 0 && h.filling <= 1))
                               error(e["filling"], k + ".filling", "must be more than 0 and at most 100 %");
                           }
                         else if (e["level"] && e["level"].IsScalar() && e["level"].Scalar() == "full")
                           h.full = true;
                         else
                           h.level = quantity(e, k, "level", Quantity::length);
                         const Vec3 g{0, 0, -units::standard_gravity};
                         h.gravity = required_vector(e, k, "gravity", Quantity::acceleration, &g);
                         if (norm(h.gravity) == 0)
                           error(e, k + ".gravity", "must not be zero");
                         references_.push_back({"surface", h.surface, where(e, k), k + ".surface"});
                         lc.hydrostatic.push_back(h);
                       });
      for_each_in_list(n["edge_forces"], path + ".edge_forces",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, {"edge", "force_per_length"});
                         EdgeLoad l;
                         l.where = where(e, k);
                         l.edge  = text(e, k, "edge");
                         l.force_per_length =
                           required_vector(e, k, "force_per_length", Quantity::force_per_length);
                         references_.push_back({"edge", l.edge, where(e, k), k + ".edge"});
                         lc.edge_loads.push_back(l);
                       });
      for_each_in_list(n["point_forces"], path + ".point_forces",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, {"point", "force"});
                         PointLoad l;
                         l.where = where(e, k);
                         l.point = required_vector(e, k, "point", Quantity::length);
                         l.force = required_vector(e, k, "force", Quantity::force);
                         lc.point_loads.push_back(l);
                       });
      if (norm(lc.acceleration) == 0 && lc.pressures.empty() && lc.hydrostatic.empty() &&
          lc.edge_loads.empty() && lc.point_loads.empty() && lc.distributed.empty())
        error(n, path,
              "applies no load (give acceleration, pressures, hydrostatic, edge_forces, "
              "point_forces or distributed_forces)");
      c.load_cases.push_back(lc);
    }

    void Reader::check_references(const Case &c, const YAML::Node &root)
    {
      (void)root;
      std::vector<std::string> part_names;
      for (const auto &p : c.parts)
        part_names.push_back(p.name);
      for (const auto &r : references_)
        {
          if (r.kind == "support")
            {
              std::vector<std::string> names;
              for (const auto &sp : c.supports)
                names.push_back(sp.name);
              if (std::find(names.begin(), names.end(), r.name) == names.end())
                diag_.add(r.where, r.key, "no support named \"" + r.name + "\"" + suggestion(r.name, names));
              continue;
            }
          if (r.kind == "region")
            {
              if (!c.named_regions.count(r.name))
                {
                  std::vector<std::string> names;
                  for (const auto &[k, v] : c.named_regions)
                    names.push_back(k);
                  diag_.add(r.where, r.key,
                            "no region named \"" + r.name + "\"" +
                              (names.empty() ? std::string(" (only a body defines regions)")
                                             : suggestion(r.name, names)));
                }
              continue;
            }
          if (r.kind == "surface" && c.named_surfaces.count(r.name))
            continue;
          const auto dot_at = r.name.rfind('.');
          if (dot_at == std::string::npos)
            {
              diag_.add(r.where, r.key,
                        "\"" + r.name + "\" must be written part." +
                          (r.kind == "edge" ? "edge (e.g. plate.edge1)" : "side (e.g. plate.top)"));
              continue;
            }
          const std::string part = r.name.substr(0, dot_at), what = r.name.substr(dot_at + 1);
          const PartSpec   *p    = c.find_part(part);
          if (!p)
            {
              diag_.add(r.where, r.key,
                        "no part named \"" + part + "\"" + suggestion(part, part_names));
              continue;
            }
          const std::vector<std::string> names =
            r.kind == "edge" ? edge_names(*p) : std::vector<std::string>{"top", "bottom"};
          if (std::find(names.begin(), names.end(), what) == names.end())
            diag_.add(r.where, r.key,
                      "part \"" + part + "\" has no " + r.kind + " \"" + what + "\"" +
                        suggestion(what, names));
        }
      for (const auto &p : c.parts)
        if (!p.material.empty() && !c.user_materials.count(p.material) &&
            !library_material(p.material, p.thickness))
          {
            std::vector<std::string> known = library_material_names();
            for (const auto &m : c.user_materials)
              known.push_back(m.first);
            diag_.add(p.where, "parts." + p.name + ".material",
                      "unknown material \"" + p.material + "\"" + suggestion(p.material, known));
          }
    }

    Case Reader::read(const YAML::Node &root)
    {
      Case c;
      c.file = file_;
      if (!root.IsMap())
        {
          diag_.add({file_, 1, 1}, "", "a case file must be a mapping of keys (parts, supports, "
                                       "load_cases, ...)");
          diag_.throw_if_any();
        }
      check_keys(root, "", {"case", "description", "mesh", "materials", "parts", "supports",
                            "load_cases", "probes", "include", "body", "criteria",
                            "design_loads"});
      const bool has_body = root["body"].IsDefined();
      c.name        = text(root, "", "case", false);
      c.description = text(root, "", "description", false);
      if (root["case"])
        {
          if (const std::string why = case_name_problem(c.name); !why.empty())
            error(root["case"], "case", "\"" + c.name + "\" " + why);
        }
      else
        {
          std::string stem = file_.substr(file_.find_last_of('/') + 1);
          c.name           = stem.substr(0, stem.find_last_of('.'));
          if (const std::string why = case_name_problem(c.name); !why.empty())
            diag_.add({file_, 1, 1}, "case",
                      "the case name taken from the file name, \"" + c.name + "\", " + why +
                        "; give one with `case: NAME`");
        }
      if (root["mesh"])
        read_mesh(root["mesh"], c.mesh);

      auto each = [&](const char *key, bool required, auto f) {
        const YAML::Node n = root[key];
        if (!n)
          {
            if (required)
              diag_.add({file_, 1, 1}, key, "is required");
            return;
          }
        if (!n.IsMap() || n.size() == 0)
          {
            error(n, key, "must be a non-empty mapping of names to definitions");
            return;
          }
        for (const auto &kv : n)
          if (!key_text(kv.first).empty())
            f(key_text(kv.first), kv.second);
          else
            error(kv.first, key, "a name must be plain text, not a list or mapping");
      };
      each("materials", false,
           [&](const std::string &k, const YAML::Node &v) { read_material(k, v, c); });
      if (has_body)
        {
          const YAML::Node body = root["body"];
          if (is_map(body, "body"))
            {
              check_keys(body, "body", {"tank", "box", "tipper"});
              if (body.size() != 1)
                error(body, "body", "must name exactly one body: tank, box or tipper");
              else if (body["tank"])
                read_tank(body["tank"], c);
              else if (body["box"])
                read_frame_body(body["box"], c, FrameBodySpec::Kind::box);
              else if (body["tipper"])
                read_frame_body(body["tipper"], c, FrameBodySpec::Kind::tipper);
            }
        }
      each("parts", !has_body, [&](const std::string &k, const YAML::Node &v) { read_part(k, v, c); });
      each("supports", !has_body,
           [&](const std::string &k, const YAML::Node &v) { read_support(k, v, c); });
      if (root["design_loads"])
        read_design_loads(root["design_loads"], c);
      each("load_cases", !root["design_loads"],
           [&](const std::string &k, const YAML::Node &v) { read_load_case(k, v, c); });
      if (const YAML::Node cr = root["criteria"]; cr && is_map(cr, "criteria"))
        read_criteria(cr, c);
      each("probes", false, [&](const std::string &k, const YAML::Node &v) {
        ProbeSpec p;
        p.name  = k;
        p.where = where(v, "probes." + k);
        p.point = vector(v, "probes." + k, Quantity::length);
        c.probes.push_back(p);
      });
      // A body becomes parts only when its own values are sound.
      if ((c.has_tank || c.has_frame_body) && diag_.empty())
        {
          const std::size_t own = c.parts.size();
          if (c.has_tank)
            expand_tank(c, where(root["body"], "body"));
          else
            expand_frame_body(c, where(root["body"], "body"));
          // Parts written by hand join the body's; their names must not collide.
          for (std::size_t i = 0; i < own; ++i)
            for (std::size_t j = own; j < c.parts.size(); ++j)
              if (c.parts[i].name == c.parts[j].name)
                diag_.add(c.parts[i].where, "parts." + c.parts[i].name,
                          "this name is taken by a part of the body");
        }
      // Templates need the body's surfaces and dimensions.
      if (c.design_loads.kind != DesignLoadsSpec::Template::none && diag_.empty())
        {
          try
            {
              expand_design_loads(c);
            }
          catch (const InputError &e)
            {
              for (const auto &d : e.diagnostics())
                diag_.add(d.where, d.key, d.message);
            }
        }
      check_load_case_names(c);
      check_references(c, root);
      diag_.throw_if_any();
      return c;
    }

    // Each load case writes <file_stem(name)>.vtu: names must be short and give distinct files.
    void Reader::check_load_case_names(const Case &c)
    {
      std::map<std::string, const LoadCaseSpec *> by_file;
      for (const auto &lc : c.load_cases)
        {
          const std::string key = "load_cases." + lc.name;
          if (lc.name.size() > max_name_length)
            diag_.add(lc.where, key, "the name is longer than " + std::to_string(max_name_length) +
                                       " characters");
          const auto [it, fresh] = by_file.emplace(file_stem(lc.name), &lc);
          if (!fresh)
            diag_.add(lc.where, key,
                      "\"" + lc.name + "\" and \"" + it->second->name + "\" would both be written to " +
                        it->first + ".vtu; rename one (letters, digits, '-', '_' and '.' are kept, "
                        "anything else becomes '_')");
        }
    }

    void Reader::read_criteria(const YAML::Node &cr, Case &c)
    {
        {
          check_keys(cr, "criteria", {"allowable", "safety_factor", "haz_width", "max_deflection"});
          c.criteria.given      = true;
          const std::string rule = text(cr, "criteria", "allowable", false);
          if (rule == "adr")
            c.criteria.rule = CriteriaSpec::Rule::adr;
          else if (rule.empty() || rule == "proof")
            c.criteria.rule = CriteriaSpec::Rule::proof;
          else
            error(cr["allowable"], "criteria.allowable",
                  "unknown rule \"" + rule + "\"" + suggestion(rule, {"adr", "proof"}));
          const double sf = c.criteria.safety_factor;
          c.criteria.safety_factor = quantity(cr, "criteria", "safety_factor", Quantity::dimensionless, &sf);
          if (!(c.criteria.safety_factor >= 1))
            error(cr["safety_factor"], "criteria.safety_factor", "must be at least 1");
          if (cr["haz_width"])
            c.criteria.haz_width = positive(cr, "criteria", "haz_width", Quantity::length);
          if (cr["max_deflection"])
            c.criteria.max_deflection = positive(cr, "criteria", "max_deflection", Quantity::length);
        }
    }

    void Reader::read_design_loads(const YAML::Node &n, Case &c)
    {
      const std::string path = "design_loads";
      if (!is_map(n, path))
        return;
      DesignLoadsSpec &d = c.design_loads;
      d.where            = where(n, path);
      const std::string t = text(n, path, "template");
      if (t == "adr")
        {
          d.kind = DesignLoadsSpec::Template::adr;
          check_keys(n, path, {"template", "density", "filling", "calculation_pressure",
                               "test_pressure", "down_includes_gravity"});
          d.density = positive(n, path, "density", Quantity::density, 1e-7);
          if (n["filling"])
            {
              d.filling = quantity(n, path, "filling", Quantity::dimensionless);
              if (!(d.filling > 0 && d.filling <= 1))
                error(n["filling"], path + ".filling", "must be more than 0 and at most 100 %");
            }
          if (const YAML::Node p = n["calculation_pressure"]; p && !(p.IsScalar() && p.Scalar() == "G"))
            {
              d.calculation_pressure   = positive(n, path, "calculation_pressure", Quantity::pressure, 100);
            }
          if (n["test_pressure"])
            d.test_pressure = positive(n, path, "test_pressure", Quantity::pressure, 100);
          d.down_includes_gravity = flag(n, path, "down_includes_gravity", true);
        }
      else if (t == "en12642")
        {
          d.kind = DesignLoadsSpec::Template::en12642;
          check_keys(n, path, {"template", "code", "payload", "vertical_factor", "braking", "cornering"});
          const std::string code = text(n, path, "code");
          if (code == "XL")
            d.code_xl = true;
          else if (code != "L" && n["code"])
            error(n["code"], path + ".code", "must be L or XL");
          d.payload         = positive(n, path, "payload", Quantity::mass, 1000);
          d.vertical_factor = factor(n, path, "vertical_factor", d.vertical_factor);
          d.braking         = factor(n, path, "braking", d.braking);
          d.cornering       = factor(n, path, "cornering", d.cornering);
        }
      else if (t == "tipper")
        {
          d.kind = DesignLoadsSpec::Template::tipper;
          check_keys(n, path, {"template", "density", "friction_angle", "lateral_coefficient",
                               "payload", "vertical_factor", "braking"});
          d.density = positive(n, path, "density", Quantity::density, 1e-7);
          if (n["lateral_coefficient"])
            {
              d.lateral_coefficient = positive(n, path, "lateral_coefficient", Quantity::dimensionless, 10);
              if (n["friction_angle"])
                error(n, path, "give either friction_angle or lateral_coefficient, not both");
            }
          else
            {
              d.friction_angle = positive(n, path, "friction_angle", Quantity::angle, 1.5);
              if (n["friction_angle"] && !(d.friction_angle < M_PI / 2))
                error(n["friction_angle"], path + ".friction_angle", "must be less than 90 degrees");
            }
          if (n["payload"])
            d.payload = positive(n, path, "payload", Quantity::mass, 1000);
          d.vertical_factor = factor(n, path, "vertical_factor", d.vertical_factor);
          d.braking         = factor(n, path, "braking", d.braking);
        }
      else if (n["template"])
        error(n["template"], path + ".template",
              "unknown template \"" + t + "\"" + suggestion(t, design_load_template_names()));
    }

    YAML::Node load_yaml(const std::string &text, const std::string &name);

    // Walks a dotted key path, creating maps where needed, and sets the value.
    void apply_override(YAML::Node &root, const Override &o, const std::string &file)
    {
      std::vector<std::string> parts;
      std::stringstream        ss(o.key);
      std::string              item;
      while (std::getline(ss, item, '.'))
        parts.push_back(item);
      if (parts.empty() || std::any_of(parts.begin(), parts.end(),
                                       [](const std::string &s) { return s.empty(); }))
        throw InputError({file + " (--set " + o.key + ")", 0, 0}, o.key, "is not a valid key path");
      const SourceLocation at{file + " (--set " + o.key + ")", 0, 0};
      YAML::Node           value;
      try
        {
          value = load_yaml(o.value, at.file);
        }
      catch (const InputError &e)
        {
          throw InputError(at, o.key, "value \"" + o.value + "\": " + e.diagnostics().front().message);
        }
      // A list item is named by its index: a whole number within the list.
      auto index = [&](const std::string &part, const YAML::Node &list) {
        const bool digits = !part.empty() && part.size() < 10 &&
                            std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (!digits)
          throw InputError(at, o.key, "\"" + part + "\" names an item of a list: give its index (0, 1, ...)");
        const std::size_t i = std::stoul(part);
        if (i >= list.size())
          throw InputError(at, o.key, "index " + part + " is past the end of the list (it has " +
                                        std::to_string(list.size()) + " items)");
        return i;
      };
      YAML::Node cur = root;
      for (std::size_t i = 0; i + 1 < parts.size(); ++i)
        {
          YAML::Node next;
          if (cur.IsSequence())
            next.reset(cur[index(parts[i], cur)]);
          else
            {
              if (!cur[parts[i]])
                cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
              next.reset(cur[parts[i]]);
            }
          cur.reset(next);
        }
      if (cur.IsSequence())
        cur[index(parts.back(), cur)] = value;
      else if (cur.IsMap() || cur.IsNull())
        cur[parts.back()] = value;
      else
        throw InputError(at, o.key, "cannot set a key inside a single value");
    }

    // Values a file may expand to through YAML aliases, and how deep it may nest: far above any
    // body, far below what exhausts the memory ("billion laughs").
    constexpr std::size_t max_yaml_values = 1000000;
    constexpr int         max_yaml_depth  = 64;

    // Tags a case file may carry: none, or the core schema's own.
    bool plain_tag(const std::string &tag)
    {
      static const std::set<std::string> core = {
        "", "?", "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq"};
      return core.count(tag) > 0;
    }

    // What the YAML library accepts silently but a case file must not have: a key given twice
    // in one mapping (the library keeps the first), tags other than the core ones, and aliases
    // that expand beyond any sensible size.
    void check_yaml_tree(const YAML::Node &n, const std::string &file, const std::string &path,
                         int depth, std::size_t &values, DiagnosticList &diag)
    {
      auto at = [&](const YAML::Node &x) {
        const YAML::Mark m = x.Mark();
        return m.is_null() ? SourceLocation{file, 0, 0}
                           : SourceLocation{file, m.line + 1, m.column + 1};
      };
      if (++values > max_yaml_values)
        throw InputError(at(n), path, "the file expands to more than " +
                                        std::to_string(max_yaml_values) +
                                        " values (YAML aliases that repeat each other?)");
      if (depth > max_yaml_depth)
        throw InputError(at(n), path, "nested deeper than " + std::to_string(max_yaml_depth) + " levels");
      if (!plain_tag(n.Tag()))
        diag.add(at(n), path, "the YAML tag \"" + n.Tag() + "\" is not accepted in a case file");
      if (n.IsSequence())
        for (std::size_t i = 0; i < n.size(); ++i)
          check_yaml_tree(n[i], file, path + "[" + std::to_string(i) + "]", depth + 1, values, diag);
      else if (n.IsMap())
        {
          std::map<std::string, YAML::Mark> seen;
          for (const auto &kv : n)
            {
              const std::string k = key_text(kv.first);
              const std::string p = path.empty() ? k : path + "." + k;
              if (!k.empty())
                {
                  const auto [it, fresh] = seen.emplace(k, kv.first.Mark());
                  if (!fresh)
                    diag.add(at(kv.first), p,
                             "given twice (first on line " + std::to_string(it->second.line + 1) +
                               "); remove one");
                }
              check_yaml_tree(kv.first, file, p, depth + 1, values, diag);
              check_yaml_tree(kv.second, file, p, depth + 1, values, diag);
            }
        }
    }

    // One YAML document, checked as above. `name` stands for the file in messages.
    YAML::Node load_yaml(const std::string &text, const std::string &name)
    {
      const auto nul = text.find('\0');
      if (nul != std::string::npos)
        throw InputError({name, 1 + static_cast<int>(std::count(text.begin(), text.begin() + nul, '\n')), 1},
                         "", "the file contains a NUL byte: it is not a text file");
      std::vector<YAML::Node> docs;
      try
        {
          docs = YAML::LoadAll(text);
        }
      catch (const YAML::Exception &e)
        {
          throw InputError({name, e.mark.line + 1, e.mark.column + 1}, "",
                           "YAML syntax error: " + e.msg);
        }
      // A trailing "---" gives an empty document; anything more is a second case.
      while (docs.size() > 1 && docs.back().IsNull())
        docs.pop_back();
      if (docs.size() > 1)
        {
          const YAML::Mark m = docs[1].Mark();
          throw InputError({name, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1}, "",
                           "a second YAML document (after \"---\"): a case file holds one case");
        }
      YAML::Node     root = docs.empty() ? YAML::Node() : docs.front();
      DiagnosticList diag;
      std::size_t    values = 0;
      check_yaml_tree(root, name, "", 0, values, diag);
      diag.throw_if_any();
      return root;
    }

    // Copies src into dst key by key; maps merge, anything else is replaced. Records the file of
    // every replaced value.
    void merge_into(YAML::Node dst, const YAML::Node &src, const std::string &path,
               const Origins &src_origins, const std::string &src_file, Origins &origins)
    {
      for (const auto &kv : src)
        {
          const std::string key = key_text(kv.first);
          if (key.empty())
            continue; // reported by the reader's key check
          const std::string p   = path.empty() ? key : path + "." + key;
          // Looked up through a const node: the non-const operator[] would add an empty entry.
          const YAML::Node existing = static_cast<const YAML::Node &>(dst)[key];
          if (existing && existing.IsMap() && kv.second.IsMap())
            {
              merge_into(existing, kv.second, p, src_origins, src_file, origins);
              continue;
            }
          // Inserted with the source's own key node, so that messages about the key give its
          // file and line.
          if (existing)
            dst.remove(key);
          dst.force_insert(kv.first, kv.second);
          for (auto it = origins.lower_bound(p); it != origins.end() && it->first.rfind(p, 0) == 0;)
            it = origins.erase(it);
          origins[p] = origin_file(src_origins, p, src_file);
          for (auto it = src_origins.lower_bound(p + ".");
               it != src_origins.end() && it->first.rfind(p + ".", 0) == 0; ++it)
            origins[it->first] = it->second;
        }
    }

    // A case with its includes resolved: `include: [a.yaml, b.yaml]` (paths relative to the
    // including file) are merged in order, then the including file's own values override them.
    YAML::Node resolve_includes(const YAML::Node &root, const std::string &file,
                                std::vector<std::string> &chain, Origins &origins,
                                std::vector<std::string> &files)
    {
      if (!root.IsMap() || !root["include"])
        return root;
      const YAML::Node inc = root["include"];
      std::vector<YAML::Node> names;
      if (inc.IsScalar())
        names.push_back(inc);
      else if (inc.IsSequence())
        for (std::size_t i = 0; i < inc.size(); ++i)
          names.push_back(inc[i]);
      else
        throw InputError({file, inc.Mark().line + 1, inc.Mark().column + 1}, "include",
                         "must be a file name or a list of file names");
      const std::string dir =
        file.find('/') == std::string::npos ? std::string() : file.substr(0, file.rfind('/') + 1);
      YAML::Node merged(YAML::NodeType::Map);
      Origins    merged_origins;
      for (const auto &n : names)
        {
          const SourceLocation at{file, n.Mark().line + 1, n.Mark().column + 1};
          if (!n.IsScalar())
            throw InputError(at, "include", "must be a file name");
          const std::string path = (n.Scalar().size() && n.Scalar()[0] == '/') ? n.Scalar()
                                                                                 : dir + n.Scalar();
          const std::string canonical = [&] {
            std::error_code ec;
            const auto      c = std::filesystem::weakly_canonical(path, ec);
            return ec ? path : c.string();
          }();
          if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
            {
              std::string cycle;
              for (const auto &c : chain)
                cycle += c + " -> ";
              throw InputError(at, "include", "\"" + n.Scalar() + "\" includes itself (" + cycle +
                                                  canonical + ")");
            }
          std::error_code ec;
          if (!std::filesystem::exists(path, ec) && !ec)
            throw InputError(at, "include", "included file \"" + path + "\" does not exist");
          chain.push_back(canonical);
          files.push_back(path);
          Origins    child_origins;
          YAML::Node child = resolve_includes(load_yaml(read_input_file(path, "included file"), path),
                                              path, chain, child_origins, files);
          chain.pop_back();
          if (!child.IsMap())
            throw InputError({path, 1, 1}, "", "an included file must be a mapping of keys");
          merge_into(merged, child, "", child_origins, path, merged_origins);
        }
      YAML::Node own(YAML::NodeType::Map);
      for (const auto &kv : root)
        if (key_text(kv.first) != "include")
          own.force_insert(kv.first, kv.second);
      merge_into(merged, own, "", {}, file, merged_origins);
      origins = merged_origins;
      return merged;
    }

    Case read_document(const YAML::Node &root_in, const std::string &name,
                       const std::vector<Override> &overrides)
    {
      Origins                  origins;
      std::vector<std::string> chain{[&] {
        std::error_code ec;
        const auto      c = std::filesystem::weakly_canonical(name, ec);
        return ec ? name : c.string();
      }()};
      std::vector<std::string> files{name};
      YAML::Node root = resolve_includes(root_in, name, chain, origins, files);
      for (const auto &o : overrides)
        try
          {
            apply_override(root, o, name);
          }
        catch (const YAML::Exception &e)
          {
            throw InputError({name + " (--set)", 0, 0}, o.key, "cannot be set here: " + e.msg);
          }
      std::vector<std::string> keys;
      for (const auto &o : overrides)
        keys.push_back(o.key);
      Reader reader(name, keys, origins);
      Case   c;
      try
        {
          c = reader.read(root);
        }
      catch (const YAML::Exception &e)
        {
          // Anything the checks above did not foresee still comes out as an input error.
          throw InputError({name, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
        }
      YAML::Emitter out;
      out << root;
      c.effective_yaml = out.c_str();
      for (const auto &p : c.parts)
        if (p.kind == SurfaceKind::gmsh)
          files.push_back(p.gmsh_file);
      c.input_files = files;
      return c;
    }
  } // namespace

  Material Case::material_of(const PartSpec &part) const
  {
    const auto it = user_materials.find(part.material);
    if (it != user_materials.end())
      return it->second;
    if (auto m = library_material(part.material, part.thickness))
      return *m;
    throw InputError(part.where, "parts." + part.name + ".material",
                     "unknown material \"" + part.material + "\"");
  }

  const PartSpec *Case::find_part(const std::string &name) const
  {
    for (const auto &p : parts)
      if (p.name == name)
        return &p;
    return nullptr;
  }

  std::vector<std::string> edge_names(const PartSpec &part)
  {
    switch (part.kind)
      {
        case SurfaceKind::quad:
          return {"edge1", "edge2", "edge3", "edge4"};
        case SurfaceKind::cylinder:
          if (part.full_circle)
            return {"start", "end"};
          return {"start", "end", "side_start", "side_end"};
        case SurfaceKind::disc:
          if (part.inner_radius == 0)
            return {"outer"};
          if (part.full_circle)
            return {"outer", "inner"};
          return {"outer", "inner", "side_start", "side_end"};
        case SurfaceKind::head:
        case SurfaceKind::section_head:
          return {"rim"};
        case SurfaceKind::section_shell:
          return {"start", "end"};
        case SurfaceKind::section_plate:
          return part.opening > 0 ? std::vector<std::string>{"outer", "inner"}
                                  : std::vector<std::string>{"outer"};
        case SurfaceKind::section_ring:
          return {"outer", "inner"};
        case SurfaceKind::gmsh:
          return {"boundary"};
      }
    return {};
  }

  std::string file_stem(const std::string &name)
  {
    std::string s;
    for (char ch : name)
      s += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')
             ? ch
             : '_';
    return s.empty() ? std::string("load_case") : s;
  }

  std::string case_name_problem(const std::string &name)
  {
    if (name.empty())
      return "is empty";
    if (name.size() > max_name_length)
      return "is longer than " + std::to_string(max_name_length) + " characters";
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
      return "contains a path separator: a case name is a name, not a path";
    if (name[0] == '.')
      return "starts with a dot (\".\" and \"..\" are folders, a leading dot hides a folder)";
    for (char ch : name)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
        return "contains a control character";
    return "";
  }

  Override parse_override(const std::string &argument)
  {
    const auto eq = argument.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError({"--set", 0, 0}, argument, "must be KEY=VALUE, e.g. parts.floor.thickness=\"6 mm\"");
    return {argument.substr(0, eq), argument.substr(eq + 1)};
  }

  Case read_case_from_string(const std::string &yaml, const std::string &name,
                             const std::vector<Override> &overrides)
  {
    return read_document(load_yaml(yaml, name), name, overrides);
  }

  Case read_case(const std::string &path, const std::vector<Override> &overrides)
  {
    return read_case_from_string(read_input_file(path, "case file"), path, overrides);
  }
} // namespace lightbody
