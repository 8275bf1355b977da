#include "post/verdict.h"

#include "input/section.h"
#include "post/result_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lightbody
{
  namespace
  {
    // ADR 6.8.2.1.18 (footnote): 464 = (Rm0 A0)^(2/3) of the reference mild steel, Rm0 =
    // 370 MPa, A0 = 27 % (463.85, rounded in the regulation); the diameter between the two rows.
    constexpr double adr_reference_factor = 464;
    constexpr double large_diameter_mm    = 1800;
    // 6.8.2.1.20 b) 1: a shell is protected when partitions, surge plates or rings stand at
    // most 1.75 m apart, or no section between partitions or surge plates holds over 7 500 l.
    constexpr double protection_spacing_mm   = 1750;
    constexpr double protection_capacity_mm3 = 7.5e9;
    // Aluminium alloys are told from steels by their modulus (70 000 against 210 000 MPa).
    constexpr double aluminium_max_modulus = 100000;

    std::string mm(double v)
    {
      char s[32];
      std::snprintf(s, sizeof s, "%.2f mm", v);
      return s;
    }

    // Area inside the shell's inner surface (the tank's cross-section) by the shoelace formula.
    double inner_section_area(const SectionSpec &section, double shell_thickness)
    {
      const CrossSection cs(section);
      constexpr int      n    = 4000;
      double             area = 0;
      auto               p    = cs.inner_point(0, shell_thickness / 2);
      for (int i = 1; i <= n; ++i)
        {
          const auto q = cs.inner_point(2 * M_PI * i / n, shell_thickness / 2);
          area += p[0] * q[1] - q[0] * p[1];
          p = q;
        }
      return std::abs(area) / 2;
    }
  } // namespace

  double adr_equivalent_thickness(double e0_mm, double Rm_MPa, double elongation_percent)
  {
    return adr_reference_factor * e0_mm / std::pow(Rm_MPa * elongation_percent, 2.0 / 3.0);
  }

  std::vector<MinimumThickness> adr_minimum_thickness(const Case &c)
  {
    std::vector<MinimumThickness> rows;
    if (!c.has_tank)
      return rows;
    const TankSpec &t    = c.tank;
    const double    area = inner_section_area(t.section, t.shell_thickness);
    const double    D    = 2 * std::sqrt(area / M_PI);

    // Stations that stiffen the shell, and those that divide its capacity.
    std::vector<double> stiffeners{0, t.length}, dividers{0, t.length};
    for (const auto &b : t.bulkheads)
      stiffeners.push_back(b.station), dividers.push_back(b.station);
    std::vector<double> without_rings = stiffeners;
    for (double r : t.ring_stations)
      stiffeners.push_back(r);
    auto largest_gap = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      double g = 0;
      for (std::size_t i = 1; i < v.size(); ++i)
        g = std::max(g, v[i] - v[i - 1]);
      return g;
    };
    const bool by_capacity  = largest_gap(dividers) * area <= protection_capacity_mm3;
    const bool by_bulkheads = largest_gap(without_rings) <= protection_spacing_mm;
    const bool by_rings     = largest_gap(stiffeners) <= protection_spacing_mm;
    const bool protect      = by_capacity || by_bulkheads || by_rings;
    const bool large        = D > large_diameter_mm;

    for (const auto &p : c.parts)
      {
        if (p.role != PartRole::tank_shell && p.role != PartRole::tank_head)
          continue;
        const Material   m = c.material_of(p);
        MinimumThickness row;
        row.part               = p.name;
        row.material           = m.name;
        row.thickness_mm       = p.thickness;
        row.diameter_mm        = D;
        row.protected_shell    = protect;
        row.reference_steel_mm = protect ? (large ? 4 : 3) : (large ? 6 : 5);
        const bool aluminium   = m.E < aluminium_max_modulus;
        if (!(m.elongation_percent > 0 && m.Rm > 0))
          {
            row.basis = "not checked: the elongation A of " + m.name +
                        " is not known (give materials." + m.name + ".A)";
            rows.push_back(row);
            continue;
          }
        const double e1 =
          adr_equivalent_thickness(row.reference_steel_mm, m.Rm, m.elongation_percent);
        row.required_mm = e1;
        char text[400];
        std::snprintf(
          text, sizeof text,
          "D = %.0f mm%s; %s: e0 = %.0f mm mild steel (6.8.2.1.%s); e1 = 464 e0 / "
          "(Rm A)^(2/3) with Rm %.0f MPa, A %.0f %% = %.2f mm",
          D, t.section.kind == SectionSpec::Kind::circle ? "" : " (circle of equal area)",
          protect ? (by_capacity || by_bulkheads ? "protected by partitions or surge plates"
                                                 : "protected by rings")
                  : "not protected",
          row.reference_steel_mm, protect ? "19" : "18", m.Rm, m.elongation_percent, e1);
        row.basis = text;
        if (protect)
          {
            // 6.8.2.1.19: absolute minima, D <= 1.80 m / above: aluminium alloys 4 / 5 mm,
            // other (non-austenitic) steels 3 / 4 mm.
            const double absolute = aluminium ? (large ? 5 : 4) : (large ? 4 : 3);
            if (absolute > row.required_mm)
              {
                row.required_mm = absolute;
                row.basis += std::string("; absolute minimum for ") +
                             (aluminium ? "aluminium alloys " : "steels ") + mm(absolute);
              }
          }
        row.checked = true;
        row.passed  = p.thickness >= row.required_mm - 1e-9;
        rows.push_back(row);
      }
    return rows;
  }

  const char *verdict_text(Verdict::Status s)
  {
    switch (s)
      {
        case Verdict::Status::pass: return "PASS";
        case Verdict::Status::fail: return "FAIL";
        case Verdict::Status::conditional: return "CONDITIONAL";
        case Verdict::Status::none: break;
      }
    return "NOT CHECKED";
  }

  Verdict make_verdict(const ResultData &r, const Case &c)
  {
    Verdict v;
    bool    asked   = r.design.checked || !r.minimum_thickness.empty();
    bool    unsound = false;
    for (const auto &lc : r.load_cases)
      {
        asked = asked || lc.deflection_limit_mm.has_value();
        char line[600];
        if (r.design.checked && lc.max_utilization > 1)
          {
            std::snprintf(line, sizeof line,
                          "load case \"%s\": utilization %.3f at part \"%s\" exceeds 1",
                          lc.name.c_str(), lc.max_utilization, lc.max_utilization_part.c_str());
            v.failures.push_back(line);
          }
        if (lc.deflection_limit_mm && lc.max_displacement_mm > *lc.deflection_limit_mm)
          {
            std::snprintf(line, sizeof line,
                          "load case \"%s\": displacement %.1f mm exceeds the limit %.1f mm",
                          lc.name.c_str(), lc.max_displacement_mm, *lc.deflection_limit_mm);
            v.failures.push_back(line);
          }
        for (const auto &w : lc.outside_linear_validity)
          v.conditions.push_back("load case \"" + lc.name + "\": " + w);
        if (!lc.round_off_imbalance.empty())
          v.conditions.push_back("load case \"" + lc.name + "\": " + lc.round_off_imbalance);
        // Results the analysis cannot stand behind make the verdict conditional also where
        // nothing was asked of them.
        unsound = unsound || !lc.outside_linear_validity.empty() ||
                  !lc.round_off_imbalance.empty() || !(lc.max_displacement_mm > 0);
        // Zero loads (a pressure of 0 MPa, a zero acceleration), or loads only where the body is
        // held, give zero stresses: such a load case passes whatever the design, a check of
        // nothing, not a PASS.
        if (!(lc.max_displacement_mm > 0))
          v.conditions.push_back("load case \"" + lc.name +
                                 "\": nothing moves (no load, or loads only on held nodes): it "
                                 "checks nothing; give its loads or leave it out");
        const BucklingResult &b = lc.buckling;
        if (b.analysed)
          {
            asked = true;
            if (!b.converged)
              v.conditions.push_back("load case \"" + lc.name +
                                     "\": the buckling eigen solver did not converge");
            else if (!b.load_factors.empty() && b.load_factors.front() < b.required)
              {
                const Vec3 &x = b.peaks.front().location_mm;
                std::snprintf(line, sizeof line,
                              "load case \"%s\": buckling load factor %.3g is below the required "
                              "%.3g (criteria.buckling_factor); mode 1 largest at part \"%s\" "
                              "(%.0f, %.0f, %.0f) mm",
                              lc.name.c_str(), b.load_factors.front(), b.required,
                              b.peaks.front().part.c_str(), x[0], x[1], x[2]);
                v.failures.push_back(line);
              }
          }
      }
    for (const auto &m : r.minimum_thickness)
      if (!m.checked)
        v.conditions.push_back("minimum thickness of \"" + m.part + "\" " + m.basis);
      else if (!m.passed)
        v.failures.push_back("part \"" + m.part + "\": thickness " + mm(m.thickness_mm) +
                             " is below the ADR minimum " + mm(m.required_mm) + " (" + m.basis +
                             ")");
    const ConvergenceEvidence &ev = r.convergence;
    for (const auto &cc : ev.cases)
      {
        char line[700];
        if (cc.fine > 1 && cc.coarse <= 1)
          {
            std::snprintf(line, sizeof line,
                          "load case \"%s\": utilization %.3f on the finer mesh (mesh.size %.1f "
                          "mm) at part \"%s\" exceeds 1",
                          cc.load_case.c_str(), cc.fine, ev.fine_mesh_size_mm, cc.part.c_str());
            v.failures.push_back(line);
          }
        if (cc.singular)
          {
            std::snprintf(line, sizeof line,
                          "load case \"%s\": the utilization grows from %.3f to %.3f (%+.1f %%) "
                          "when the mesh is refined from %.1f to %.1f mm, at part \"%s\" (%.0f, "
                          "%.0f, %.0f) mm: a singular point or an unconverged stress, not a value "
                          "to stand behind",
                          cc.load_case.c_str(), cc.coarse, cc.fine, 100 * cc.change,
                          ev.mesh_size_mm, ev.fine_mesh_size_mm, cc.part.c_str(), cc.location_mm[0],
                          cc.location_mm[1], cc.location_mm[2]);
            v.conditions.push_back(line);
          }
      }
    if (ev.state == ConvergenceEvidence::State::off)
      v.conditions.push_back("convergence under mesh refinement not checked "
                             "(criteria.convergence: off)");
    if (ev.state == ConvergenceEvidence::State::not_possible)
      v.conditions.push_back("convergence under mesh refinement not checked: " + ev.note);
    if (c.mesh.straight_fibres)
      v.conditions.push_back(
        "single-layer parts solved with straight fibres (mesh.fibres: straight), a faster "
        "approximation for studies: results at plate junctions converge more slowly and can differ "
        "by several per cent (README, Element: the van example's roof buckling factor +10 % at "
        "its 100 mm mesh, +3.7 % at 70 mm); confirm the design with the default quadratic "
        "fibres");
    if (r.design.checked)
      {
        for (const auto &w : r.design.weld_strengths)
          if (w.assumed)
            v.conditions.push_back("welds in " + w.material + " checked with heat-affected " +
                                   "strengths that are not confirmed: " + w.basis);
        std::string unchecked;
        for (const auto &lc : r.load_cases)
          if (!lc.buckling.analysed)
            unchecked += (unchecked.empty() ? "\"" : ", \"") + lc.name + "\"";
        if (!c.criteria.buckling_checked_separately && !unchecked.empty())
          v.conditions.push_back(
            "buckling of thin walls in compression is not checked in load cases " + unchecked +
            " (add `buckling: {modes: 5}` to the case or to the load case, or state "
            "`criteria.buckling: checked_separately` once it has been checked)");
      }
    if (!asked && !unsound)
      v.status = Verdict::Status::none;
    else if (!v.failures.empty())
      v.status = Verdict::Status::fail;
    else if (!v.conditions.empty())
      v.status = Verdict::Status::conditional;
    else
      v.status = Verdict::Status::pass;
    return v;
  }
} // namespace lightbody
