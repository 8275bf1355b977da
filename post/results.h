#pragma once
// Results of a run computed from the solution: stresses, maxima, reactions, equilibrium and
// soundness checks, probes, mass and centre of gravity, utilization.
#include "post/result_data.h"
#include "solver/solution.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/fe/fe_q.h>

#include <array>
#include <exception>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lightbody
{
  // Allowable stress of every element under the case's criteria, with heat-affected bands along
  // the welds (ties and shared-node joints between parts).
  DesignBasis design_basis(const Model &model, const CriteriaSpec &criteria);

  // The results with the finite-element data they were computed on (the nodal fields live on
  // node_handler's numbering).
  class Results : public ResultData
  {
  public:
    explicit Results(const Solution &s);
    Results(const Results &) = delete;

    const Solution       &solution;
    dealii::FE_Q<3>       fe_scalar;
    dealii::DoFHandler<3> node_handler; // one DoF per Q2 node, for the stress fields
  };

  // A solve whose equilibrium error exceeds this is not a result: part of the model is a
  // mechanism (held at a single node or line) and the factorisation's round-off dominates.
  // Measured: sound solves reach 1e-13 to 1e-8 (the example bodies: tank 1e-12, tipper on its
  // pins 1e-8), the worst-conditioned sound model of the tests 6.4e-6 (a small tipper hanging on
  // its three pin regions, tests/test_templates.cc); a part turning about a single node line 1.3
  // (tests/bad_cases/mechanism_pinned_at_one_node_line.yaml).
  inline constexpr double max_equilibrium_error = 1e-4;
  // An equilibrium error above max_equilibrium_error within this factor of what rounding the
  // displacements leaves (LoadCaseResult::equilibrium_round_off) is the round-off of thin walls,
  // not a mechanism (measured: 0.04 to 2 times it from 1e-9 to 5e-2).
  inline constexpr double round_off_margin = 10;
  // Such an error up to this fraction is written (the verdict CONDITIONAL); above it the results
  // are refused: the displacements are uncertain by about as much.
  inline constexpr double max_round_off_imbalance = 0.1;
  // A displacement of more than this many times the gauge of the part where it occurs is outside
  // small-deflection (linear) plate theory, valid for deflections up to about the gauge
  // (Timoshenko & Woinowsky-Krieger, Theory of Plates and Shells, ch. 13): the verdict
  // cannot be PASS there.
  inline constexpr double large_displacement_per_thickness = 10;
  // Nor is a displacement of more than this fraction of the part's size (the diagonal of its
  // bounding box): the geometry changes visibly.
  inline constexpr double large_displacement_per_size = 0.05;

  // Mass of each part and the centre of gravity, integrated over the exact geometry.
  MassReport compute_mass(const Model &model);

  // `spread`: under an MPI launch every process calls this together with the same solution, each
  // working the stresses of its band of cells (cell_share); rank 0 returns the results, the
  // others null.
  std::unique_ptr<Results> compute_results(const Solution &s, const Case &c, bool spread = false);

  // This process's band of cells under an MPI launch (`spread`: cell_share's; the spread mesh's
  // own cells where the solution has one, s.spread_mesh), else all of them, on DoFs numbered as
  // the solution's; and the mapping of their mesh (null: the model's, model.mapping).
  std::vector<dealii::DoFHandler<3>::active_cell_iterator> band_cells(const Solution &s,
                                                                      bool            spread);
  const dealii::Mapping<3> *band_mapping(const Solution &s, bool spread);

  // Under an MPI launch (`spread`, collective), whether every process came here sound: rethrows
  // this process's failure, or throws where another's failed.
  void check_processes(const std::exception_ptr &failure, bool spread);

  // Hooke's law: the six-component stress (xx, yy, zz, xy, yz, xz) of a strain.
  std::array<double, 6> stress_from_strain(const dealii::SymmetricTensor<2, 3> &eps,
                                           const Material                      &m);

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
