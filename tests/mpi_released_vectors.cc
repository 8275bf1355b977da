// What the processes of the SPMD run hold after the solve (solver/elastic_problem.cc,
// release_solved), run under mpirun by mpi_released_vectors.py on a case with several support
// sets, load cases with and without a buckling analysis (side by side) and a vibration analysis.
// Only rank 0 reads a load case's loads and displacements after the solve (the reactions, the
// equilibrium error, the post-processing, which sends the other processes the displacements of
// their bands again: app/pipeline.cc); the others read the displacements only for the geometric
// stiffness of their band of cells. Checked on each process after solve_load_cases:
//   - rank 0: every load case's displacements and loads whole (n_dofs values, finite), and the
//     buckling load factors of the cases that ask for them;
//   - the other processes: no load case's displacements nor loads (8 bytes per DoF each, freed
//     before the eigen analyses' peak, bench/heap_profile.py).
// With the direct solver (MUMPS) and the iterative one (`iterative`: rank 0 solves, sending the
// others the displacements). Exit 0 when every check holds on this process.
//
// usage: mpi_released_vectors CASE [iterative]
#include "solver/distributed_factor.h"
#include "solver/elastic_problem.h"
#include "input/case_reader.h"

#include <mpi.h>

#include <cmath>
#include <iostream>
#include <string>

using namespace lightbody;

int main(int argc, char **argv)
{
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  int rank = 0, processes = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &processes);
  start_distributed_factors(processes);
  int        failures = 0;
  const auto fail     = [&](const std::string &what) {
    if (failures++ < 10)
      std::cerr << "rank " << rank << ": FAILED: " << what << std::endl;
  };
  {
    const Case                   c     = read_case(argv[1]);
    const std::unique_ptr<Model> model = build_model(c);
    StageLog                     log;
    SolverOptions                options;
    options.together = processes > 1;
    if (argc > 2 && std::string(argv[2]) == "iterative")
      options.linear_solver = LinearSolver::iterative;
    const auto        s        = solve_load_cases(*model, c, log, options);
    const std::size_t n        = s->dof_handler.n_dofs();
    unsigned          buckling = 0;
    for (unsigned i = 0; i < s->load_cases.size(); ++i)
      {
        const LoadCaseSolution &l = s->load_cases[i];
        if (rank == 0)
          {
            if (l.displacement.size() != n || l.load.size() != n)
              fail("load case " + l.name + ": displacements or loads not whole on rank 0");
            else if (!std::isfinite(l.displacement.l2_norm()) || l.displacement.l2_norm() == 0)
              fail("load case " + l.name + ": displacements not finite or zero");
            if (c.load_cases[i].buckling_modes > 0 &&
                l.buckling.factors.size() != c.load_cases[i].buckling_modes)
              fail("load case " + l.name + ": " + std::to_string(l.buckling.factors.size()) +
                   " load factors");
          }
        else if (l.displacement.size() != 0 || l.load.size() != 0)
          fail("load case " + l.name + ": " + std::to_string(l.displacement.size()) +
               " displacements and " + std::to_string(l.load.size()) +
               " loads held by a process other than rank 0");
        buckling += c.load_cases[i].buckling_modes > 0;
      }
    if (buckling < 2 || buckling == s->load_cases.size() || s->support_sets < 2)
      fail("the case needs load cases with and without buckling, and several support sets");
    if (rank == 0)
      std::cout << processes << " processes: " << s->load_cases.size() << " load cases ("
                << buckling << " with buckling), " << s->support_sets << " support sets, " << n
                << " DoFs" << std::endl;
  }
  int all = 0;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all == 0 ? 0 : 1;
}
