#include "input/reader.h"
#include "input/bodies.h"
#include "input/input_file.h"
#include "input/keys.h"
#include "input/templates.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <set>

namespace lightbody
{
  namespace reading
  {
    void Reader::read_mesh(const YAML::Node &n, MeshSettings &mesh)
    {
      if (!is_map(n, "mesh"))
        return;
      check_keys(n, "mesh", keys_of("mesh"));
      mesh.size_mm = positive(n, "mesh", "size", Quantity::length, max_dimension_mm, &mesh.size_mm);
      mesh.layers  = count(n, "mesh", "layers", 1, 8, mesh.layers);
      mesh.max_angle_rad =
        positive(n, "mesh", "max_angle", Quantity::angle, M_PI / 2, &mesh.max_angle_rad);
      mesh.straight_fibres = choice(n, "mesh", "fibres", {"quadratic", "straight"}) == 1;
    }

    void Reader::read_material(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "materials." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, keys_of("materials.NAME"));
      Material m;
      m.name            = name;
      m.E               = positive(n, path, "E", Quantity::pressure, 1e10);
      m.nu              = quantity(n, path, "nu", Quantity::dimensionless);
      m.density         = positive(n, path, "density", Quantity::density, 1e-7);
      m.Rp02            = positive(n, path, "Rp02", Quantity::pressure, 1e6, nullptr, 1e4);
      m.Rm              = positive(n, path, "Rm", Quantity::pressure, 1e6, nullptr, 1e4);
      const double zero = 0;
      m.Rp02_haz        = quantity(n, path, "Rp02_haz", Quantity::pressure, &zero);
      m.Rm_haz          = quantity(n, path, "Rm_haz", Quantity::pressure, &zero);
      m.source          = text(n, path, "source", false);
      if (n["A"])
        {
          m.elongation_percent = 100 * positive(n, path, "A", Quantity::dimensionless, 1e6);
          if (m.elongation_percent > 100)
            error(n["A"], path + ".A", "an elongation is a percentage: write e.g. \"12 %\"");
        }
      m.haz_assumed = !(m.Rp02_haz > 0 && m.Rm_haz > 0);
      m.haz_basis   = m.haz_assumed ? "not given (materials." + name +
                                      ".Rp02_haz, Rm_haz): the base strength is used"
                                    : "given in the case file (materials." + name + ")";
      if ((m.Rp02_haz > 0) != (m.Rm_haz > 0))
        error(n, path, "give both Rp02_haz and Rm_haz, or neither");
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
        {"E", m.E, 40e3, 250e3, Quantity::pressure,
         "aluminium 70 000 MPa, steel 210 000 MPa: GPa meant?"},
        {"nu", m.nu, 0.25, 0.4, Quantity::dimensionless,
         "metals 0.3; near 0.5 the material is nearly incompressible and the stresses unreliable"},
        {"density", m.density, 1.5e-9, 9e-9, Quantity::density,
         "aluminium 2700 kg/m^3, steel 7850 kg/m^3"}};
      for (const auto &r : ranges)
        if (n[r.key] && (r.value < r.lo || r.value > r.hi))
          c.warnings.push_back(
            {where(n[r.key], path + "." + r.key), path + "." + r.key,
             in_user_units(r.value, r.q) + " is outside the range of structural metals (" +
               in_user_units(r.lo, r.q) + " to " + in_user_units(r.hi, r.q) + "; " + r.hint + ")"});
    }

    void Reader::check_references(const Case &c, const YAML::Node &root)
    {
      (void)root;
      std::vector<std::string> part_names, names_in_use;
      for (const auto &p : c.parts)
        {
          part_names.push_back(p.name);
          names_in_use.push_back(p.name);
          names_in_use.push_back(p.material);
        }
      for (const auto &[name, h] : c.criteria.haz_strength)
        if (std::find(names_in_use.begin(), names_in_use.end(), name) == names_in_use.end())
          diag_.add(h.where, "criteria.haz_strength." + name,
                    "no part or material in use is named \"" + name + "\"" +
                      suggestion(name, names_in_use));
      for (const auto &r : references_)
        {
          if (r.kind == "support")
            {
              std::vector<std::string> names;
              for (const auto &sp : c.supports)
                names.push_back(sp.name);
              if (std::find(names.begin(), names.end(), r.name) == names.end())
                diag_.add(r.where, r.key,
                          "no support named \"" + r.name + "\"" + suggestion(r.name, names));
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
          const PartSpec   *p = c.find_part(part);
          if (!p)
            {
              diag_.add(r.where, r.key,
                        "no part named \"" + part + "\"" + suggestion(part, part_names));
              continue;
            }
          // A gmsh part's edges are its file's line groups: checked when the file is read.
          if (r.kind == "edge" && p->kind == SurfaceKind::gmsh)
            continue;
          const std::vector<std::string> names =
            r.kind == "edge" ? edge_names(*p) : std::vector<std::string>{"top", "bottom"};
          if (std::find(names.begin(), names.end(), what) == names.end())
            diag_.add(r.where, r.key,
                      "part \"" + part + "\" has no " + r.kind + " \"" + what + "\"" +
                        suggestion(what, names));
        }
      for (const auto &p : c.parts)
        if (!p.material.empty() && !c.user_materials.count(p.material) &&
            !unknown_materials_.count(p.material) && !library_material(p.material, p.thickness))
          diag_.add(p.where, "parts." + p.name + ".material", unknown_material(p.material));
    }

    std::string Reader::unknown_material(const std::string &material) const
    {
      std::vector<std::string> known = library_material_names();
      if (user_materials_)
        for (const auto &m : *user_materials_)
          known.push_back(m.first);
      return "unknown material \"" + material + "\"" + suggestion(material, known);
    }

    bool Reader::known_material(const YAML::Node &n, const std::string &key,
                                const std::string &material, double thickness)
    {
      if (material.empty() || (user_materials_ && user_materials_->count(material)) ||
          library_material(material, thickness))
        return true;
      error(n, key, unknown_material(material));
      unknown_materials_.insert(material);
      return false;
    }

    Case Reader::read(const YAML::Node &root)
    {
      Case c;
      c.file = file_;
      if (!root.IsMap())
        {
          diag_.add({file_, 1, 1}, "",
                    "a case file must be a mapping of keys (parts, supports, "
                    "load_cases, ...)");
          diag_.throw_if_any();
        }
      check_keys(root, "", keys_of(""));
      c.mesh.size_mm = default_of("mesh", "size", Quantity::length);
      c.mesh.layers  = static_cast<unsigned>(default_of("mesh", "layers", Quantity::dimensionless));
      c.mesh.max_angle_rad     = default_of("mesh", "max_angle", Quantity::angle);
      c.criteria.safety_factor = default_of("criteria", "safety_factor", Quantity::dimensionless);
      c.criteria.buckling_factor =
        default_of("criteria", "buckling_factor", Quantity::dimensionless);
      const bool has_body = root["body"].IsDefined();
      c.name              = text(root, "", "case", false);
      c.description       = text(root, "", "description", false);
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
      user_materials_ = &c.user_materials;
      if (has_body)
        {
          const YAML::Node body = root["body"];
          if (is_map(body, "body"))
            {
              check_keys(body, "body", keys_of("body"));
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
      // With a body, parts are read once the body is expanded: an entry naming a body part (or
      // a pattern of them) overrides its gauge, material, layers or mesh size.
      // Without a body, a pattern (* and ?) changes the gauge, material, layers or mesh size
      // of the case's own parts it matches (`--set 'parts.*.thickness=5'` in a sweep), once
      // they are read.
      std::vector<std::pair<std::string, YAML::Node>> own_parts, patterns;
      each("parts", !has_body, [&](const std::string &k, const YAML::Node &v) {
        if (has_body)
          own_parts.emplace_back(k, v);
        else if (k.find_first_of("*?") != std::string::npos)
          patterns.emplace_back(k, v);
        else
          read_part(k, v, c);
      });
      for (const auto &[name, node] : patterns)
        if (!override_body_parts(name, node, c, c.parts.size()))
          read_part(name, node, c); // one with a mid-surface: a part of that name
      each("supports", !has_body && !root["modal"],
           [&](const std::string &k, const YAML::Node &v) { read_support(k, v, c); });
      if (root["design_loads"])
        read_design_loads(root["design_loads"], c);
      each("load_cases", !root["design_loads"] && !root["modal"],
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
      const bool body_expands = (c.has_tank || c.has_frame_body) && diag_.empty();
      if (body_expands)
        {
          if (c.has_tank)
            expand_tank(c, [&](const std::string &key) {
              // The deepest node of body.tank.KEY the file gives (a default's: its parent).
              YAML::Node        n    = root["body"]["tank"]; // read only: const lookups below
              std::string       path = "body.tank";
              std::stringstream parts(key);
              for (std::string k; std::getline(parts, k, '.') && !k.empty();)
                {
                  const YAML::Node &cur  = n;
                  const YAML::Node  next = cur.IsMap() ? cur[k] : YAML::Node();
                  if (!next.IsDefined())
                    break;
                  n = next;
                  path += "." + k;
                }
              return where(n, path);
            });
          else
            expand_frame_body(c, where(root["body"], "body"));
          const std::size_t body_parts = c.parts.size();
          for (std::size_t i = 0; i < body_parts; ++i)
            c.parts[i].from_body = true;
          for (const auto &[name, node] : own_parts)
            if (!override_body_parts(name, node, c, body_parts))
              read_part(name, node, c);
          if (c.has_tank)
            fit_tank_insets(c);
          else
            fit_frame_body(c);
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
      if (root["buckling"] && diag_.empty())
        read_buckling(root["buckling"], c);
      if (root["modal"])
        read_modal(root["modal"], c);
      check_load_case_names(c);
      // Names of parts, surfaces, regions and supports a body would have defined are checked
      // once it can be built (until then every one of them would be reported as unknown).
      if (body_expands || !(c.has_tank || c.has_frame_body))
        check_references(c, root);
      diag_.throw_if_any();
      c.warnings.insert(c.warnings.end(), unusual_.begin(), unusual_.end());
      return c;
    }

    // Each load case writes <file_stem(name)>.vtu: names must be short and give distinct files,
    // also where the file system ignores case (a share of a cluster or another machine), and not
    // the vibration modes' modal.vtu.
    void Reader::check_load_case_names(const Case &c)
    {
      const auto folded = [](std::string s) {
        for (char &ch : s)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
      };
      std::map<std::string, const LoadCaseSpec *> by_file;
      for (const auto &lc : c.load_cases)
        {
          const std::string key = "load_cases." + lc.name;
          if (lc.name.size() > max_name_length)
            diag_.add(lc.where, key,
                      "the name is longer than " + std::to_string(max_name_length) + " characters");
          const std::string stem = file_stem(lc.name);
          if (c.modal && folded(stem) == "modal")
            diag_.add(lc.where, key,
                      "\"" + lc.name + "\" would be written to " + stem +
                        ".vtu, over the vibration modes' modal.vtu; rename the load case");
          const auto [it, fresh] = by_file.emplace(folded(stem), &lc);
          if (!fresh)
            diag_.add(lc.where, key,
                      "\"" + lc.name + "\" and \"" + it->second->name +
                        "\" would both be written to " + file_stem(it->second->name) +
                        ".vtu (file names differing only in case are one file on some file "
                        "systems); rename one (letters, digits, '-', '_' and '.' are kept, "
                        "anything else becomes '_', a leading '.' too)");
        }
    }

    void Reader::read_criteria(const YAML::Node &cr, Case &c)
    {
      {
        check_keys(cr, "criteria", keys_of("criteria"));
        c.criteria.given       = true;
        const std::string rule = text(cr, "criteria", "allowable", false);
        if (rule == "adr")
          c.criteria.rule = CriteriaSpec::Rule::adr;
        else if (rule.empty() || rule == "proof")
          c.criteria.rule = CriteriaSpec::Rule::proof;
        else
          error(cr["allowable"], "criteria.allowable",
                "unknown rule \"" + rule + "\"" + suggestion(rule, {"adr", "proof"}));
        const double sf = c.criteria.safety_factor;
        c.criteria.safety_factor =
          quantity(cr, "criteria", "safety_factor", Quantity::dimensionless, &sf);
        if (!(c.criteria.safety_factor >= 1))
          error(cr["safety_factor"], "criteria.safety_factor", "must be at least 1");
        if (cr["haz_width"])
          c.criteria.haz_width = positive(cr, "criteria", "haz_width", Quantity::length);
        if (cr["max_deflection"])
          c.criteria.max_deflection = positive(cr, "criteria", "max_deflection", Quantity::length);
        if (const YAML::Node hs = cr["haz_strength"]; hs && is_map(hs, "criteria.haz_strength"))
          for (const auto &kv : hs)
            {
              const std::string name = key_text(kv.first);
              const std::string path = "criteria.haz_strength." + name;
              if (!is_map(kv.second, path))
                continue;
              check_keys(kv.second, path, keys_of("criteria.haz_strength.NAME"));
              CriteriaSpec::HazStrength h;
              h.where  = where(kv.second, path);
              h.Rp02   = positive(kv.second, path, "Rp02_haz", Quantity::pressure, 1e4);
              h.Rm     = positive(kv.second, path, "Rm_haz", Quantity::pressure, 1e4);
              h.source = text(kv.second, path, "source");
              if (h.Rp02 > h.Rm && h.Rm > 0)
                error(kv.second, path, "Rp02_haz must not exceed Rm_haz");
              c.criteria.haz_strength[name] = h;
            }
        c.criteria.convergence_check = choice(cr, "criteria", "convergence", {"check", "off"}) == 0;
        c.criteria.stress            = choice(cr, "criteria", "stress", {"categories", "peak"}) == 1
                                         ? CriteriaSpec::StressBasis::peak
                                         : CriteriaSpec::StressBasis::categories;
        c.criteria.buckling_checked_separately =
          choice(cr, "criteria", "buckling", {"not_checked", "checked_separately"}) == 1;
        const double bf = c.criteria.buckling_factor;
        c.criteria.buckling_factor =
          quantity(cr, "criteria", "buckling_factor", Quantity::dimensionless, &bf);
        if (!(c.criteria.buckling_factor >= 1) || !std::isfinite(c.criteria.buckling_factor))
          error(cr["buckling_factor"], "criteria.buckling_factor",
                "must be a number of at least 1");
      }
    }
  } // namespace reading

  using namespace reading;

  Material Case::material_of(const PartSpec &part) const
  {
    const auto              it = user_materials.find(part.material);
    std::optional<Material> m;
    if (it != user_materials.end())
      m = it->second;
    else
      m = library_material(part.material, part.thickness);
    if (!m)
      throw InputError(part.where, "parts." + part.name + ".material",
                       "unknown material \"" + part.material + "\"");
    auto given = criteria.haz_strength.find(part.name);
    if (given == criteria.haz_strength.end())
      given = criteria.haz_strength.find(part.material);
    if (given != criteria.haz_strength.end())
      {
        m->Rp02_haz    = given->second.Rp02;
        m->Rm_haz      = given->second.Rm;
        m->haz_assumed = false;
        m->haz_basis   = "given in the case file (criteria.haz_strength." + given->first +
                       (given->second.source.empty() ? ")" : "): " + given->second.source);
      }
    return *m;
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
        case SurfaceKind::quad: return {"edge1", "edge2", "edge3", "edge4"};
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
        case SurfaceKind::section_head: return {"rim"};
        case SurfaceKind::section_shell: return {"start", "end"};
        case SurfaceKind::section_plate:
          return part.opening > 0 ? std::vector<std::string>{"outer", "inner"}
                                  : std::vector<std::string>{"outer"};
        case SurfaceKind::section_ring: return {"outer", "inner"};
        case SurfaceKind::gmsh: return {"boundary"};
      }
    return {};
  }

  std::string CriteriaSpec::haz_width_text() const
  {
    return haz_width ? in_user_units(*haz_width, Quantity::length) : "max(25 mm, 3 t)";
  }

  std::string file_stem(const std::string &name)
  {
    std::string s;
    for (char ch : name)
      s += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')
             ? ch
             : '_';
    // (A leading dot would hide the file.)
    if (!s.empty() && s[0] == '.')
      s[0] = '_';
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
      throw InputError({"--set", 0, 0}, argument,
                       "must be KEY=VALUE, e.g. parts.floor.thickness=\"6 mm\"");
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
