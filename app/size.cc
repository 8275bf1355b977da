// lightbody size: fully stressed design on catalogue gauges.
//
// Each iteration solves the case and gives every group the smallest catalogue gauge at or above
//   t_stress    = t u^a    (u: the group's largest utilization over the load cases; a = 1 when
//                           u > 1, stress ~ 1/t of a membrane, the larger step up; a = 1/2 when
//                           u <= 1, stress ~ 1/t^2 of a plate in bending, the smaller step down)
//   t_buckling  = t (lambda_req / lambda)^(1/2) where a buckling mode of the group is below the
//                 required factor (plate buckling ~ t^2 to t^3: the larger step), and at least
//                 t (lambda_req / lambda)^(1/3) where one is above it (the smaller step down)
//   t_minimum   = the ADR minimum thickness of the group's tank parts
//   t_linear    = t rho^(1/4)  (rho: the group's largest displacement over the limit of a linear
//                           analysis, 10 gauges or 5 % of the part's size; a plate's deflection
//                           ~ 1/t^3, its ratio to the gauge ~ 1/t^4): a design outside the
//                           linear analysis's validity does not pass
// until the gauges repeat. The lightest design that passed is then run with the case's own
// convergence check; a group that fails there moves up one gauge until the check passes.
#include "app/size.h"

#include "input/bodies.h"
#include "input/errors.h"
#include "input/materials.h"
#include "post/result_folder.h"
#include "post/results.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace lightbody
{
  namespace fs = std::filesystem;

  std::vector<double> parse_gauges(const std::string &text)
  {
    std::vector<double> g;
    std::stringstream   ss(text);
    std::string         item;
    while (std::getline(ss, item, ','))
      {
        std::string number = item;
        number.erase(std::remove(number.begin(), number.end(), ' '), number.end());
        if (number.size() > 2 && number.compare(number.size() - 2, 2, "mm") == 0)
          number.resize(number.size() - 2);
        std::size_t used = 0;
        double      v    = 0;
        try
          {
            v = std::stod(number, &used);
          }
        catch (const std::exception &)
          {
            used = 0;
          }
        if (number.empty() || used != number.size() || !std::isfinite(v) || !(v > 0) || v > 500)
          throw std::invalid_argument("--gauges needs thicknesses in mm such as 3,4,5,6,8, not \"" +
                                      item + "\"");
        g.push_back(v);
      }
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
    if (g.empty())
      throw std::invalid_argument("--gauges needs at least one thickness");
    return g;
  }

  namespace
  {
    std::string mm(double t)
    {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%g mm", t);
      return buf;
    }

    // The parts of each group, as indices into c.parts.
    std::vector<std::vector<std::size_t>> group_parts(const Case                     &c,
                                                      const std::vector<std::string> &groups)
    {
      std::vector<std::vector<std::size_t>> parts(groups.size());
      std::map<std::size_t, std::string>    owner;
      std::vector<std::string>              names;
      for (const auto &p : c.parts)
        names.push_back(p.name);
      for (std::size_t g = 0; g < groups.size(); ++g)
        {
          for (std::size_t i = 0; i < c.parts.size(); ++i)
            if (name_matches(groups[g], c.parts[i].name))
              {
                const auto [it, fresh] = owner.emplace(i, groups[g]);
                if (!fresh)
                  throw InputError({"--parts", 0, 0}, groups[g],
                                   "part \"" + c.parts[i].name + "\" is also in \"" + it->second +
                                     "\"; a part belongs to one group");
                parts[g].push_back(i);
              }
          if (parts[g].empty())
            throw InputError({"--parts", 0, 0}, groups[g],
                             "names no part of the case" + suggestion(groups[g], names));
        }
      return parts;
    }

    // The smallest catalogue gauge at or above t (the largest when none is).
    double gauge_at_least(const std::vector<double> &gauges, double t, bool &exhausted)
    {
      for (const double g : gauges)
        if (g >= t * (1 - 1e-9))
          return g;
      exhausted = true;
      return gauges.back();
    }

    // Whether every gauge is one of the catalogue's.
    bool in_catalogue(const std::vector<double> &catalogue, const std::vector<double> &gauges)
    {
      return std::all_of(gauges.begin(), gauges.end(), [&](double t) {
        return std::any_of(catalogue.begin(), catalogue.end(),
                           [&](double g) { return std::abs(g - t) <= 1e-9 * g; });
      });
    }

    // The next catalogue gauge above t, or t at the top of the catalogue.
    double gauge_above(const std::vector<double> &gauges, double t)
    {
      const auto up = std::upper_bound(gauges.begin(), gauges.end(), t);
      return up == gauges.end() ? t : *up;
    }

    struct Solved
    {
      RunOutcome outcome;
      bool       passed          = false;
      double     mass_kg         = 0;
      double     max_utilization = 0;
    };

    Solved solve(const Case &c, const RunOptions &options)
    {
      StageLog quiet;
      Solved   s;
      s.outcome        = run_case(c, options, quiet);
      const Results &r = *s.outcome.results;
      // A design whose linear analysis is not valid somewhere (displacements of many gauges)
      // is no passing design: its stresses are not results the sizing can stand behind.
      s.passed  = r.verdict.status != Verdict::Status::fail;
      s.mass_kg = r.mass.total_kg;
      for (const auto &lc : r.load_cases)
        {
          s.max_utilization = std::max(s.max_utilization, lc.max_utilization);
          s.passed =
            s.passed && lc.outside_linear_validity.empty() && lc.round_off_imbalance.empty();
        }
      return s;
    }

    // Each group's next gauge from a solved design; `why` says what set it.
    std::vector<double> next_gauges(const Results                               &r,
                                    const std::vector<std::vector<std::size_t>> &groups,
                                    const std::vector<double> &current, const SizeOptions &o,
                                    const Case &c, std::vector<std::string> &why)
    {
      std::map<std::string, std::size_t> group_of; // part name -> group
      for (std::size_t g = 0; g < groups.size(); ++g)
        for (const std::size_t i : groups[g])
          group_of[c.parts[i].name] = g;
      std::vector<double> need(groups.size(), 0);
      why.assign(groups.size(), "smallest gauge");
      auto raise = [&](std::size_t g, double t, const char *reason) {
        if (t > need[g])
          {
            need[g] = t;
            why[g]  = reason;
          }
      };
      for (const auto &lc : r.load_cases)
        {
          for (std::size_t p = 0; p < lc.part_max_utilization.size() && p < r.parts.size(); ++p)
            {
              const auto it = group_of.find(r.parts[p].name);
              if (it == group_of.end())
                continue;
              const double u = std::max(lc.part_max_utilization[p], 1e-3);
              raise(it->second, current[it->second] * std::pow(u, u > 1 ? 1.0 : 0.5), "stress");
              // Displacements within a linear analysis's validity (ratio <= 1): a plate's
              // deflection ~ 1/t^3, so its ratio to the gauge ~ 1/t^4 (the smaller step up, a
              // bound on the step down; the iterations go on from there).
              if (p < lc.part_linear_validity_ratio.size() && lc.part_linear_validity_ratio[p] > 0)
                raise(it->second,
                      current[it->second] * std::pow(lc.part_linear_validity_ratio[p], 0.25),
                      "linear validity");
            }
          const BucklingResult &b = lc.buckling;
          if (!b.analysed)
            continue;
          for (std::size_t k = 0; k < b.load_factors.size() && k < b.peaks.size(); ++k)
            {
              const auto it = group_of.find(b.peaks[k].part);
              if (it == group_of.end() || !(b.load_factors[k] > 0))
                continue;
              const double ratio = b.required / b.load_factors[k];
              raise(it->second, current[it->second] * std::pow(ratio, ratio > 1 ? 0.5 : 1.0 / 3),
                    "buckling");
            }
        }
      for (const auto &m : r.minimum_thickness)
        if (m.checked && m.required_mm > 0)
          if (const auto it = group_of.find(m.part); it != group_of.end())
            raise(it->second, m.required_mm, "minimum thickness");
      std::vector<double> next(groups.size());
      for (std::size_t g = 0; g < groups.size(); ++g)
        {
          bool exhausted = false;
          next[g]        = gauge_at_least(o.gauges_mm, need[g], exhausted);
          if (exhausted)
            why[g] += " (above the largest gauge)";
        }
      return next;
    }

    void assign(Case &c, const std::vector<std::vector<std::size_t>> &groups,
                const std::vector<double> &gauges)
    {
      for (std::size_t g = 0; g < groups.size(); ++g)
        for (const std::size_t i : groups[g])
          c.parts[i].thickness = gauges[g];
      if (c.has_tank)
        fit_tank_insets(c); // the baffles follow the shell's inner face
      else if (c.has_frame_body)
        fit_frame_body(c); // the plates follow their neighbours' faces
    }

    // A group fails in the final check: a part of it above 1 (on the run's mesh or the
    // convergence check's finer one), or a failing buckling mode in it.
    std::vector<bool> failing_groups(const Results                               &r,
                                     const std::vector<std::vector<std::size_t>> &groups,
                                     const Case                                  &c)
    {
      std::vector<bool> failing(groups.size(), false);
      for (std::size_t g = 0; g < groups.size(); ++g)
        for (const std::size_t i : groups[g])
          {
            const std::string &name = c.parts[i].name;
            for (const auto &lc : r.load_cases)
              {
                for (std::size_t p = 0; p < r.parts.size() && p < lc.part_max_utilization.size();
                     ++p)
                  if (r.parts[p].name == name && (lc.part_max_utilization[p] > 1 ||
                                                  (p < lc.part_linear_validity_ratio.size() &&
                                                   lc.part_linear_validity_ratio[p] > 1)))
                    failing[g] = true;
                if (lc.buckling.analysed && !lc.buckling.passed)
                  for (std::size_t k = 0; k < lc.buckling.peaks.size(); ++k)
                    if (lc.buckling.peaks[k].part == name &&
                        lc.buckling.load_factors[k] < lc.buckling.required)
                      failing[g] = true;
              }
            for (const auto &m : r.minimum_thickness)
              if (m.part == name && !m.passed)
                failing[g] = true;
            // Above 1 on the convergence check's finer mesh.
            for (const auto &cc : r.convergence.cases)
              if (cc.part == name && cc.fine > 1)
                failing[g] = true;
          }
      return failing;
    }

    SizingResult size_for(const Case &read, const std::string &material, const SizeOptions &o,
                          const std::vector<std::vector<std::size_t>> &groups, StageLog &log,
                          RunOutcome &final_outcome)
    {
      SizingResult result;
      result.material = material;
      Case c          = read;
      if (!material.empty())
        for (const auto &g : groups)
          for (const std::size_t i : g)
            c.parts[i].material = material;
      const bool convergence       = c.criteria.convergence_check;
      c.criteria.convergence_check = false;

      std::vector<double> gauges(groups.size());
      for (std::size_t g = 0; g < groups.size(); ++g)
        for (const std::size_t i : groups[g])
          gauges[g] = std::max(gauges[g], c.parts[i].thickness);
      for (std::size_t g = 0; g < groups.size(); ++g)
        {
          result.groups.push_back({o.groups[g], {}, gauges[g], gauges[g], material, 0, "", ""});
          for (const std::size_t i : groups[g])
            result.groups.back().parts.push_back(c.parts[i].name);
        }

      std::set<std::vector<double>> seen;
      std::vector<double>           best;
      double                        best_mass    = 0;
      bool                          start_passed = false; // and is off the catalogue
      std::vector<std::string>      why;
      std::optional<Solved>         kept; // the best solve, when the final check is the same
      const std::string             tag  = material.empty() ? "" : " (" + material + ")";
      auto                          step = [&](const Case &cc, const std::vector<double> &g) {
        const auto t0 = std::chrono::steady_clock::now();
        Solved     s  = solve(cc, o.run);
        result.steps.push_back(
                                   {g, s.mass_kg, s.passed, s.max_utilization,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
        char line[200];
        std::snprintf(line, sizeof(line),
                                               "size%s: solve %zu: mass %.1f kg, largest utilization %.3f, %s (%.1f s)",
                                               tag.c_str(), result.steps.size(), s.mass_kg, s.max_utilization,
                      s.passed ? "passes" : "fails", result.steps.back().seconds);
        log.message(line);
        return s;
      };
      for (unsigned it = 0; it < o.max_iterations; ++it)
        {
          assign(c, groups, gauges);
          seen.insert(gauges);
          std::optional<Solved> solved;
          const auto            t0 = std::chrono::steady_clock::now();
          try
            {
              solved = step(c, gauges);
            }
          catch (const ModelError &e)
            {
              // The case as given must solve; a lighter design that cannot (walls so thin that
              // their stiffness is lost in round-off) fails, and every group moves up a gauge.
              if (result.steps.empty())
                throw;
              result.steps.push_back(
                {gauges, 0, false, 0,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
              log.message("size" + tag + ": solve " + std::to_string(result.steps.size()) +
                          " cannot be solved, fails: " + e.what());
              ++result.iterations;
              std::vector<double> up = gauges;
              for (double &t : up)
                t = gauge_above(o.gauges_mm, t);
              if (up == gauges || seen.count(up))
                break;
              gauges = up;
              continue;
            }
          Solved &s = *solved;
          ++result.iterations;
          if (result.steps.size() == 1)
            result.start_mass_kg = s.mass_kg;
          std::vector<double> next = next_gauges(*s.outcome.results, groups, gauges, o, c, why);
          // A start off the catalogue (5.5 mm against 4, 6, 8 mm) is no design to buy: only
          // catalogue gauges are sized designs (the start stays where none of them passes).
          const bool catalogue = in_catalogue(o.gauges_mm, gauges);
          if (s.passed && !catalogue && result.steps.size() == 1)
            start_passed = true;
          if (s.passed && catalogue && (best.empty() || s.mass_kg < best_mass))
            {
              best      = gauges;
              best_mass = s.mass_kg;
              // Without a convergence check the final check would repeat this solve.
              if (!convergence)
                kept = std::move(s);
            }
          if (next == gauges)
            break;
          if (seen.count(next))
            {
              // A cycle: go on only upwards from a failing design, stop once one passed.
              if (!best.empty())
                break;
              for (std::size_t g = 0; g < next.size(); ++g)
                next[g] = std::max(next[g], gauges[g]);
              if (next == gauges || seen.count(next))
                break;
            }
          gauges = next;
        }
      if (best.empty() && start_passed)
        {
          best = result.steps.front().gauges_mm;
          log.message("size" + tag +
                      ": no design of catalogue gauges passes; the start, off the catalogue, "
                      "is kept");
        }
      if (best.empty())
        {
          // Nothing passed: the last gauges, moved up where failing, are the final candidate.
          best = gauges;
        }
      // The final check with the case's own convergence check; failing groups move up.
      c.criteria.convergence_check = convergence;
      for (unsigned extra = 0;; ++extra)
        {
          assign(c, groups, best);
          if (extra == 0 && kept)
            log.message("size" + tag +
                        ": the lightest passing solve is the final check (no convergence check)");
          Solved s             = extra == 0 && kept ? std::move(*kept) : step(c, best);
          final_outcome        = std::move(s.outcome);
          result.passed        = s.passed;
          result.final_mass_kg = s.mass_kg;
          if (s.passed || extra >= o.max_iterations)
            break;
          const auto failing = failing_groups(*final_outcome.results, groups, c);
          bool       moved   = false;
          for (std::size_t g = 0; g < groups.size(); ++g)
            if (failing[g] && gauge_above(o.gauges_mm, best[g]) != best[g])
              {
                best[g] = gauge_above(o.gauges_mm, best[g]);
                moved   = true;
              }
          if (!moved)
            {
              result.note = std::any_of(failing.begin(), failing.end(), [](bool f) { return f; })
                              ? "the largest gauge of the catalogue does not pass"
                              : "the design fails outside the sized parts: " +
                                  (final_outcome.results->verdict.failures.empty()
                                     ? std::string("see report.md")
                                     : final_outcome.results->verdict.failures.front());
              break;
            }
        }
      // Each group's final state.
      const Results &r = *final_outcome.results;
      next_gauges(r, groups, best, o, c, why);
      for (std::size_t g = 0; g < groups.size(); ++g)
        {
          SizedGroup &sg = result.groups[g];
          sg.final_mm    = best[g];
          sg.governed_by = why[g];
          for (const auto &lc : r.load_cases)
            for (std::size_t p = 0; p < r.parts.size() && p < lc.part_max_utilization.size(); ++p)
              if (std::find(sg.parts.begin(), sg.parts.end(), r.parts[p].name) != sg.parts.end() &&
                  lc.part_max_utilization[p] > sg.utilization)
                {
                  sg.utilization    = lc.part_max_utilization[p];
                  sg.governing_case = lc.name;
                }
        }
      return result;
    }

    nlohmann::ordered_json to_json(const SizingResult &s)
    {
      nlohmann::ordered_json j;
      j["material"]      = s.material;
      j["passed"]        = s.passed;
      j["note"]          = s.note;
      j["start_mass_kg"] = s.start_mass_kg;
      j["final_mass_kg"] = s.final_mass_kg;
      j["mass_saved_kg"] = s.start_mass_kg - s.final_mass_kg;
      j["iterations"]    = s.iterations;
      j["solves"]        = s.steps.size();
      for (const auto &g : s.groups)
        j["groups"].push_back({{"parts", g.pattern},
                               {"members", g.parts},
                               {"start_mm", g.start_mm},
                               {"final_mm", g.final_mm},
                               {"utilization", g.utilization},
                               {"governing_load_case", g.governing_case},
                               {"governed_by", g.governed_by}});
      for (const auto &st : s.steps)
        j["steps"].push_back({{"gauges_mm", st.gauges_mm},
                              {"mass_kg", st.mass_kg},
                              {"passed", st.passed},
                              {"max_utilization", st.max_utilization},
                              {"time_s", st.seconds}});
      return j;
    }

    std::string markdown(const SizingReport &report, const std::string &case_name)
    {
      std::ostringstream md;
      md << "# Gauge sizing of " << case_name << "\n\n";
      if (report.results.size() > 1)
        {
          // Like for like: each material sized to the same criteria, not the same gauges.
          md << "Each material sized to the same criteria and catalogue:\n\n"
                "| material | sized mass (kg) | passes | against the lightest "
                "|\n|---|---|---|---|\n";
          for (const auto &s : report.results)
            {
              char         line[200];
              const double lightest =
                report.best >= 0 ? report.results[report.best].final_mass_kg : 0;
              std::snprintf(line, sizeof(line), "| %s | %.1f | %s | %s |\n", s.material.c_str(),
                            s.final_mass_kg, s.passed ? "yes" : "no",
                            s.passed && lightest > 0
                              ? ("+" +
                                 std::to_string(static_cast<int>(
                                   std::lround(100 * (s.final_mass_kg - lightest) / lightest))) +
                                 " %")
                                  .c_str()
                              : "");
              md << line;
            }
          md << "\n";
        }
      for (std::size_t k = 0; k < report.results.size(); ++k)
        {
          const SizingResult &s = report.results[k];
          char                line[300];
          md << "## " << (s.material.empty() ? "Materials as given" : s.material)
             << (static_cast<int>(k) == report.best ? " (lightest passing design)" : "") << "\n\n";
          // A start that failed its checks may need more metal, not less: say which.
          const double change = s.final_mass_kg - s.start_mass_kg;
          std::snprintf(line, sizeof(line),
                        "%s. Mass %.1f kg at the start, %.1f kg sized: %.1f kg (%.1f %%) %s; "
                        "%u iterations, %zu solves.\n\n",
                        s.passed ? "Passes" : ("No passing design: " + s.note).c_str(),
                        s.start_mass_kg, s.final_mass_kg, std::abs(change),
                        s.start_mass_kg > 0 ? 100 * std::abs(change) / s.start_mass_kg : 0.0,
                        change > 0 ? "added (the start failed its checks)" : "saved", s.iterations,
                        s.steps.size());
          md << line;
          md << "| parts | start | sized | utilization | governing load case | set by |\n"
                "|---|---|---|---|---|---|\n";
          for (const auto &g : s.groups)
            {
              std::snprintf(line, sizeof(line), "| %s (%zu) | %s | %s | %.3f | %s | %s |\n",
                            g.pattern.c_str(), g.parts.size(), mm(g.start_mm).c_str(),
                            mm(g.final_mm).c_str(), g.utilization, g.governing_case.c_str(),
                            g.governed_by.c_str());
              md << line;
            }
          md << "\n";
        }
      return md.str();
    }
  } // namespace

  SizingReport size_case(const SizeOptions &o, StageLog &log)
  {
    if (o.groups.empty())
      throw std::invalid_argument("size needs --parts P1,P2,... (names or patterns)");
    if (o.gauges_mm.empty())
      throw std::invalid_argument("size needs --gauges, e.g. --gauges 3,4,5,6,8");
    const Case read   = read_case(o.case_path, o.overrides);
    const auto groups = group_parts(read, o.groups);
    if (!read.criteria.given)
      throw InputError({read.file, 0, 0}, "criteria",
                       "sizing needs a design check: give `criteria` in the case file");
    for (const auto &m : o.materials)
      if (!read.user_materials.count(m) && !library_material(m, o.gauges_mm.front()))
        {
          std::vector<std::string> known = library_material_names();
          for (const auto &u : read.user_materials)
            known.push_back(u.first);
          throw InputError({"--materials", 0, 0}, m, "unknown material" + suggestion(m, known));
        }
    check_result_folder(o.out_dir, read.input_files);

    SizingReport                   report;
    std::vector<RunOutcome>        finals;
    const std::vector<std::string> materials =
      o.materials.empty() ? std::vector<std::string>{""} : o.materials;
    for (const auto &m : materials)
      {
        finals.emplace_back();
        report.results.push_back(size_for(read, m, o, groups, log, finals.back()));
        const auto &s = report.results.back();
        if (s.passed &&
            (report.best < 0 || s.final_mass_kg < report.results[report.best].final_mass_kg))
          report.best = static_cast<int>(report.results.size() - 1);
      }
    const int shown = report.best >= 0 ? report.best : static_cast<int>(report.results.size() - 1);
    const SizingResult &s = report.results[shown];

    write_folder_atomically(o.out_dir, read.input_files, [&](const fs::path &dir) {
      std::vector<Override> sized = o.overrides;
      for (const auto &g : s.groups)
        for (const auto &part : g.parts)
          {
            sized.push_back({"parts." + part + ".thickness", mm(g.final_mm)});
            if (!g.material.empty())
              sized.push_back({"parts." + part + ".material", g.material});
          }
      const std::string include =
        fs::relative(fs::absolute(o.case_path), fs::absolute(o.out_dir)).string();
      write_text_file(dir / "sized.yaml",
                      "# The gauges found by lightbody size: `lightbody run sized.yaml` reproduces "
                      "the design.\n" +
                        case_with_overrides(o.case_path, include, sized));
      nlohmann::ordered_json j;
      j["case"] = read.name;
      j["best"] = report.best;
      for (const auto &r : report.results)
        j["results"].push_back(to_json(r));
      write_text_file(dir / "sizing.json", j.dump(1) + "\n");
      write_text_file(dir / "sizing.md", markdown(report, read.name));
      StageLog quiet;
      write_results(finals[shown], quiet, (dir / "result").string(), o.renderer, o.output);
    });
    return report;
  }
} // namespace lightbody
