#include "lightbody/version.h"
#include "post/result_folder.h"
#include "post/reports.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace lightbody
{
  namespace
  {
    // Keys in the order written (the order a person reads the report in); non-finite numbers
    // are written as null.
    using Json = nlohmann::ordered_json;

    Json vec(const Vec3 &v) { return Json::array({v[0], v[1], v[2]}); }

    std::string shortest(double v)
    {
      char text[32];
      std::snprintf(text, sizeof text, "%.10g", v);
      return text;
    }

    Json load_case_json(const ResultData &r, const LoadCaseResult &lc)
    {
      Json j;
      j["name"] = lc.name;
      if (!lc.description.empty())
        j["description"] = lc.description;
      j["file"]     = file_stem(lc.name) + r.field_file_extension;
      j["supports"] = Json::array();
      for (const auto &rr : lc.reactions)
        j["supports"].push_back(rr.support);
      if (lc.deflection_limit_mm)
        j["deflection_limit_mm"] = *lc.deflection_limit_mm;
      j["passed"]                       = lc.passed;
      j["max_displacement_mm"]          = lc.max_displacement_mm;
      j["max_displacement_location_mm"] = vec(lc.max_displacement_location_mm);
      j["max_von_mises_MPa"]            = {{"value", lc.max_von_mises_MPa},
                                           {"part", lc.max_von_mises_part},
                                           {"location_mm", vec(lc.max_von_mises_location_mm)}};
      if (r.design.checked)
        {
          Json by_part = Json::object();
          for (unsigned p = 0; p < lc.part_max_utilization.size(); ++p)
            by_part[r.parts[p].name] = lc.part_max_utilization[p];
          j["utilization"] = {{"max", lc.max_utilization},
                              {"part", lc.max_utilization_part},
                              {"location_mm", vec(lc.max_utilization_location_mm)},
                              {"category", lc.max_utilization_category},
                              {"peak_max", lc.max_peak_utilization},
                              {"by_part", by_part}};
        }
      j["reaction_sum_N"]        = vec(lc.reaction_sum_N);
      j["applied_sum_N"]         = vec(lc.applied_sum_N);
      j["equilibrium_error"]     = lc.equilibrium_error;
      j["equilibrium_round_off"] = lc.equilibrium_round_off;
      j["reactions_N"]           = Json::object();
      for (const auto &rr : lc.reactions)
        j["reactions_N"][rr.support] = vec(rr.force_N);
      j["probes"] = Json::object();
      for (const auto &p : lc.probes)
        j["probes"][p.name] = {{"displacement_mm", vec(p.displacement_mm)},
                               {"von_mises_MPa", p.von_mises_MPa},
                               {"stress_MPa", p.stress_MPa},
                               {"part", p.part}};
      if (!lc.outside_linear_validity.empty())
        j["outside_linear_validity"] = lc.outside_linear_validity;
      if (lc.buckling.analysed)
        {
          const BucklingResult &b     = lc.buckling;
          Json                  modes = Json::array();
          for (std::size_t k = 0; k < b.load_factors.size(); ++k)
            modes.push_back({{"load_factor", b.load_factors[k]},
                             {"field", "buckling_mode_" + std::to_string(k + 1)},
                             {"largest_at_mm", vec(b.peaks[k].location_mm)},
                             {"part", b.peaks[k].part}});
          j["buckling"] = {
            {"modes_requested", b.requested},
            {"load_factors", b.load_factors},
            {"modes", modes},
            {"required_load_factor", b.required},
            {"passed", b.passed},
            {"converged", b.converged},
            {"note", b.load_factors.empty() ? "no buckling mode with a load factor below 1e6" : ""},
            {"geometric_stiffness_time_s", b.assembly_seconds},
            {"eigen_solver",
             {{"method", b.preconditioned ? "LOBPCG" : "Lanczos"},
              {"restarts", b.iterations},
              {"products", b.products},
              {"time_s", b.seconds}}}};
        }
      return j;
    }

    Json modal_json(const ModalResult &m)
    {
      Json modes = Json::array();
      for (std::size_t k = 0; k < m.frequencies_Hz.size(); ++k)
        modes.push_back({{"frequency_Hz", m.frequencies_Hz[k]},
                         {"field", "mode_" + std::to_string(k + 1)},
                         {"rigid_body", k < m.rigid_body_modes},
                         {"effective_mass_kg", m.effective_mass_kg[k]},
                         {"largest_at_mm", vec(m.peaks[k].location_mm)},
                         {"part", m.peaks[k].part}});
      return {{"frequencies_Hz", m.frequencies_Hz},
              {"rigid_body_modes", m.rigid_body_modes},
              {"supports", m.supports},
              {"modes", modes},
              {"movable_mass_kg", m.movable_mass_kg},
              {"structural_mass_kg", m.structural_mass_kg},
              {"added_mass_kg", m.added_mass_kg},
              {"converged", m.converged},
              {"eigen_solver",
               {{"method", m.preconditioned ? "LOBPCG" : "Lanczos"},
                {"restarts", m.iterations},
                {"products", m.products},
                {"time_s", m.seconds}}}};
    }

    Json weld_strengths_json(const DesignBasis &d)
    {
      Json list = Json::array();
      for (const auto &w : d.weld_strengths)
        list.push_back({{"material", w.material},
                        {"Rp02_haz_MPa", w.Rp02},
                        {"Rm_haz_MPa", w.Rm},
                        {"basis", w.basis},
                        {"assumed", w.assumed}});
      return list;
    }
  } // namespace

  void write_report_json(const ResultData &r, const Case &c, const StageLog &log,
                         const Picture &picture, const std::string &path, const Picture *buckling)
  {
    Json j;
    j["case"]             = c.name;
    j["case_file"]        = c.file;
    j["program_version"]  = version;
    j["units"]            = "mm, N, MPa, tonne, s; masses in kg";
    j["dofs"]             = r.dofs;
    j["elements"]         = r.elements;
    j["fibres"]           = c.mesh.straight_fibres ? "straight" : "quadratic";
    j["mass"]["total_kg"] = r.mass.total_kg;
    j["mass"]["parts"]    = Json::object();
    for (const auto &p : r.mass.parts)
      j["mass"]["parts"][p.name] = p.mass_kg;
    j["centre_of_gravity_mm"] = vec(r.mass.centre_of_gravity_mm);

    // Index of the VTK cell data "part" and "material".
    j["parts"] = Json::array();
    for (const auto &p : r.parts)
      j["parts"].push_back({{"name", p.name},
                            {"material", p.material.name},
                            {"thickness_mm", p.thickness},
                            {"layers", p.layers},
                            {"elements", p.n_cells}});
    j["joints"] = Json::array();
    for (const auto &jt : r.joints)
      j["joints"].push_back({{"parts", {jt.part_a, jt.part_b}},
                             {"kind", jt.kind == Joint::Kind::tied ? "tied" : "shared_nodes"},
                             {"length_mm", jt.length_mm}});
    j["load_cases"] = Json::array();
    for (const auto &lc : r.load_cases)
      j["load_cases"].push_back(load_case_json(r, lc));

    if (r.design.checked)
      j["design_check"] = {{"allowable", c.criteria.rule == CriteriaSpec::Rule::adr
                                           ? "ADR 6.8.2.1.16: min(0.75 Rp0.2, 0.5 Rm)"
                                           : "Rp0.2 / " + shortest(c.criteria.safety_factor)},
                           {"haz_width_mm", c.criteria.haz_width
                                              ? Json(*c.criteria.haz_width)
                                              : Json(c.criteria.haz_width_text())},
                           {"weld_strengths", weld_strengths_json(r.design)}};
    if (!r.minimum_thickness.empty())
      {
        j["minimum_thickness"] = Json::array();
        for (const auto &m : r.minimum_thickness)
          j["minimum_thickness"].push_back(
            {{"part", m.part},
             {"material", m.material},
             {"thickness_mm", m.thickness_mm},
             {"required_mm", m.checked ? Json(m.required_mm) : Json(nullptr)},
             {"reference_steel_mm", m.reference_steel_mm},
             {"diameter_mm", m.diameter_mm},
             {"protected", m.protected_shell},
             {"checked", m.checked},
             {"passed", m.passed},
             {"basis", m.basis}});
      }
    {
      const ConvergenceEvidence &ev    = r.convergence;
      const char                *state = "not_asked";
      switch (ev.state)
        {
          case ConvergenceEvidence::State::not_asked: break;
          case ConvergenceEvidence::State::off: state = "off"; break;
          case ConvergenceEvidence::State::not_needed: state = "not_needed"; break;
          case ConvergenceEvidence::State::not_possible: state = "not_possible"; break;
          case ConvergenceEvidence::State::checked: state = "checked"; break;
        }
      Json cases = Json::array();
      for (const auto &cc : ev.cases)
        cases.push_back({{"load_case", cc.load_case},
                         {"utilization", cc.coarse},
                         {"utilization_refined", cc.fine},
                         {"change", cc.change},
                         {"part", cc.part},
                         {"location_mm", vec(cc.location_mm)},
                         {"singular", cc.singular}});
      j["convergence"] = {{"state", state},
                          {"mesh_size_mm", ev.mesh_size_mm},
                          {"refined_mesh_size_mm", ev.fine_mesh_size_mm},
                          {"note", ev.note},
                          {"load_cases", cases}};
    }
    if (r.modal)
      j["modal"] = modal_json(*r.modal);
    j["verdict"]  = {{"status", verdict_text(r.verdict.status)},
                     {"failures", r.verdict.failures},
                     {"conditions", r.verdict.conditions}};
    j["warnings"] = run_warnings(r, c);
    j["passed"] =
      r.verdict.status == Verdict::Status::pass || r.verdict.status == Verdict::Status::none;
    if (const int gov = governing_load_case(r); gov >= 0)
      j["governing_load_case"] = r.load_cases[gov].name;
    j["picture"] = picture.made ? Json(picture.file) : Json(nullptr);
    if (!picture.made)
      j["picture_message"] = picture.message;
    if (buckling)
      j["buckling_picture"] = buckling->made ? Json(buckling->file) : Json(nullptr);
    // Seconds per stage; a stage that ran more than once (one per support set) is summed.
    Json stages = Json::object();
    for (const auto &[stage, seconds] : log.stages())
      stages[stage] = stages.value(stage, 0.0) + seconds;
    j["time_s"] = stages;
    // The factorisations' orderings: made, taken from an ordering cache (sweeps), and their time.
    // Matrix structures and symbolic factorisations kept from an earlier run in the same
    // process (a sweep worker's points) count among the reused.
    j["ordering"] = {{"factorisations", r.orderings},
                     {"reused", r.orderings_reused},
                     {"symbolic_reused", r.symbolic_reused},
                     {"structures_reused", r.structures_reused},
                     {"time_s", r.ordering_seconds}};
    // The numeric factorisations' rate beside the machine's DGEMM rate (null: not measured,
    // every factorisation was small).
    j["factorisation"] = {
      {"solver", r.factor_solver},
      {"processes", r.factor_processes},
      {"gflop", 1e-9 * r.factor_flops},
      {"time_s", r.factor_seconds},
      {"gflop_per_s",
       r.factor_seconds > 0 ? Json(1e-9 * r.factor_flops / r.factor_seconds) : Json(nullptr)},
      {"dgemm_gflop_per_s", r.dgemm_rate > 0 ? Json(1e-9 * r.dgemm_rate) : Json(nullptr)}};
    // The iterative solver's work (null: the direct solver solved every load case).
    const IterativeStatistics &it = r.iterative;
    j["iterative"]                = it.solves == 0 ? Json(nullptr)
                                                   : Json{{"solves", it.solves},
                                           {"iterations_max", it.iterations_max},
                                           {"iterations_total", it.iterations_total},
                                           {"relative_residual_max", it.residual_max},
                                           {"time_s", it.seconds},
                                           {"preconditioner_time_s", it.preconditioner_seconds},
                                           {"multigrid_levels", it.levels},
                                           {"grid_complexity", it.grid_complexity},
                                           {"subdomain_dofs", it.subdomain_dofs}};

    // Names come from the user's file and may hold any bytes: invalid UTF-8 is replaced, not
    // refused, so that the report is always valid JSON.
    write_text_file(path, j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  }
} // namespace lightbody
