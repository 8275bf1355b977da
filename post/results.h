#pragma once
// Results of a run: stresses, maxima, reactions, equilibrium, probes, mass and centre of gravity.
#include "solver/solution.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace lightbody
{
  struct PartMass
  {
    std::string name;
    std::string material;
    double      mass_kg = 0;
    double      volume_mm3 = 0;
  };

  struct MassReport
  {
    std::vector<PartMass> parts;
    double                total_kg = 0;
    Vec3                  centre_of_gravity_mm{0, 0, 0};
  };

  struct ProbeResult
  {
    std::string name;
    Vec3        point{};
    Vec3        displacement_mm{};
    double      von_mises_MPa = 0;
    std::array<double, 6> stress_MPa{}; // xx, yy, zz, xy, yz, xz
    std::string part;
  };

  struct ReactionResult
  {
    std::string support;
    Vec3        force_N{};
  };

  struct LoadCaseResult
  {
    std::string name;
    std::string description;
    double      max_displacement_mm = 0;
    Vec3        max_displacement_location_mm{};
    std::string max_displacement_part;
    double      max_von_mises_MPa = 0;
    std::string max_von_mises_part;
    Vec3        max_von_mises_location_mm{};
    Vec3        reaction_sum_N{};
    Vec3        applied_sum_N{};
    // |reactions + applied loads| / sum of |nodal loads|: zero for exact equilibrium.
    double                      equilibrium_error = 0;
    std::vector<ReactionResult> reactions;
    std::vector<ProbeResult>    probes;

    // Nodal fields on the stress DoF handler (one value per Q2 node), averaged over the elements
    // around each node: stress tensor xx, yy, zz, xy, yz, xz; von Mises; principal stresses.
    std::vector<std::array<double, 6>> stress;
    std::vector<double>                von_mises;
    std::vector<std::array<double, 3>> principal;

    // Design check (when the case has criteria): von Mises over the allowable stress of the
    // elements around each node (the lowest: heat-affected elements govern at a weld).
    std::vector<double> utilization;
    double              max_utilization = 0;
    std::string         max_utilization_part;
    Vec3                max_utilization_location_mm{};
    std::vector<double> part_max_utilization; // per model part
    double              deflection_limit_mm = 0; // 0: none
    bool                passed = true; // utilization <= 1 and displacement within the limit
  };

  // Allowable stress of every element under the case's criteria, with heat-affected bands along
  // the welds (ties and shared-node joints between parts).
  struct DesignBasis
  {
    bool                     checked = false;
    std::vector<double>      allowable_MPa;  // per element
    std::vector<bool>        heat_affected;  // per element
    std::vector<std::string> unconfirmed_haz; // materials welded without a confirmed HAZ value
  };
  DesignBasis design_basis(const Model &model, const CriteriaSpec &criteria);

  class Results
  {
  public:
    explicit Results(const Solution &s);
    Results(const Results &) = delete;

    const Solution             &solution;
    dealii::FE_Q<3>             fe_scalar;
    dealii::DoFHandler<3>       node_handler; // one DoF per Q2 node, for the stress fields
    MassReport                  mass;
    DesignBasis                 design;
    std::vector<LoadCaseResult> load_cases;
    // Results the program stands behind but that deserve a look (a displacement many times the
    // part's gauge): printed on stderr and listed in report.md and report.json.
    std::vector<std::string> warnings;
  };

  // A solve whose equilibrium error exceeds this is not a result: part of the model is a
  // mechanism (held at a single node or line) and the factorisation's round-off dominates.
  // Measured: sound solves reach 1e-13 to 1e-8 (the example bodies: tank 1e-12, tipper on its
  // pins 1e-8), the worst-conditioned sound model of the tests 6.4e-6 (a small tipper hanging on
  // its three pin regions, tests/test_templates.cc); a part turning about a single node line 1.3
  // (tests/bad_cases/mechanism_pinned_at_one_node_line.yaml).
  inline constexpr double max_equilibrium_error = 1e-4;
  // A displacement of more than this many times the gauge of the part where it occurs is outside
  // small-deflection (linear) plate theory, valid for deflections up to about the gauge
  // (Timoshenko & Woinowsky-Krieger, Theory of Plates and Shells, ch. 13): the run goes on and
  // says so.
  inline constexpr double large_displacement_per_thickness = 10;

  // The warnings of a run: the case's (unusual input values) and the results' (large
  // displacements), each one line.
  std::vector<std::string> run_warnings(const Results &r, const Case &c);

  // The load case with the highest utilization (the highest von Mises stress when there is no
  // design check); -1 when there are none.
  int governing_load_case(const Results &r);
  // Every load case passed its design check (and deflection limit).
  bool all_passed(const Results &r);

  // Mass of each part and the centre of gravity, integrated over the exact geometry.
  MassReport compute_mass(const Model &model);

  std::unique_ptr<Results> compute_results(const Solution &s, const Case &c);

  // The six-component stress (xx, yy, zz, xy, yz, xz) as von Mises and principal values.
  double                von_mises(const std::array<double, 6> &s);
  std::array<double, 3> principal_stresses(const std::array<double, 6> &s);
} // namespace lightbody

namespace lightbody
{
  // Volume enclosed by a closed surface of the model (a compartment's wetted surface), by the
  // divergence theorem over its faces: V = -1/3 sum int (x - x0) . n dA, n the faces' outward
  // normals (pointing into the enclosed space). mm^3.
  double enclosed_volume(const Model &model, const std::string &surface);
} // namespace lightbody
