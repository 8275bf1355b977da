// Run under `mpirun -np 2` by tests/mpi_subdomain_failure.py. The iterative solver's set-up
// is collective: each process factorises the subdomains of its own rows, then all of them make
// the scatter of the subdomains' overlap together. A subdomain that cannot be factorised on one
// process must fail the set-up on every process (else the others wait in the scatter's set-up
// for it: a hung job on a cluster). The matrix: a lattice's stiffness (tests/lattice_matrix.h),
// positive definite but for one negative diagonal entry in the last rows, which are the last
// process's. Each process gives its share of the rows (rank 0 all of them, the others
// none: the shares are added up). Expected: set_matrix_together throws on every process, the
// last process with the subdomain's reason ("is not positive definite"), the others saying that
// it failed in another process; then the same objects take the matrix without the negative
// entry and solve it (the processes still work together after the failure). Exit 0 when all of
// that holds on this process, 1 otherwise.
#include "solver/distributed_factor.h"
#include "solver/iterative_solver.h"
#include "lattice_matrix.h"
#include "mpi_program.h"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
  lightbody::testing::MpiProgram program(argc, argv);
  const int                      rank = program.rank, size = program.processes;
  const auto                     fail = [&](const std::string &what) { program.fail(what); };

  // The lattice of 8 x 8 x 4 nodes (768 DoFs, 384 rows a process), its last rows the last
  // process's; one of them, with a negative diagonal entry, makes its subdomain indefinite.
  std::vector<double>                           coordinates;
  const lightbody::IterativeSolver::RowFunction lattice =
    lightbody::testing::lattice(8, 8, 4, coordinates);
  const std::size_t n        = coordinates.size();
  bool              negative = true;
  const auto row = [&](std::size_t i, std::vector<int> &columns, std::vector<double> &values) {
    columns.clear();
    values.clear();
    if (rank != 0)
      return; // (rank 0's share holds every row)
    lattice(i, columns, values);
    if (negative && i == n - 10)
      for (std::size_t k = 0; k < columns.size(); ++k)
        if (columns[k] == int(i))
          values[k] = -50.0;
  };

  {
    lightbody::IterativeSolver solver;
    try
      {
        solver.set_matrix_together(n, row, coordinates, 3, 96, {});
        fail("the set-up with a negative diagonal entry did not fail");
      }
    catch (const std::exception &e)
      {
        const std::string text = e.what();
        std::printf("rank %d: %s\n", rank, text.c_str());
        const bool last = rank == size - 1;
        if (last && text.find("is not positive definite") == std::string::npos)
          fail("the failing process does not say why: " + text);
        if (!last && text.find("in another process") == std::string::npos)
          fail("the other processes do not say where it failed: " + text);
      }

    // The same objects, the matrix without the negative entry: set up and solved together
    // (rank 0 leading the solve, the others serving it).
    negative = false;
    try
      {
        solver.set_matrix_together(n, row, coordinates, 3, 96, {});
        if (rank == 0)
          {
            lightbody::lead_servers();
            std::vector<double>               x(n, 1.0);
            const lightbody::IterativeOutcome out = solver.solve(x.data(), 1e-10, 200);
            // The residual of A x = 1 for the returned x, computed here.
            double              worst = 0;
            std::vector<int>    columns;
            std::vector<double> values;
            for (std::size_t i = 0; i < n; ++i)
              {
                lattice(i, columns, values);
                double r = 1.0;
                for (std::size_t k = 0; k < columns.size(); ++k)
                  r -= values[k] * x[static_cast<std::size_t>(columns[k])];
                worst = std::max(worst, std::abs(r));
              }
            if (!out.converged || worst > 1e-8)
              fail("the sound matrix after the failure: " + out.reason + ", residual " +
                   std::to_string(worst));
            lightbody::release_servers(0);
          }
        else if (lightbody::serve_rank0(nullptr) != 0)
          fail("serving rank 0's solve");
      }
    catch (const std::exception &e)
      {
        fail(std::string("the sound matrix after the failure: ") + e.what());
        if (rank == 0 && lightbody::leading_servers())
          lightbody::release_servers(1);
      }
  }
  return program.finish();
}
