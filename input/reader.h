#pragma once
// The case reader's machinery, shared by the readers of each section (case_reader.cc), of parts
// (part_reader.cc), of bodies (body_reader.cc), of design_loads (design_loads_reader.cc) and by
// the YAML document handling (yaml_document.cc: strict loading, includes, --set). Private to
// input/.
#include "input/case_reader.h"
#include "input/keys.h"
#include "input/units.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lightbody
{
  namespace reading
  {
    // Plausibility bounds for a vehicle body, in mm: catch "5 m" typed for "5 mm" and the like.
    constexpr double max_thickness_mm   = 2000.0; // beyond: not a wall
    constexpr double usual_thickness_mm = 100.0;  // beyond: a warning
    constexpr double max_dimension_mm   = 50000.0;
    // Case and load-case names become file and folder names.
    constexpr std::size_t max_name_length = 100;

    using lightbody::in_user_units;

    // The text of a mapping key; keys that are lists or maps give "" (reported where read).
    inline std::string key_text(const YAML::Node &key)
    {
      return key.IsScalar() ? key.Scalar() : std::string();
    }

    // Which file each value came from, by dotted key path ("parts.floor.thickness"); a path
    // not listed inherits from its longest listed prefix.
    using Origins = std::map<std::string, std::string>;

    // "a.b[0].c" -> "a.b.0.c"
    inline std::string dotted(const std::string &key)
    {
      std::string d;
      for (char ch : key)
        if (ch == '[')
          d += '.';
        else if (ch != ']')
          d += ch;
      return d;
    }

    inline std::string origin_file(const Origins &origins, const std::string &path,
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
      {
      }

      Case read(const YAML::Node &root);
      void check_load_case_names(const Case &c);
      void warn_if_unusual(const YAML::Node &n, const std::string &path, const Material &m,
                           Case &c);

    private:
      std::string              file_;
      std::vector<std::string> override_keys_; // values that came from --set
      Origins                  origins_;       // values that came from included files
      DiagnosticList           diag_;
      std::vector<Diagnostic>  unusual_; // legal values beyond the usual: warnings of the case
      // The case's own materials (materials:), once read.
      const std::map<std::string, Material> *user_materials_ = nullptr;
      // Unknown materials already named where they were given (a body member, a pattern of
      // parts): not named again for each part made of them.
      std::set<std::string> unknown_materials_;

      // The override a key's value came from, if any ("a.b[0].c" matches --set a.b.0.c).
      const std::string *override_for(const std::string &key) const
      {
        const std::string d = dotted(key);
        for (const auto &o : override_keys_)
          if (const std::string od = dotted(o); d == od || d.rfind(od + ".", 0) == 0)
            return &o;
        return nullptr;
      }

      SourceLocation where(const YAML::Node &n, const std::string &key) const
      {
        if (const std::string *o = override_for(key))
          return {file_ + " (--set " + *o + ")", 0, 0};
        const std::string file = origin_file(origins_, dotted(key), file_);
        if (!n.IsDefined()) // a key that is not there (yaml-cpp's invalid node has no mark)
          return {file, 0, 0};
        const YAML::Mark m = n.Mark();
        if (m.is_null())
          {
            // A node the command line made (a mapping --set a.b.c created for a.b).
            const std::string d = dotted(key);
            for (const auto &o : override_keys_)
              if (dotted(o).rfind(d + ".", 0) == 0)
                return {file_ + " (--set " + o + ")", 0, 0};
            return {file, 0, 0};
          }
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

      // A positive quantity: above `upper` an error (impossible or a typing slip), above `usual`
      // a warning (physical, but outside what a body is made of).
      double positive(const YAML::Node &parent, const std::string &path, const std::string &name,
                      Quantity q, double upper = max_dimension_mm, const double *fallback = nullptr,
                      double usual = std::numeric_limits<double>::infinity())
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
            else if (v > usual)
              unusual_.push_back({where(n, path + "." + name), path + "." + name,
                                  "\"" + n.Scalar() + "\" is unusually large (more than " +
                                    in_user_units(usual, q) + "); check the value and its unit"});
          }
        return v;
      }

      // A key whose value is one of `choices` (not given: the first); the index of the value.
      std::size_t choice(const YAML::Node &parent, const std::string &path, const std::string &key,
                         const std::vector<std::string> &choices)
      {
        const std::string v = text(parent, path, key, false);
        if (v.empty())
          return 0;
        const auto it = std::find(choices.begin(), choices.end(), v);
        if (it == choices.end())
          {
            error(parent[key], path + "." + key,
                  "unknown value \"" + v + "\"" + suggestion(v, choices));
            return 0;
          }
        return static_cast<std::size_t>(it - choices.begin());
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
                    if (unit.find_first_not_of(" \t") == std::string::npos)
                      return {from_plain_number(c[0], q), from_plain_number(c[1], q),
                              from_plain_number(c[2], q)};
                    const double unit_scale = parse_quantity("1 " + unit, q);
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
      // Whether `material` names one of the case's materials or the library's at `thickness`;
      // if not, the problem is reported at n (key: where it was given).
      bool known_material(const YAML::Node &n, const std::string &key, const std::string &material,
                          double thickness);
      // "unknown material ..." with the names that are known.
      std::string unknown_material(const std::string &material) const;
      void        read_part(const std::string &name, const YAML::Node &n, Case &c);
      // `parts.NAME` of a case with a body: when NAME (a name, or a pattern with * and ?) names
      // parts among the first `body_parts` of c.parts, their material, thickness, layers and
      // mesh size are overridden and true is returned; false for a part of the case's own.
      bool override_body_parts(const std::string &name, const YAML::Node &n, Case &c,
                               std::size_t body_parts);
      void read_tank_section(const YAML::Node &n, const std::string &path, TankSpec &t);
      void read_bulkheads(const YAML::Node &n, const std::string &path, TankSpec &t);
      void read_rings(const YAML::Node &n, const std::string &path, TankSpec &t);
      void read_tank_mounting(const YAML::Node &n, const std::string &path, TankSpec &t);
      void read_elastic_support(const YAML::Node &n, const std::string &path, SupportSpec &s);
      std::vector<std::string> support_names(const YAML::Node &n, const std::string &path);
      void                     read_modal(const YAML::Node &n, Case &c);
      void                     read_buckling(const YAML::Node &n, Case &c);
      void read_gmsh_surface(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void read_quad_surface(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void read_cylinder_surface(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void read_disc_surface(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void read_head_surface(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void read_angles(const YAML::Node &g, const std::string &gp, PartSpec &p);
      void check_thin(const YAML::Node &n, const std::string &path, const PartSpec &p);
      void read_frame(const YAML::Node &n, const std::string &path, PartSpec &p,
                      const char *origin_key, const char *axis_key);
      void read_support(const std::string &name, const YAML::Node &n, Case &c);
      bool read_plane(const YAML::Node &n, const std::string &path, const char *key,
                      RegionSpec &region);
      void read_tank(const YAML::Node &n, Case &c);
      void read_frame_body(const YAML::Node &n, Case &c, FrameBodySpec::Kind kind);
      void check_post_flanges(const YAML::Node &n, const std::string &path, const FrameBodySpec &b);
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

    // One YAML document of a case file, strictly checked: a key given twice, a second
    // document, a NUL byte, foreign tags and aliases that expand without bound are errors.
    // `name` stands for the file in messages.
    YAML::Node load_yaml(const std::string &text, const std::string &name);

    // The whole case: includes resolved, overrides applied, read and validated.
    Case read_document(const YAML::Node &root, const std::string &name,
                       const std::vector<Override> &overrides);
  } // namespace reading
} // namespace lightbody
