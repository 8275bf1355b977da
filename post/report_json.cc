#include "lightbody/version.h"
#include "post/result_folder.h"
#include "post/writers.h"

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lightbody
{
  namespace
  {
    std::string quoted(const std::string &s)
    {
      std::string o = "\"";
      for (char ch : s)
        {
          switch (ch)
            {
              case '"':
                o += "\\\"";
                break;
              case '\\':
                o += "\\\\";
                break;
              case '\n':
                o += "\\n";
                break;
              case '\t':
                o += "\\t";
                break;
              default:
                if (static_cast<unsigned char>(ch) < 0x20)
                  {
                    char buf[8];
                    std::snprintf(buf, sizeof(buf), "\\u%04x", ch);
                    o += buf;
                  }
                else
                  o += ch;
            }
        }
      return o + "\"";
    }

    std::string number(double v)
    {
      if (!std::isfinite(v))
        return "null";
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.10g", v);
      return buf;
    }

    std::string vec(const Vec3 &v)
    {
      return "[" + number(v[0]) + ", " + number(v[1]) + ", " + number(v[2]) + "]";
    }

    // Minimal pretty JSON emitter: objects and arrays opened and closed in order.
    class Json
    {
    public:
      explicit Json(std::ostream &out) : out_(out) {}
      void open(const std::string &key, char bracket)
      {
        item(key);
        out_ << bracket;
        first_.push_back(true);
      }
      void close(char bracket)
      {
        first_.pop_back();
        out_ << "\n" << std::string(2 * first_.size(), ' ') << bracket;
      }
      void value(const std::string &key, const std::string &raw)
      {
        item(key);
        out_ << raw;
      }

    private:
      void item(const std::string &key)
      {
        if (!first_.empty())
          {
            if (!first_.back())
              out_ << ",";
            first_.back() = false;
            out_ << "\n" << std::string(2 * first_.size(), ' ');
          }
        if (!key.empty())
          out_ << quoted(key) << ": ";
      }
      std::ostream     &out_;
      std::vector<bool> first_;
    };
  } // namespace

  void write_report_json(const Results &r, const Case &c, const StageLog &log,
                         const Picture &picture, const std::string &path)
  {
    std::ostringstream s;
    Json               j(s);
    j.open("", '{');
    j.value("case", quoted(c.name));
    j.value("case_file", quoted(c.file));
    j.value("program_version", quoted(version));
    j.value("units", quoted("mm, N, MPa, tonne, s; masses in kg"));
    j.value("dofs", std::to_string(r.solution.statistics.dofs));
    j.value("elements", std::to_string(r.solution.model.triangulation.n_active_cells()));

    j.open("mass", '{');
    j.value("total_kg", number(r.mass.total_kg));
    j.open("parts", '{');
    for (const auto &p : r.mass.parts)
      j.value(p.name, number(p.mass_kg));
    j.close('}');
    j.close('}');
    j.value("centre_of_gravity_mm", vec(r.mass.centre_of_gravity_mm));

    // Index of the VTK cell data "part" and "material".
    j.open("parts", '[');
    for (const auto &p : r.solution.model.parts)
      {
        j.open("", '{');
        j.value("name", quoted(p.name));
        j.value("material", quoted(p.material.name));
        j.value("thickness_mm", number(p.thickness));
        j.value("layers", std::to_string(p.layers));
        j.value("elements", std::to_string(p.n_cells));
        j.close('}');
      }
    j.close(']');

    j.open("joints", '[');
    for (const auto &jt : r.solution.model.joints)
      {
        j.open("", '{');
        j.value("parts", "[" + quoted(jt.part_a) + ", " + quoted(jt.part_b) + "]");
        j.value("kind", quoted(jt.kind == Joint::Kind::tied ? "tied" : "shared_nodes"));
        j.value("length_mm", number(jt.length_mm));
        j.close('}');
      }
    j.close(']');

    j.open("load_cases", '[');
    for (const auto &lc : r.load_cases)
      {
        j.open("", '{');
        j.value("name", quoted(lc.name));
        if (!lc.description.empty())
          j.value("description", quoted(lc.description));
        j.value("file", quoted(file_stem(lc.name) + ".vtu"));
        {
          std::string list;
          for (const auto &rr : lc.reactions)
            list += (list.empty() ? "" : ", ") + quoted(rr.support);
          j.value("supports", "[" + list + "]");
        }
        if (lc.deflection_limit_mm > 0)
          j.value("deflection_limit_mm", number(lc.deflection_limit_mm));
        j.value("passed", lc.passed ? "true" : "false");
        j.value("max_displacement_mm", number(lc.max_displacement_mm));
        j.value("max_displacement_location_mm", vec(lc.max_displacement_location_mm));
        j.open("max_von_mises_MPa", '{');
        j.value("value", number(lc.max_von_mises_MPa));
        j.value("part", quoted(lc.max_von_mises_part));
        j.value("location_mm", vec(lc.max_von_mises_location_mm));
        j.close('}');
        if (r.design.checked)
          {
            j.open("utilization", '{');
            j.value("max", number(lc.max_utilization));
            j.value("part", quoted(lc.max_utilization_part));
            j.value("location_mm", vec(lc.max_utilization_location_mm));
            j.open("by_part", '{');
            for (unsigned p = 0; p < lc.part_max_utilization.size(); ++p)
              j.value(r.solution.model.parts[p].name, number(lc.part_max_utilization[p]));
            j.close('}');
            j.close('}');
          }
        j.value("reaction_sum_N", vec(lc.reaction_sum_N));
        j.value("applied_sum_N", vec(lc.applied_sum_N));
        j.value("equilibrium_error", number(lc.equilibrium_error));
        j.open("reactions_N", '{');
        for (const auto &rr : lc.reactions)
          j.value(rr.support, vec(rr.force_N));
        j.close('}');
        j.open("probes", '{');
        for (const auto &p : lc.probes)
          {
            j.open(p.name, '{');
            j.value("displacement_mm", vec(p.displacement_mm));
            j.value("von_mises_MPa", number(p.von_mises_MPa));
            j.value("stress_MPa", "[" + number(p.stress_MPa[0]) + ", " + number(p.stress_MPa[1]) + ", " +
                                    number(p.stress_MPa[2]) + ", " + number(p.stress_MPa[3]) + ", " +
                                    number(p.stress_MPa[4]) + ", " + number(p.stress_MPa[5]) + "]");
            j.value("part", quoted(p.part));
            j.close('}');
          }
        j.close('}');
        j.close('}');
      }
    j.close(']');

    if (r.design.checked)
      {
        j.open("design_check", '{');
        j.value("allowable", quoted(c.criteria.rule == CriteriaSpec::Rule::adr
                                      ? "ADR 6.8.2.1.16: min(0.75 Rp0.2, 0.5 Rm)"
                                      : "Rp0.2 / " + number(c.criteria.safety_factor)));
        j.value("haz_width_mm", c.criteria.haz_width > 0 ? number(c.criteria.haz_width)
                                                         : quoted("max(25 mm, 3 t)"));
        std::string list;
        for (const auto &m : r.design.unconfirmed_haz)
          list += (list.empty() ? "" : ", ") + quoted(m);
        j.value("haz_not_confirmed_base_values_used", "[" + list + "]");
        j.close('}');
      }
    {
      std::string list;
      for (const auto &w : run_warnings(r, c))
        list += (list.empty() ? "" : ", ") + quoted(w);
      j.value("warnings", "[" + list + "]");
    }
    j.value("passed", all_passed(r) ? "true" : "false");
    if (const int gov = governing_load_case(r); gov >= 0)
      j.value("governing_load_case", quoted(r.load_cases[gov].name));
    j.value("picture", picture.made ? quoted(picture.file) : "null");
    if (!picture.made)
      j.value("picture_message", quoted(picture.message));
    // Seconds per stage; a stage that ran more than once (one per support set) is summed.
    std::vector<std::pair<std::string, double>> stages;
    for (const auto &[stage, seconds] : log.stages())
      {
        auto it = std::find_if(stages.begin(), stages.end(), [&](const auto &p) { return p.first == stage; });
        if (it == stages.end())
          stages.emplace_back(stage, seconds);
        else
          it->second += seconds;
      }
    j.open("time_s", '{');
    for (const auto &[stage, seconds] : stages)
      j.value(stage, number(seconds));
    j.close('}');
    j.close('}');
    s << "\n";

    write_text_file(path, s.str());
  }
} // namespace lightbody
