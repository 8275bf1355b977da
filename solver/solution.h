#pragma once
// The solver's output: one displacement field per load case on the model's mesh, the consistent
// nodal loads and the support reactions.
#include "solver/linear_solver.h"
#include "meshes/model.h"
#include "input/case.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/vector.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lightbody
{
  struct DistributedMesh;
  struct SupportDofs
  {
    std::string                                  name;
    std::vector<dealii::types::global_dof_index> dofs;
    bool                                         elastic = false; // bedding or springs
  };

  // Linear buckling of a load case: (K + lambda K_G(sigma)) phi = 0 for the case's stress.
  struct BucklingSolution
  {
    unsigned                            requested = 0;
    std::vector<double>                 factors; // ascending, positive load factors lambda
    std::vector<dealii::Vector<double>> modes;   // largest displacement component 1
    bool                                converged  = true;
    unsigned                            iterations = 0, products = 0;
    // LOBPCG with the iterative solver's preconditioner (iterations and applications of it),
    // else the Lanczos process (restarts and products).
    bool   preconditioned   = false;
    int    processes        = 1; // holding LOBPCG's blocks by rows (under mpirun)
    double assembly_seconds = 0; // the geometric stiffness
    double seconds          = 0; // the eigen solve
  };

  // Natural vibration: K phi = omega^2 M phi on the modal support set.
  struct ModalSolution
  {
    std::vector<double>                 omega2; // ascending, 1/s^2
    std::vector<dealii::Vector<double>> modes;  // mass-normalised, phi^T M phi = 1
    // Effective (participating) mass of each mode in x, y, z (tonne) and the mass that can
    // move in each direction (the whole mass of the structure and the added masses, less what
    // the supports hold).
    std::vector<std::array<double, 3>> effective_mass;
    std::array<double, 3>              total_mass{{0, 0, 0}};
    double                             structural_mass = 0, added_mass = 0; // tonne
    unsigned                           rigid_body_modes = 0;
    double                             shift            = 0; // s of K + s M, 1/s^2
    std::vector<unsigned>              supports;
    bool                               converged  = true;
    unsigned                           iterations = 0, products = 0;
    bool                               preconditioned = false; // as BucklingSolution's
    int                                processes      = 1;     // as BucklingSolution's
    double                             seconds        = 0;
  };

  struct LoadCaseSolution
  {
    std::string            name;
    dealii::Vector<double> displacement; // mm
    // Consistent nodal forces, N (before constraints): freed once solved (empty after;
    // ElasticProblem keeps them at the DoFs of the reactions), their sums kept:
    dealii::Vector<double> load;
    std::array<double, 3>  applied_N{{0, 0, 0}};    // the nodal forces' sum (x, y, z), N
    double                 applied_magnitude_N = 0; // the sum of their magnitudes |f_i|, N
    dealii::Vector<double> reaction;                // rigid supports' reactions, N (zero elsewhere)
    dealii::Vector<double> spring_reaction; // elastic supports' forces -K_s u, N (empty: none)
    // Each elastic support's own force -K_s u (x, y, z), N, by index into Solution::supports
    // (zero for the rigid ones; empty: no elastic support): two elastic supports at one node
    // each keep theirs.
    std::vector<std::array<double, 3>> spring_force;
    std::vector<unsigned> supports; // indices into Solution::supports that hold this case
    BucklingSolution      buckling; // requested == 0: not analysed
    // The forces that rounding the displacements to double precision leaves unbalanced, N:
    // the machine epsilon times the sum over the DoFs of |K_ii u_i| (the stiffness matrix's
    // diagonal). A thin wall's stiffness through its thickness is large against its bending
    // stiffness, so that the best displacements double precision can hold leave an imbalance of
    // this order, however exact the solve.
    double round_off_N = 0;
  };

  struct SolverStatistics
  {
    std::size_t dofs            = 0;
    std::size_t matrix_nonzeros = 0;
    double      factor_nonzeros = 0;
    double      factor_bytes    = 0;
    // Fill-reducing orderings: made (one per factorisation), taken from the ordering cache, and
    // the time spent ordering and analysing.
    unsigned orderings = 0, orderings_reused = 0;
    double   ordering_seconds = 0;
    // Of those, kept in this process from an earlier run (SolverOptions::reuse_structure): matrix
    // structures and symbolic factorisations.
    unsigned structures_reused = 0, symbolic_reused = 0;
    // The numeric factorisations: their flop counts (CHOLMOD's analysis) and time, and the
    // machine's DGEMM rate (flop/s) they are compared with (0: no factorisation was large enough
    // to measure it).
    double factor_flops = 0, factor_seconds = 0, dgemm_rate = 0;
    // The sparse direct solver and the processes sharing its factorisations: CHOLMOD in this
    // process, or MUMPS over the processes of an MPI launch.
    std::string factor_solver    = "CHOLMOD";
    int         factor_processes = 1;
    // The iterative solver's (factor_solver "CG+GAMG"), when it was used.
    IterativeStatistics iterative;
  };

  class Solution
  {
  public:
    explicit Solution(const Model &m);
    Solution(const Solution &) = delete;

    const Model                  &model;
    dealii::FESystem<3>           fe;
    dealii::DoFHandler<3>         dof_handler;
    std::vector<SupportDofs>      supports;         // every support of the case
    unsigned                      support_sets = 0; // distinct sets, one factor each
    std::vector<LoadCaseSolution> load_cases;
    std::optional<ModalSolution>  modal;
    SolverStatistics              statistics;
    std::vector<std::string>      warnings; // about the supports, for the reports
    // Under an MPI launch, the model's mesh spread over the processes, whose own cells are this
    // process's band (solver/distributed_mesh.h; its DoFs numbered as dof_handler's); null in
    // one process, or with more processes than cells.
    std::shared_ptr<const DistributedMesh> spread_mesh;
  };
} // namespace lightbody
