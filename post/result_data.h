#pragma once
// Results as plain data (no deal.II): masses, maxima, reactions, probes, utilization and the
// nodal fields of every load case, with the model's parts and joints. The report writers and
// scripts read this; post/results.h adds the finite-element data it was computed on.
#include "solver/linear_solver.h"
#include "input/case.h"
#include "meshes/model_parts.h"
#include "post/verdict.h"

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightbody
{
  struct PartMass
  {
    std::string name;
    std::string material;
    double      mass_kg    = 0;
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
    std::string           name;
    Vec3                  point{};
    Vec3                  displacement_mm{};
    double                von_mises_MPa = 0;
    std::array<double, 6> stress_MPa{}; // xx, yy, zz, xy, yz, xz
    std::string           part;
  };

  struct ReactionResult
  {
    std::string support;
    Vec3        force_N{};
  };

  // Where a mode shape is largest.
  struct ModeShapePeak
  {
    Vec3        location_mm{};
    std::string part;
  };

  // Linear buckling of a load case: the load factors on the whole case (ascending).
  struct BucklingResult
  {
    bool                       analysed  = false;
    unsigned                   requested = 0;
    std::vector<double>        load_factors;
    std::vector<ModeShapePeak> peaks;
    double                     required   = 0; // criteria.buckling_factor
    bool                       passed     = true;
    bool                       converged  = true;
    unsigned                   iterations = 0, products = 0;
    bool                       preconditioned   = false; // LOBPCG (else Lanczos)
    double                     assembly_seconds = 0, seconds = 0;
  };

  // Natural frequencies of the body on the modal supports.
  struct ModalResult
  {
    std::vector<double>                frequencies_Hz; // ascending; rigid-body modes first
    std::vector<std::array<double, 3>> effective_mass_kg;
    std::vector<ModeShapePeak>         peaks;
    std::array<double, 3>              movable_mass_kg{{0, 0, 0}};
    double                             structural_mass_kg = 0, added_mass_kg = 0;
    unsigned                           rigid_body_modes = 0;
    std::vector<std::string>           supports; // empty: a free body
    bool                               converged  = true;
    unsigned                           iterations = 0, products = 0;
    bool                               preconditioned = false; // LOBPCG (else Lanczos)
    double                             seconds        = 0;
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
    double equilibrium_error = 0;
    // The part of that error which rounding the displacements to double precision leaves:
    // LoadCaseSolution::round_off_N over the same sum (1e-16 to 1e-8 on the example bodies; a
    // wall whose gauge is a thousandth of its span or less reaches 1e-5 and more).
    double equilibrium_round_off = 0;
    // Non-empty when the error is above max_equilibrium_error but round-off explains it (a wall
    // very thin against its span, displacements within a linear analysis): the results are
    // written, the verdict cannot be PASS and this says why.
    std::string                 round_off_imbalance;
    std::vector<ReactionResult> reactions;
    std::vector<ProbeResult>    probes;

    // Nodal fields on the stress DoF handler (one value per Q2 node), averaged over the elements
    // around each node: stress tensor xx, yy, zz, xy, yz, xz; von Mises; principal stresses.
    std::vector<std::array<double, 6>> stress;
    std::vector<double>                von_mises;
    std::vector<std::array<double, 3>> principal;
    // Stress categories at every node (post/stress_categories.h): von Mises of the membrane
    // (average through the thickness) and linearised membrane + bending stress (the larger of the
    // two surfaces), and of the linearised stress at the top and bottom surface.
    std::vector<double> membrane_von_mises, membrane_bending_von_mises, top_von_mises,
      bottom_von_mises;

    // Design check (when the case has criteria): von Mises over the allowable stress of the
    // elements around each node (the lowest: heat-affected elements govern at a weld).
    std::vector<double> utilization;
    double              max_utilization = 0;
    std::string         max_utilization_part;
    Vec3                max_utilization_location_mm{};
    // The stress category of the largest utilization: "membrane", "membrane+bending" or "peak".
    std::string           max_utilization_category;
    double                max_peak_utilization = 0; // raw von Mises / f, for information
    std::vector<double>   part_max_utilization;     // per model part
    std::optional<double> deflection_limit_mm;      // not given: none
    bool                  passed = true; // utilization <= 1 and displacement within the limit
    // Parts whose largest displacement is beyond the validity of a linear analysis, one line
    // each: the verdict cannot be PASS.
    std::vector<std::string> outside_linear_validity;
    // Per model part: its largest displacement over the limit of a linear analysis (the smaller
    // of large_displacement_per_thickness gauges and large_displacement_per_size of its size);
    // above 1 the part is outside the analysis's validity.
    std::vector<double> part_linear_validity_ratio;
    BucklingResult      buckling;
  };

  // Allowable stress of every element under the case's criteria, with heat-affected bands along
  // the welds (ties and shared-node joints between parts).
  struct DesignBasis
  {
    bool                checked = false;
    std::vector<double> allowable_MPa; // per element
    std::vector<bool>   heat_affected; // per element
    // The weld strengths used, one per material (and basis) with heat-affected elements.
    struct WeldStrength
    {
      std::string material;
      double      Rp02 = 0, Rm = 0;
      std::string basis;
      bool        assumed = false; // rests on an assumed rule or on base values
    };
    std::vector<WeldStrength> weld_strengths;
  };

  // Convergence evidence: the load cases near or above the limit re-solved on a finer mesh.
  struct ConvergenceCheck
  {
    std::string load_case;
    double      coarse = 0, fine = 0; // governing utilization on the run's and the finer mesh
    double      change = 0;           // (fine - coarse) / coarse
    std::string part;                 // where the finer mesh's maximum lies
    Vec3        location_mm{};
    bool        singular = false; // grows by more than convergence_tolerance
  };
  struct ConvergenceEvidence
  {
    enum class State
    {
      not_asked,    // no design check
      off,          // criteria.convergence: off
      not_needed,   // every load case below the threshold
      not_possible, // the finer model is too large: `note` says why
      checked
    } state                                    = State::not_asked;
    double                        mesh_size_mm = 0, fine_mesh_size_mm = 0;
    std::string                   note;
    std::vector<ConvergenceCheck> cases;
  };

  struct ResultData
  {
    std::size_t dofs = 0;
    // Fill-reducing orderings made and taken from an ordering cache, and their time.
    unsigned orderings = 0, orderings_reused = 0;
    double   ordering_seconds = 0;
    // Matrix structures and symbolic factorisations kept from an earlier run in the process.
    unsigned structures_reused = 0, symbolic_reused = 0;
    // The numeric factorisations: flops, time and the machine's DGEMM rate (flop/s; 0 when not
    // measured).
    double              factor_flops = 0, factor_seconds = 0, dgemm_rate = 0;
    std::string         factor_solver    = "CHOLMOD";
    int                 factor_processes = 1;
    IterativeStatistics iterative; // factor_solver "CG+GAMG"
    // The point-field files: one .vtu per load case, or in the SPMD run a .pvtu per load case
    // recording one piece per process.
    std::string                   field_file_extension = ".vtu";
    std::size_t                   elements             = 0;
    std::vector<PartMesh>         parts;
    std::vector<Joint>            joints;
    MassReport                    mass;
    DesignBasis                   design;
    std::vector<LoadCaseResult>   load_cases;
    std::vector<MinimumThickness> minimum_thickness; // ADR 6.8.2.1.18-19, tank bodies
    ConvergenceEvidence           convergence;
    std::optional<ModalResult>    modal;
    Verdict                       verdict;
    // Results the program stands behind but that deserve a look (a displacement many times the
    // part's gauge): printed on stderr and listed in report.md and report.json.
    std::vector<std::string> warnings;
  };

  // The warnings of a run: the case's (unusual input values) and the results' (large
  // displacements), each one line.
  std::vector<std::string> run_warnings(const ResultData &r, const Case &c);

  // The load case with the highest utilization (the highest von Mises stress when there is no
  // design check); -1 when there are none.
  int governing_load_case(const ResultData &r);
  // Every load case passed its design check (and deflection limit).
  bool all_passed(const ResultData &r);

} // namespace lightbody
