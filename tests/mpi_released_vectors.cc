// What the processes of the SPMD run hold after the solve (solver/elastic_problem.cc,
// release_solved), run under mpirun by mpi_released_vectors.py on a case with several support
// sets, load cases with and without a buckling analysis (side by side) and a vibration analysis.
// A load case's loads are read after its solve only for the reactions (at the supported DoFs)
// and the equilibrium sums, both rank 0's; only rank 0 reads its displacements after the solve
// (the reactions, the post-processing, which sends the other processes the displacements of
// their bands again: app/pipeline.cc); the others read the displacements only for the geometric
// stiffness of their band of cells. Checked on each process after solve_load_cases:
//   - rank 0: every load case's displacements whole (n_dofs values, finite), its loads freed
//     with their sums kept (the sum of their magnitudes positive and finite: every load case of
//     the case has loads) and equal to the reactions' (the equilibrium), and the buckling load
//     factors of the cases that ask for them;
//   - every process: no load case's loads, the other processes no displacements either (8
//     bytes per DoF each, freed before the eigen analyses' peak, bench/heap_profile.py).
// With the direct solver (MUMPS) and the iterative one (`iterative`: rank 0 solves, sending the
// others the displacements). Exit 0 when every check holds on this process.
//
// usage: mpi_released_vectors CASE [iterative]
#include "solver/distributed_factor.h"
#include "solver/elastic_problem.h"
#include "input/case_reader.h"
#include "mpi_program.h"

#include <mpi.h>

#include <array>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

using namespace lightbody;

int main(int argc, char **argv)
{
  testing::MpiProgram program(argc, argv);
  const int           rank = program.rank, processes = program.processes;
  const auto          fail = [&](const std::string &what) { program.fail(what); };
  {
    const Case                   c     = read_case(argv[1]);
    const std::unique_ptr<Model> model = build_model(c);
    StageLog                     log;
    SolverOptions                options;
    options.together = processes > 1;
    if (argc > 2 && std::string(argv[2]) == "iterative")
      options.linear_solver = LinearSolver::iterative;
    const auto        s = solve_load_cases(*model, c, log, options);
    const std::size_t n = s->dof_handler.n_dofs();
    // (each DoF's component)
    std::vector<unsigned>                        component(n, 0);
    std::vector<dealii::types::global_dof_index> dofs(s->fe.n_dofs_per_cell());
    for (const auto &cell : s->dof_handler.active_cell_iterators())
      {
        cell->get_dof_indices(dofs);
        for (unsigned i = 0; i < dofs.size(); ++i)
          component[dofs[i]] = s->fe.system_to_component_index(i).first;
      }
    unsigned buckling = 0;
    for (unsigned i = 0; i < s->load_cases.size(); ++i)
      {
        const LoadCaseSolution &l = s->load_cases[i];
        if (rank == 0)
          {
            if (l.displacement.size() != n || l.load.size() != 0)
              fail("load case " + l.name + ": displacements not whole or loads held on rank 0");
            else if (!std::isfinite(l.displacement.l2_norm()) || l.displacement.l2_norm() == 0)
              fail("load case " + l.name + ": displacements not finite or zero");
            if (!(l.applied_magnitude_N > 0) || !std::isfinite(l.applied_magnitude_N))
              fail("load case " + l.name + ": the loads' sum of magnitudes " +
                   std::to_string(l.applied_magnitude_N));
            // (the rigid supports' reactions balance the loads' sums)
            std::array<double, 3> reaction{{0, 0, 0}};
            for (std::size_t d = 0; d < l.reaction.size(); ++d)
              reaction[component[d]] += l.reaction[d];
            for (unsigned c = 0; c < 3; ++c)
              if (!(std::abs(reaction[c] + l.applied_N[c]) <= 1e-8 * l.applied_magnitude_N))
                fail("load case " + l.name + ": reactions " + std::to_string(reaction[c]) +
                     " N against loads " + std::to_string(l.applied_N[c]) + " N, component " +
                     std::to_string(c));
            if (c.load_cases[i].has_buckling() &&
                l.buckling.factors.size() != c.load_cases[i].buckling_modes)
              fail("load case " + l.name + ": " + std::to_string(l.buckling.factors.size()) +
                   " load factors");
          }
        else if (l.displacement.size() != 0 || l.load.size() != 0)
          fail("load case " + l.name + ": " + std::to_string(l.displacement.size()) +
               " displacements and " + std::to_string(l.load.size()) +
               " loads held by a process other than rank 0");
        buckling += c.load_cases[i].has_buckling();
      }
    if (buckling < 2 || buckling == s->load_cases.size() || s->support_sets < 2)
      fail("the case needs load cases with and without buckling, and several support sets");
    if (rank == 0)
      std::cout << processes << " processes: " << s->load_cases.size() << " load cases ("
                << buckling << " with buckling), " << s->support_sets << " support sets, " << n
                << " DoFs" << std::endl;
  }
  return program.finish();
}
