// design_loads: the parameters of the standards' load-case templates (expanded by templates.cc).
#include "input/reader.h"
#include "input/templates.h"

namespace lightbody
{
  namespace reading
  {
    void Reader::read_design_loads(const YAML::Node &n, Case &c)
    {
      const std::string path = "design_loads";
      if (!is_map(n, path))
        return;
      DesignLoadsSpec &d  = c.design_loads;
      d.where             = where(n, path);
      const std::string t = text(n, path, "template");
      // The template's documented defaults, from the key table.
      auto preset = [&](const char *key, double &v) {
        v = default_of("design_loads." + t, key, Quantity::dimensionless);
      };
      if (t == "adr")
        {
          d.kind = DesignLoadsSpec::Template::adr;
          check_keys(n, path, keys_of("design_loads.adr"));
          preset("filling", d.filling);
          d.density = positive(n, path, "density", Quantity::density, 1e-7);
          if (n["filling"])
            {
              d.filling = quantity(n, path, "filling", Quantity::dimensionless);
              if (!(d.filling > 0 && d.filling <= 1))
                error(n["filling"], path + ".filling", "must be more than 0 and at most 100 %");
            }
          if (const YAML::Node p = n["calculation_pressure"];
              p && !(p.IsScalar() && p.Scalar() == "G"))
            {
              d.calculation_pressure =
                positive(n, path, "calculation_pressure", Quantity::pressure, 100);
            }
          if (n["test_pressure"])
            d.test_pressure = positive(n, path, "test_pressure", Quantity::pressure, 100);
          // (more than a full vacuum, 100 kPa, is not a vacuum: a warning; 1 MPa an error)
          const double external =
            default_of(path + ".adr", "external_pressure", Quantity::pressure);
          d.external_pressure =
            positive(n, path, "external_pressure", Quantity::pressure, 1, &external, 0.1);
          d.down_includes_gravity = flag(n, path, "down_includes_gravity", true);
        }
      else if (t == "en12642")
        {
          d.kind = DesignLoadsSpec::Template::en12642;
          check_keys(n, path, keys_of("design_loads.en12642"));
          const std::string code = text(n, path, "code");
          if (code == "XL")
            d.code_xl = true;
          else if (code != "L" && n["code"])
            error(n["code"], path + ".code", "must be L or XL");
          preset("vertical_factor", d.vertical_factor);
          preset("braking", d.braking);
          preset("cornering", d.cornering);
          d.payload         = positive(n, path, "payload", Quantity::mass, 1000);
          d.vertical_factor = factor(n, path, "vertical_factor", d.vertical_factor);
          d.braking         = factor(n, path, "braking", d.braking);
          d.cornering       = factor(n, path, "cornering", d.cornering);
        }
      else if (t == "tipper")
        {
          d.kind = DesignLoadsSpec::Template::tipper;
          check_keys(n, path, keys_of("design_loads.tipper"));
          d.density = positive(n, path, "density", Quantity::density, 1e-7);
          if (n["lateral_coefficient"])
            {
              d.lateral_coefficient =
                positive(n, path, "lateral_coefficient", Quantity::dimensionless, 10);
              if (n["friction_angle"])
                error(n, path, "give either friction_angle or lateral_coefficient, not both");
            }
          else
            {
              d.friction_angle = positive(n, path, "friction_angle", Quantity::angle, 1.5);
              if (n["friction_angle"] && !(d.friction_angle < M_PI / 2))
                error(n["friction_angle"], path + ".friction_angle",
                      "must be less than 90 degrees");
            }
          if (n["payload"])
            d.payload = positive(n, path, "payload", Quantity::mass, 1000);
          preset("vertical_factor", d.vertical_factor);
          preset("braking", d.braking);
          d.vertical_factor = factor(n, path, "vertical_factor", d.vertical_factor);
          d.braking         = factor(n, path, "braking", d.braking);
        }
      else if (n["template"])
        error(n["template"], path + ".template",
              "unknown template \"" + t + "\"" + suggestion(t, design_load_template_names()));
    }
  } // namespace reading
} // namespace lightbody
