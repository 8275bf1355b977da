// report.md: a calculation note an engineer can read and sign: what was analysed, with which
// masses, on which basis, under which loads, and with which result.
#include "lightbody/version.h"
#include "post/result_folder.h"
#include "post/reports.h"
#include "input/templates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace lightbody
{
  namespace
  {
    std::string fixed(double v, int decimals)
    {
      // Round-off of sums (6.749999999999995 kg beside its part's 6.750000000000001) would
      // round the two differently: the value to 12 significant digits first.
      char b[64];
      std::snprintf(b, sizeof b, "%.12g", v);
      if (std::isfinite(v))
        v = std::strtod(b, nullptr);
      std::snprintf(b, sizeof b, "%.*f", decimals, v);
      const std::string out = b;
      // "-0.0" reads as a sign where there is none.
      return out.find_first_not_of("-0.") == std::string::npos && out[0] == '-' ? out.substr(1)
                                                                                : out;
    }
    std::string at(const Vec3 &p)
    {
      return "(" + fixed(p[0], 0) + ", " + fixed(p[1], 0) + ", " + fixed(p[2], 0) + ")";
    }

    std::string body_text(const Case &c)
    {
      std::ostringstream s;
      if (c.has_tank)
        {
          const TankSpec &t          = c.tank;
          const char     *kind       = t.section.kind == SectionSpec::Kind::circle    ? "circular"
                                       : t.section.kind == SectionSpec::Kind::ellipse ? "elliptical"
                                                                                      : "oval";
          const char     *heads      = t.heads == TankSpec::Heads::ellipsoidal ? "2:1 ellipsoidal"
                                       : t.heads == TankSpec::Heads::torispherical ? "torispherical"
                                                                                   : "flat";
          const char     *mount      = t.mounting == TankSpec::Mounting::saddles    ? "saddles"
                                       : t.mounting == TankSpec::Mounting::subframe ? "a subframe"
                                                                                    : "end diaphragms";
          unsigned        partitions = 0, baffles = 0;
          for (const auto &b : t.bulkheads)
            (b.partition ? partitions : baffles) += 1;
          s << "Road tank, " << kind << " section " << fixed(2 * t.section.a, 0) << " x "
            << fixed(2 * t.section.b, 0) << " mm (mid-surface), shell " << fixed(t.length, 0)
            << " mm long between " << heads << " heads; shell " << t.shell_material << " "
            << fixed(t.shell_thickness, 1) << " mm; " << partitions << " partition(s), " << baffles
            << " surge baffle(s), " << t.ring_stations.size() << " ring(s); on " << mount << ".";
        }
      else if (c.has_frame_body)
        {
          const FrameBodySpec &b = c.frame_body;
          s << (b.kind == FrameBodySpec::Kind::box ? "Box (van) body" : "Tipper body")
            << ", inside " << fixed(b.length, 0) << " x " << fixed(b.width, 0) << " x "
            << fixed(b.height, 0) << " mm; floor " << b.floor.material << " "
            << fixed(b.floor.thickness, 1) << " mm, walls " << b.walls.material << " "
            << fixed(b.walls.thickness, 1) << " mm; sills and crossmembers " << b.sill.material
            << ".";
        }
      else
        s << "Parts as given in the case file.";
      return s.str();
    }

    // The documented defaults and assumptions each template rests on, with their status
    // (confirmed from the standard, or a default).
    std::vector<std::string> assumptions(const Case &c)
    {
      std::vector<std::string> a;
      const DesignLoadsSpec   &d = c.design_loads;
      for (const auto &sp : c.supports)
        if (sp.bedding)
          a.push_back("Support `" + sp.name + "`: elastic bedding " + fixed((*sp.bedding)[0], 3) +
                      ", " + fixed((*sp.bedding)[1], 3) + ", " + fixed((*sp.bedding)[2], 3) +
                      " N/mm^3 (x, y, z) over its footprint" +
                      (c.has_tank && sp.named_region == sp.name
                         ? " (the body's default, `body.tank.mounting.*.stiffness`, 0.1 N/mm^3 "
                           "unless given: a documented default, not a measured chassis stiffness)"
                         : "") +
                      ".");
        else if (sp.spring)
          a.push_back("Support `" + sp.name + "`: springs to ground " + fixed((*sp.spring)[0], 1) +
                      ", " + fixed((*sp.spring)[1], 1) + ", " + fixed((*sp.spring)[2], 1) +
                      " N/mm (x, y, z), shared equally by its nodes.");
        else if (sp.displacement)
          a.push_back("Support `" + sp.name + "`: moved by (" + fixed((*sp.displacement)[0], 2) +
                      ", " + fixed((*sp.displacement)[1], 2) + ", " +
                      fixed((*sp.displacement)[2], 2) + ") mm in its fixed components.");
      switch (d.kind)
        {
          case DesignLoadsSpec::Template::adr:
            a.push_back(
              "ADR 6.8.2.1.2 directions are applied as separate load cases; the text does not say "
              "whether they are combined (not confirmed).");
            a.push_back(
              std::string("\"2 g down\" is taken as ") +
              (d.down_includes_gravity ? "the total vertical acceleration, gravity included"
                                       : "coming on top of gravity (3 g in total)") +
              " (`design_loads.down_includes_gravity`; not confirmed in the ADR text). The "
              "horizontal cases add 1 g of gravity; the upward case is 1 g net.");
            a.push_back(
              "The liquid is loaded with p = rho a_eff . (x - x_s), a_eff = gravity + inertia, the "
              "free "
              "surface normal to a_eff; full compartments have it at their extreme point.");
            a.push_back(
              "Calculation pressure, tank code G (6.8.2.1.14 a): twice the static pressure of the "
              "substance, at least of water; a given calculation pressure is added to the static "
              "head.");
            break;
          case DesignLoadsSpec::Template::en12642:
            a.push_back("Wall forces of EN 12642 spread uniformly over the full width or length up "
                        "to 3/4 of the "
                        "wall height; the rear door force on the rear portal posts (the doors are "
                        "not modelled).");
            a.push_back("Vertical factor " + fixed(d.vertical_factor, 2) +
                        " on payload and body weight (`design_loads.vertical_factor`): a "
                        "documented default, no "
                        "confirmed value (generic factors 2-3).");
            a.push_back(
              "Braking " + fixed(d.braking, 2) + " g and cornering " + fixed(d.cornering, 2) +
              " g (EN 12195-1); the payload's inertia goes into the floor (secured load).");
            if (d.code_xl)
              a.push_back("Code XL: elastic deflection at most " +
                          fixed(en12642_xl_deflection_mm, 0) + " mm in the wall cases.");
            else
              a.push_back(
                "Code L asks for no permanent deformation: checked through the allowable stress.");
            break;
          case DesignLoadsSpec::Template::tipper:
            a.push_back(d.lateral_coefficient > 0
                          ? "Lateral pressure coefficient K = " + fixed(d.lateral_coefficient, 3) +
                              " as given."
                          : "Lateral pressure coefficient K = 1 - sin(phi) (Jaky, at rest) = " +
                              fixed(1 - std::sin(d.friction_angle), 3) +
                              "; set `design_loads.lateral_coefficient` to override.");
            a.push_back(
              "Vertical dynamic factor " + fixed(d.vertical_factor, 2) +
              " in transport (`design_loads.vertical_factor`): a documented default, no published "
              "value for tippers was confirmed.");
            a.push_back("Braking " + fixed(d.braking, 2) +
                        " g: all of the payload's inertia on the front wall (conservative).");
            a.push_back(
              "Start of tipping: the body level, on the hinge pins (x, y, z) and the ram pin (z).");
            break;
          case DesignLoadsSpec::Template::none: break;
        }
      if (c.criteria.given)
        {
          a.push_back(
            c.criteria.rule == CriteriaSpec::Rule::adr
              ? "Allowable stress ADR 6.8.2.1.16: min(0.75 Re, 0.5 Rm), specified minimum values."
              : "Allowable stress Rp0.2 / " + fixed(c.criteria.safety_factor, 2) +
                  " (`criteria.safety_factor`, a documented default of 1.5).");
          a.push_back(
            c.criteria.stress == CriteriaSpec::StressBasis::categories
              ? "Stress categories (design by analysis, EN 13445-3 Annex C, ASME VIII-2 5.2.2): at "
                "every element column the stress through the thickness is linearised; the "
                "membrane (average) von Mises stress is compared with f and the membrane + "
                "bending (linearised surface) von Mises stress with 1.5 f, f the allowable "
                "above. The raw (peak) surface stress is reported but does not govern "
                "(`criteria.stress: peak` makes it govern)."
              : "Stress basis `criteria.stress: peak`: the raw von Mises stress at every node "
                "is compared with the allowable f.");
          a.push_back(
            "Heat-affected zones: " + c.criteria.haz_width_text() +
            " either side of every weld (Aluminum Association rule; EN 1999-1-1 b_haz not "
            "confirmed), with the weld strengths below.");
        }
      return a;
    }
  } // namespace

  namespace
  {
    // Buckling load factors and natural frequencies, when they were asked for.
    void write_eigen_sections(const ResultData &r, const Case &c, std::ostringstream &s)
    {
      const bool any = std::any_of(r.load_cases.begin(), r.load_cases.end(),
                                   [](const LoadCaseResult &l) { return l.buckling.analysed; });
      if (any)
        {
          s << "## Buckling\n\nLinear buckling (bifurcation of the linear stress state): the "
               "load factors by which a whole load case must be multiplied for the body to buckle. "
               "A case passes when its lowest factor is at least "
            << fixed(c.criteria.buckling_factor, 2)
            << " (criteria.buckling_factor). Linear buckling does not include imperfections or "
               "plasticity; the required factor covers them. Mode shapes: point fields "
               "`buckling_mode_1`, ... in the load case's "
            << r.field_file_extension
            << ".\n\n"
               "| load case | load factors (ascending) | mode 1 largest at (mm) | result |\n"
               "|---|---|---|---|\n";
          for (const auto &lc : r.load_cases)
            {
              const BucklingResult &b = lc.buckling;
              if (!b.analysed)
                {
                  s << "| `" << lc.name << "` | not analysed | | |\n";
                  continue;
                }
              std::string factors;
              for (double f : b.load_factors)
                factors += (factors.empty() ? "" : ", ") + fixed(f, f < 10 ? 3 : 1);
              s << "| `" << lc.name << "` | "
                << (factors.empty() ? std::string("none below 1e6 (no compression)") : factors)
                << " | "
                << (b.peaks.empty() ? std::string("-")
                                    : b.peaks.front().part + " " + at(b.peaks.front().location_mm))
                << " | "
                << (!b.converged ? "**not converged**"
                    : b.passed   ? "pass"
                                 : "**FAIL**")
                << " |\n";
            }
          s << "\n";
        }
      if (r.modal)
        {
          const ModalResult &m = *r.modal;
          s << "## Natural frequencies\n\n"
            << (m.supports.empty() ? std::string("Free body (no supports)")
                                   : "On the supports " +
                                       [&] {
                                         std::string t;
                                         for (const auto &n : m.supports)
                                           t += (t.empty() ? "" : ", ") + n;
                                         return t;
                                       }())
            << "; structural mass " << fixed(m.structural_mass_kg, 1) << " kg, added mass "
            << fixed(m.added_mass_kg, 1) << " kg"
            << (m.rigid_body_modes > 0 ? "; the first " + std::to_string(m.rigid_body_modes) +
                                           " modes are rigid-body modes (0 Hz)"
                                       : std::string())
            << ". Effective masses as a share of the mass that can move in each direction; "
               "mode shapes in `modal"
            << r.field_file_extension
            << "` (`mode_1`, ...).\n\n"
               "| mode | frequency (Hz) | effective mass x / y / z (%) | largest at (mm) |\n"
               "|---:|---:|---|---|\n";
          // Modes first..last's effective masses summed, as shares of what can move: "x / y / z".
          const auto shares_of = [&m](std::size_t first, std::size_t last) {
            std::string shares;
            for (unsigned d = 0; d < 3; ++d)
              {
                double sum = 0;
                for (std::size_t k = first; k <= last; ++k)
                  sum += m.effective_mass_kg[k][d];
                shares += (d ? " / " : "") + (m.movable_mass_kg[d] > 0
                                                ? fixed(100 * sum / m.movable_mass_kg[d], 1)
                                                : std::string("-"));
              }
            return shares;
          };
          for (std::size_t k = 0; k < m.frequencies_Hz.size(); ++k)
            {
              const std::string shares = shares_of(k, k);
              s << "| " << k + 1 << " | "
                << (k < m.rigid_body_modes ? std::string("0 (rigid)")
                                           : fixed(m.frequencies_Hz[k], 2))
                << " | " << shares << " | " << m.peaks[k].part << " " << at(m.peaks[k].location_mm)
                << " |\n";
            }
          // A repeated frequency (a symmetric body's): any combination of its modes is a mode,
          // so that only their effective masses summed mean something.
          for (std::size_t first = m.rigid_body_modes; first < m.frequencies_Hz.size();)
            {
              std::size_t last = first;
              while (last + 1 < m.frequencies_Hz.size() &&
                     std::abs(m.frequencies_Hz[last + 1] - m.frequencies_Hz[first]) <=
                       1e-6 * std::abs(m.frequencies_Hz[first]))
                ++last;
              if (last > first)
                s << "\nModes " << first + 1 << " to " << last + 1
                  << " share one frequency (a repeated frequency, as of a symmetric body): any "
                     "combination of their shapes is a mode too, so their effective masses "
                     "are meaningful summed only: "
                  << shares_of(first, last) << " %.\n";
              first = last + 1;
            }
          if (!m.converged)
            s << "\n**The eigen solver did not converge for all modes asked for.**\n";
          s << "\n";
        }
    }
  } // namespace

  void write_report_md(const ResultData &r, const Case &c, const Picture &picture,
                       const std::string &path, const Picture *buckling)
  {
    std::ostringstream s;
    s << "# Calculation note: " << c.name << "\n\n";
    if (!c.description.empty())
      s << c.description << "\n\n";
    s << "| | |\n|---|---|\n";
    s << "| case file | `" << c.file << "` (as run: `case.yaml`) |\n";
    s << "| program | lightbody " << version << " |\n";
    s << "| model | " << r.parts.size() << " parts, " << r.joints.size() << " joints, "
      << r.elements << " quadratic solid-shell elements"
      << (c.mesh.straight_fibres ? " (single-layer parts with straight fibres)" : "") << ", "
      << r.dofs << " DOFs |\n";
    if (r.factor_solver == "CG+GAMG")
      s << "| solver | linear elastic, conjugate gradients with algebraic multigrid (PETSc GAMG"
        << (r.iterative.subdomain_dofs > 0 ? ", exact solves on subdomains of " +
                                               std::to_string(r.iterative.subdomain_dofs) + " DoFs"
                                           : std::string(", line blocks"))
        << (r.factor_processes > 1 ? ", " + std::to_string(r.factor_processes) + " MPI processes"
                                   : std::string())
        << "): at most " << r.iterative.iterations_max << " iterations, relative residual " <<
        [&] {
          char text[32];
          std::snprintf(text, sizeof(text), "%.1e", r.iterative.residual_max);
          return std::string(text);
        }()
        << " at most |\n";
    else
      s << "| solver | linear elastic, sparse direct ("
        << (r.factor_processes > 1
              ? "MUMPS over " + std::to_string(r.factor_processes) + " MPI processes"
              : r.factor_solver)
        << ") |\n";
    s << "| units | mm, N, MPa; masses in kg |\n\n";

    // Overall verdict first: the reader's first question.
    const int      gov = governing_load_case(r);
    const Verdict &v   = r.verdict;
    if (v.status != Verdict::Status::none)
      {
        s << "**Verdict: " << verdict_text(v.status) << "**";
        if (gov >= 0)
          {
            const auto &g = r.load_cases[gov];
            s << ". Governing load case `" << g.name << "`";
            if (r.design.checked)
              s << ": utilization " << fixed(g.max_utilization, 3) << " in part `"
                << g.max_utilization_part << "` at " << at(g.max_utilization_location_mm) << " mm";
          }
        s << ".\n\n";
        if (!v.failures.empty())
          {
            s << "Failed:\n\n";
            for (const auto &f : v.failures)
              s << "- " << f << "\n";
            s << "\n";
          }
        if (!v.conditions.empty())
          {
            s << (v.status == Verdict::Status::conditional
                    ? "The checks that were made pass, but the verdict rests on these conditions "
                      "(not checked, or assumed):\n\n"
                    : "Also not checked, or assumed:\n\n");
            for (const auto &cnd : v.conditions)
              s << "- " << cnd << "\n";
            s << "\n";
          }
      }

    s << "## Body\n\n" << body_text(c) << "\n\n";

    s << "## Mass\n\n";
    std::map<std::string, std::pair<double, double>> by_material; // kg, mm^3
    double                                           volume = 0;
    for (const auto &p : r.mass.parts)
      {
        by_material[p.material].first += p.mass_kg;
        by_material[p.material].second += p.volume_mm3;
        volume += p.volume_mm3;
      }
    // The steel of the comparison, from the library (its density does not depend on the gauge).
    const double steel_density = library_material("S355", 10)->density; // t/mm^3
    const double steel         = volume * steel_density * units::kg_per_tonne;
    s << "Total **" << fixed(r.mass.total_kg, 1) << " kg**, centre of gravity at "
      << at(r.mass.centre_of_gravity_mm) << " mm.\n\n";
    s << "| material | mass (kg) | share |\n|---|---:|---:|\n";
    for (const auto &[m, v] : by_material)
      s << "| " << m << " | " << fixed(v.first, 1) << " | "
        << fixed(100 * v.first / std::max(r.mass.total_kg, 1e-300), 1) << " % |\n";
    s << "\nThe same body in S355 steel with the same gauges (" << fixed(steel_density * 1e12, 0)
      << " kg/m^3) would weigh " << fixed(steel, 1)
      << " kg. This is not a like-for-like saving: a steel body would have thinner gauges. "
         "`lightbody size CASE --parts ... --gauges ... --materials ALLOY,S355` sizes both to "
         "the same criteria and compares their masses (sizing.md).\n\n";
    s << "<details><summary>Mass by part</summary>\n\n| part | material | mass (kg) "
         "|\n|---|---|---:|\n";
    for (const auto &p : r.mass.parts)
      s << "| " << p.name << " | " << p.material << " | " << fixed(p.mass_kg, 2) << " |\n";
    s << "\n</details>\n\n";

    s << "## Design basis\n\n";
    const auto basis = assumptions(c);
    if (basis.empty())
      s << "No design check was asked for (no `criteria` or `design_loads` in the case).\n";
    for (const auto &line : basis)
      s << "- " << line << "\n";
    if (!r.design.weld_strengths.empty())
      {
        s << "\nWeld (heat-affected zone) strengths used within the band of every weld:\n\n"
             "| material | Rp0.2,haz (MPa) | Rm,haz (MPa) | basis |\n|---|---:|---:|---|\n";
        for (const auto &w : r.design.weld_strengths)
          s << "| " << w.material << " | " << fixed(w.Rp02, 0) << " | " << fixed(w.Rm, 0) << " | "
            << (w.assumed ? "**assumed** " : "") << w.basis << " |\n";
      }
    if (!r.minimum_thickness.empty())
      {
        s << "\nMinimum thickness of the shell and heads, ADR 6.8.2.1.18-19 (equivalent "
             "thickness e1 = 464 e0 / (Rm A)^(2/3) of the reference mild steel Rm0 = 370 MPa, "
             "A0 = 27 %):\n\n| part | material | thickness (mm) | minimum (mm) | result | "
             "basis |\n|---|---|---:|---:|---|---|\n";
        for (const auto &m : r.minimum_thickness)
          s << "| " << m.part << " | " << m.material << " | " << fixed(m.thickness_mm, 2) << " | "
            << (m.checked ? fixed(m.required_mm, 2) : std::string("-")) << " | "
            << (!m.checked ? "not checked"
                : m.passed ? "pass"
                           : "**FAIL**")
            << " | " << m.basis << " |\n";
      }
    s << "\n";

    if (const auto warnings = run_warnings(r, c); !warnings.empty())
      {
        s << "## Warnings\n\n";
        for (const auto &w : warnings)
          s << "- " << w << "\n";
        s << "\n";
      }
    s << "## Results per load case\n\n";
    if (r.load_cases.empty())
      s << "No static load case: the case asks for the natural frequencies only.\n";
    else
      s << "| load case | max von Mises (MPa) | in part, at (mm) | utilization | max "
           "displacement (mm) | reactions (kN) | result |\n|---|---:|---|---:|---:|---:|---|\n";
    for (const auto &lc : r.load_cases)
      {
        s << "| `" << lc.name << "` | " << fixed(lc.max_von_mises_MPa, 1) << " | "
          << lc.max_von_mises_part << " " << at(lc.max_von_mises_location_mm) << " | "
          << (r.design.checked
                ? fixed(lc.max_utilization, 3) + " (" + lc.max_utilization_category + ")"
                : std::string("-"))
          << " | " << fixed(lc.max_displacement_mm, 2)
          << (lc.deflection_limit_mm ? " (limit " + fixed(*lc.deflection_limit_mm, 0) + ")"
                                     : std::string())
          << " | " << fixed(norm(lc.reaction_sum_N) / 1000, 2) << " | "
          << (lc.passed ? "pass" : "**FAIL**") << " |\n";
      }
    s << "\n";

    write_eigen_sections(r, c, s);
    if (buckling)
      {
        s << "Lowest buckling mode:\n\n";
        if (buckling->made)
          s << "![lowest buckling mode](" << buckling->file << ")\n\n";
        else
          s << "*" << buckling->message << ".*\n\n";
      }

    // Highest utilization per part over all load cases: where the body is working hardest.
    if (r.design.checked && !r.load_cases.empty())
      {
        std::vector<std::pair<double, std::pair<unsigned, unsigned>>> parts; // (u, (part, case))
        for (unsigned p = 0; p < r.parts.size(); ++p)
          {
            unsigned best = 0;
            for (unsigned k = 1; k < r.load_cases.size(); ++k)
              if (r.load_cases[k].part_max_utilization[p] >
                  r.load_cases[best].part_max_utilization[p])
                best = k;
            parts.push_back({r.load_cases[best].part_max_utilization[p], {p, best}});
          }
        std::sort(parts.rbegin(), parts.rend());
        const std::size_t shown = std::min<std::size_t>(parts.size(), 15);
        s << "Highest utilization per part (the " << shown << " highest of " << parts.size()
          << "; all parts in report.json):\n\n| part | utilization | load case |\n|---|---:|---|\n";
        for (std::size_t i = 0; i < shown; ++i)
          s << "| " << r.parts[parts[i].second.first].name << " | " << fixed(parts[i].first, 3)
            << " | `" << r.load_cases[parts[i].second.second].name << "` |\n";
        s << "\n";
      }

    if (r.convergence.state == ConvergenceEvidence::State::checked)
      {
        const auto &ev = r.convergence;
        s << "Convergence evidence: the load cases above 0.7 utilization re-solved with every "
             "element size times 1/sqrt(2) (mesh.size "
          << fixed(ev.mesh_size_mm, 1) << " -> " << fixed(ev.fine_mesh_size_mm, 1)
          << " mm); a governing value that grows by more than 5 % is a singular point or an "
             "unconverged stress:\n\n| load case | utilization | refined | change | where "
             "(refined) | |\n|---|---:|---:|---:|---|---|\n";
        for (const auto &cc : ev.cases)
          s << "| `" << cc.load_case << "` | " << fixed(cc.coarse, 3) << " | " << fixed(cc.fine, 3)
            << " | " << (cc.change >= 0 ? "+" : "") << fixed(100 * cc.change, 1) << " % | "
            << cc.part << " " << at(cc.location_mm) << " | "
            << (cc.singular ? "**singular or not converged**" : "converged") << " |\n";
        s << "\n";
      }
    else if (r.convergence.state == ConvergenceEvidence::State::not_needed)
      s << "Convergence evidence: not needed, " << r.convergence.note << ".\n\n";

    if (gov >= 0)
      {
        s << "## Picture: von Mises stress on the deformed body, `" << r.load_cases[gov].name
          << "`\n\n";
        if (picture.made)
          s << "![von Mises stress, " << r.load_cases[gov].name << "](" << picture.file << ")\n\n";
        else
          s << "*" << picture.message << ".*"
            << (picture.fields ? " Open `results.pvd` in ParaView (post/paraview_view.py)." : "")
            << "\n\n";
        // The marked governing point, when the convergence check found it singular.
        for (const auto &cc : r.convergence.cases)
          if (cc.load_case == r.load_cases[gov].name && cc.singular)
            s << "**The marked governing point is a singular point or an unconverged stress:** "
                 "its utilization grows from "
              << fixed(cc.coarse, 3) << " to " << fixed(cc.fine, 3)
              << " on the finer mesh; do not read it as the stress of the body.\n\n";
      }

    s << "## Load cases as run\n\n";
    for (unsigned i = 0; i < c.load_cases.size() && i < r.load_cases.size(); ++i)
      {
        const auto &spec = c.load_cases[i];
        const auto &lc   = r.load_cases[i];
        s << "### `" << spec.name << "`\n\n";
        if (!spec.description.empty())
          s << spec.description << ".\n\n";
        for (const auto &line : describe_loads(spec))
          s << "- " << line << "\n";
        s << "- reactions (kN):";
        for (const auto &rr : lc.reactions)
          s << " " << rr.support << " (" << fixed(rr.force_N[0] / 1000, 2) << ", "
            << fixed(rr.force_N[1] / 1000, 2) << ", " << fixed(rr.force_N[2] / 1000, 2) << ");";
        s << " equilibrium error " << lc.equilibrium_error;
        if (!lc.round_off_imbalance.empty())
          s << " (the round-off of thin walls: " << lc.equilibrium_round_off
            << " expected; see the verdict)";
        s << "\n\n";
      }

    write_text_file(path, s.str());
  }
} // namespace lightbody
