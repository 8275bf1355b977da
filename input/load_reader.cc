// supports and load_cases: where the body is held and what loads it.
#include "input/reader.h"

namespace lightbody
{
  namespace reading
  {
    void Reader::read_support(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "supports." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, keys_of("supports.NAME"));
      SupportSpec s;
      s.name      = name;
      s.where     = where(n, path);
      int regions = 0;
      for (const char *k : {"edges", "edge", "box", "plane", "symmetry", "region", "surface"})
        regions += n[k] ? 1 : 0;
      // A surface's footprint may be cut by a box, an edge by a plane.
      if (n["surface"] && n["box"])
        --regions;
      if ((n["edges"] || n["edge"]) && n["plane"])
        --regions;
      if (regions != 1)
        {
          error(n, path,
                "needs exactly one region: edges, edge (with an optional plane), box, plane, "
                "symmetry (a plane), surface (with an optional box), or region (one a body "
                "defines, e.g. saddles)");
          return;
        }
      read_elastic_support(n, path, s);
      if (n["region"])
        {
          s.named_region = text(n, path, "region");
          references_.push_back(
            {"region", s.named_region, where(n["region"], path), path + ".region"});
        }
      if (n["region"])
        ;
      else if (n["surface"])
        {
          s.region.kind    = RegionSpec::Kind::surface;
          s.region.surface = text(n, path, "surface");
          references_.push_back(
            {"surface", s.region.surface, where(n["surface"], path), path + ".surface"});
          if (const YAML::Node b = n["box"]; b && is_map(b, path + ".box"))
            {
              check_keys(b, path + ".box", keys_of("supports.NAME.box"));
              s.region.in_box  = true;
              s.region.box_min = required_vector(b, path + ".box", "min", Quantity::length);
              s.region.box_max = required_vector(b, path + ".box", "max", Quantity::length);
            }
        }
      else if (n["edges"] || n["edge"])
        {
          s.region.edges_on_plane = n["plane"] && read_plane(n, path, "plane", s.region);
          const char *k           = n["edges"] ? "edges" : "edge";
          s.region.kind           = RegionSpec::Kind::edges;
          const YAML::Node e      = n[k];
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
              check_keys(b, path + ".box", keys_of("supports.NAME.box"));
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
          if (read_plane(n, path, k, s.region))
            {
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
      if (s.elastic())
        {
          if (n["fix"] || n["displacement"])
            error(n["fix"] ? n["fix"] : n["displacement"], path,
                  "an elastic support (stiffness or spring) holds without fixing: remove fix "
                  "and displacement");
        }
      else if (n["surface"])
        error(n, path + ".surface",
              "a surface region is for an elastic bedding: give stiffness (N/mm^3)");
      else if (!n["symmetry"])
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

    // A plane (point, normal, tolerance) under n[key]; false when it is not a mapping.
    bool Reader::read_plane(const YAML::Node &n, const std::string &path, const char *key,
                            RegionSpec &region)
    {
      const YAML::Node  pl = n[key];
      const std::string pp = path + "." + key;
      if (!is_map(pl, pp))
        return false;
      check_keys(pl, pp, keys_of(std::string("supports.NAME.") + key));
      region.plane_point  = required_vector(pl, pp, "point", Quantity::length);
      region.plane_normal = direction(pl, pp, "normal", {0, 0, 1}, true);
      if (pl["tolerance"])
        region.tolerance = positive(pl, pp, "tolerance", Quantity::length);
      return true;
    }

    // stiffness (a bedding on a surface), spring (to ground), displacement (of fixed components).
    void Reader::read_elastic_support(const YAML::Node &n, const std::string &path, SupportSpec &s)
    {
      // A scalar for all three directions, or [kx, ky, kz].
      // Far stiffer than steel on steel (E / 1 mm = 2e5 N/mm^3): a typing error.
      auto per_direction = [&](const char *key, Quantity q, double upper) {
        const YAML::Node  v      = n[key];
        const std::size_t before = diag_.size(); // a value that cannot be read is reported once
        Vec3              k{0, 0, 0};
        if (v.IsScalar())
          {
            bool         ok;
            const double x = number(v, path + "." + key, q, ok);
            k              = {x, x, x};
          }
        else
          k = vector(v, path + "." + key, q);
        if (diag_.size() == before &&
            (!(k[0] >= 0 && k[1] >= 0 && k[2] >= 0) || !(k[0] + k[1] + k[2] > 0)))
          error(v, path + "." + key, "must be at least 0 in every direction and not all 0");
        else if (diag_.size() == before && std::max({k[0], k[1], k[2]}) > upper)
          error(v, path + "." + key,
                "is implausibly large (more than " + in_user_units(upper, q) +
                  "; a rigid support is `fix`)");
        return k;
      };
      if (n["stiffness"])
        {
          if (!n["surface"] && !n["region"])
            error(n["stiffness"], path + ".stiffness",
                  "a bedding stiffness (N/mm^3) is spread over an area: give surface (and "
                  "optionally box) or a body's region (saddles, subframe) as the region");
          s.bedding = per_direction("stiffness", Quantity::stiffness_per_area, 1e6);
        }
      if (n["spring"])
        {
          if (n["stiffness"])
            error(n["spring"], path + ".spring", "give either stiffness or spring, not both");
          s.spring = per_direction("spring", Quantity::force_per_length, 1e9);
        }
      if (n["displacement"])
        s.displacement = vector(n["displacement"], path + ".displacement", Quantity::length);
    }

    std::vector<std::string> Reader::support_names(const YAML::Node &sn, const std::string &path)
    {
      std::vector<std::string> names;
      if (!sn.IsSequence() || sn.size() == 0)
        error(sn, path, "must be a non-empty list of support names");
      else
        for (std::size_t i = 0; i < sn.size(); ++i)
          {
            const std::string k = path + "[" + std::to_string(i) + "]";
            if (!sn[i].IsScalar())
              error(sn[i], k, "must be a support name");
            else
              {
                names.push_back(sn[i].Scalar());
                references_.push_back({"support", sn[i].Scalar(), where(sn[i], k), k});
              }
          }
      return names;
    }

    void Reader::read_modal(const YAML::Node &n, Case &c)
    {
      if (!is_map(n, "modal"))
        return;
      check_keys(n, "modal", keys_of("modal"));
      ModalSpec m;
      m.where = where(n, "modal");
      if (!n["modes"])
        error(n, "modal.modes", "is required");
      m.modes = count(n, "modal", "modes", 1, 200, 1);
      if (const YAML::Node sn = n["supports"])
        {
          if (sn.IsScalar() && sn.Scalar() == "none")
            m.free = true;
          else
            m.supports = support_names(sn, "modal.supports");
        }
      for_each_in_list(n["masses"], "modal.masses", [&](const YAML::Node &e, const std::string &k) {
        if (!is_map(e, k))
          return;
        check_keys(e, k, keys_of("modal.masses[]"));
        NonStructuralMass nm;
        nm.where = where(e, k);
        nm.mass  = positive(e, k, "mass", Quantity::mass);
        if (e["point"] && e["surface"])
          error(e, k, "give either surface or point, not both");
        else if (e["point"])
          nm.point = required_vector(e, k, "point", Quantity::length);
        else
          {
            nm.surface = text(e, k, "surface");
            references_.push_back({"surface", nm.surface, where(e, k), k + ".surface"});
          }
        if (const YAML::Node b = e["box"]; b && is_map(b, k + ".box"))
          {
            if (nm.point)
              error(b, k + ".box", "applies to a surface, not to a point mass");
            check_keys(b, k + ".box", keys_of("modal.masses[].box"));
            nm.in_box  = true;
            nm.box_min = required_vector(b, k + ".box", "min", Quantity::length);
            nm.box_max = required_vector(b, k + ".box", "max", Quantity::length);
          }
        m.masses.push_back(nm);
      });
      c.modal = m;
    }

    // The top-level `buckling`: after the templates have made their load cases.
    void Reader::read_buckling(const YAML::Node &n, Case &c)
    {
      if (!is_map(n, "buckling"))
        return;
      check_keys(n, "buckling", keys_of("buckling"));
      if (!n["modes"])
        error(n, "buckling.modes", "is required");
      const unsigned           modes = count(n, "buckling", "modes", 1, 50, 1);
      std::vector<std::string> names;
      if (const YAML::Node ln = n["load_cases"])
        {
          if (!ln.IsSequence() || ln.size() == 0)
            error(ln, "buckling.load_cases", "must be a non-empty list of load case names");
          else
            for (std::size_t i = 0; i < ln.size(); ++i)
              {
                const std::string k = "buckling.load_cases[" + std::to_string(i) + "]";
                if (!ln[i].IsScalar())
                  error(ln[i], k, "must be a load case name");
                else if (std::none_of(c.load_cases.begin(), c.load_cases.end(),
                                      [&](const auto &lc) { return lc.name == ln[i].Scalar(); }))
                  error(ln[i], k, "no load case named \"" + ln[i].Scalar() + "\"");
                else
                  names.push_back(ln[i].Scalar());
              }
        }
      for (auto &lc : c.load_cases)
        if (names.empty() || std::find(names.begin(), names.end(), lc.name) != names.end())
          lc.buckling_modes = std::max(lc.buckling_modes, modes);
    }

    void Reader::read_load_case(const std::string &name, const YAML::Node &n, Case &c)
    {
      const std::string path = "load_cases." + name;
      if (!is_map(n, path))
        return;
      check_keys(n, path, keys_of("load_cases.NAME"));
      LoadCaseSpec lc;
      lc.name        = name;
      lc.where       = where(n, path);
      lc.description = text(n, path, "description", false);
      if (n["acceleration"])
        lc.acceleration = vector(n["acceleration"], path + ".acceleration", Quantity::acceleration);
      if (n["max_deflection"])
        lc.max_deflection = positive(n, path, "max_deflection", Quantity::length);
      if (const YAML::Node b = n["buckling"]; b && is_map(b, path + ".buckling"))
        {
          check_keys(b, path + ".buckling", keys_of("load_cases.NAME.buckling"));
          if (!b["modes"])
            error(b, path + ".buckling.modes", "is required");
          lc.buckling_modes = count(b, path + ".buckling", "modes", 1, 50, 1);
        }
      if (const YAML::Node sn = n["supports"])
        lc.supports = support_names(sn, path + ".supports");
      for_each_in_list(n["distributed_forces"], path + ".distributed_forces",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, keys_of("load_cases.NAME.distributed_forces[]"));
                         DistributedForce d;
                         d.where   = where(e, k);
                         d.surface = text(e, k, "surface");
                         d.force   = required_vector(e, k, "force", Quantity::force);
                         if (const YAML::Node b = e["box"]; b && is_map(b, k + ".box"))
                           {
                             check_keys(b, k + ".box",
                                        keys_of("load_cases.NAME.distributed_forces[].box"));
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
                         check_keys(e, k, keys_of("load_cases.NAME.pressures[]"));
                         PressureLoad p;
                         p.where    = where(e, k);
                         p.surface  = text(e, k, "surface");
                         p.pressure = quantity(e, k, "value", Quantity::pressure);
                         references_.push_back({"surface", p.surface, where(e, k), k + ".surface"});
                         lc.pressures.push_back(p);
                       });
      for_each_in_list(
        n["hydrostatic"], path + ".hydrostatic", [&](const YAML::Node &e, const std::string &k) {
          if (!is_map(e, k))
            return;
          check_keys(e, k, keys_of("load_cases.NAME.hydrostatic[]"));
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
                         check_keys(e, k, keys_of("load_cases.NAME.edge_forces[]"));
                         EdgeLoad l;
                         l.where = where(e, k);
                         l.edge  = text(e, k, "edge");
                         l.force_per_length =
                           required_vector(e, k, "force_per_length", Quantity::force_per_length);
                         references_.push_back({"edge", l.edge, where(e, k), k + ".edge"});
                         lc.edge_loads.push_back(l);
                       });
      for_each_in_list(n["edge_pressures"], path + ".edge_pressures",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, keys_of("load_cases.NAME.edge_pressures[]"));
                         EdgePressure l;
                         l.where = where(e, k);
                         l.edge  = text(e, k, "edge");
                         l.value = quantity(e, k, "value", Quantity::pressure);
                         if (e["direction"])
                           {
                             const Vec3 d =
                               vector(e["direction"], k + ".direction", Quantity::dimensionless);
                             if (!(norm(d) > 0) || !std::isfinite(norm(d)))
                               error(e["direction"], k + ".direction", "must be a non-zero vector");
                             else
                               l.direction = Vec3{d[0] / norm(d), d[1] / norm(d), d[2] / norm(d)};
                           }
                         references_.push_back({"edge", l.edge, where(e, k), k + ".edge"});
                         lc.edge_pressures.push_back(l);
                       });
      for_each_in_list(n["point_forces"], path + ".point_forces",
                       [&](const YAML::Node &e, const std::string &k) {
                         if (!is_map(e, k))
                           return;
                         check_keys(e, k, keys_of("load_cases.NAME.point_forces[]"));
                         PointLoad l;
                         l.where = where(e, k);
                         l.point = required_vector(e, k, "point", Quantity::length);
                         l.force = required_vector(e, k, "force", Quantity::force);
                         lc.point_loads.push_back(l);
                       });
      // A support moved by a prescribed displacement loads the body by itself (a chassis twist).
      const bool moved = std::any_of(c.supports.begin(), c.supports.end(), [&](const auto &sp) {
        return sp.displacement && norm(*sp.displacement) > 0 &&
               (lc.supports.empty() ||
                std::find(lc.supports.begin(), lc.supports.end(), sp.name) != lc.supports.end());
      });
      if (!moved && norm(lc.acceleration) == 0 && lc.pressures.empty() && lc.hydrostatic.empty() &&
          lc.edge_loads.empty() && lc.edge_pressures.empty() && lc.point_loads.empty() &&
          lc.distributed.empty())
        error(n, path,
              "applies no load (give acceleration, pressures, hydrostatic, edge_forces, "
              "edge_pressures, point_forces or distributed_forces, or move a support with "
              "supports.NAME.displacement)");
      c.load_cases.push_back(lc);
    }
  } // namespace reading
} // namespace lightbody
