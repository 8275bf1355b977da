// The model's mesh spread over the processes (solver/distributed_mesh.h), run under mpirun by
// mpi_distributed_mesh.py: each process checks its part against the serial model it also builds,
// and the processes' parts together against the whole. Exit 0 when every check holds.
//   - every serial cell is owned by exactly one process, each process owning its band
//     (cell_share), as it assembles in the SPMD run;
//   - the owned cells have the serial cells' vertices, and the exact geometry's mapped points
//     (the mapping's support points, read from the model by the coarse cell id) equal the
//     model's own mapping's at the finite element's support points;
//   - every ghost cell touches an owned cell;
//   - the DoFs: as many as the serial DoFHandler's, each owned by one process, and the owned and
//     ghost cells' DoFs a consistent renaming of the serial cells' (one serial DoF for each);
//   - distributed_numbering: a permutation of the serial DoFs, after which every owned and ghost
//     cell has the same DoFs in both; owned_rows: each process's own DoFs consecutive, in rank
//     order, all of them.
//
// usage: mpi_distributed_mesh CASE [KEY=VALUE ...]
#include "solver/distributed_mesh.h"
#include "solver/distributed_factor.h"
#include "input/case_reader.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_tools.h>

#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace dealii;
using namespace lightbody;

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  int rank = 0, processes = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &processes);
  int        failures = 0;
  const auto fail     = [&](const std::string &what) {
    if (failures++ < 10)
      std::cerr << "rank " << rank << ": FAILED: " << what << std::endl;
  };
  {
    std::vector<Override> overrides;
    for (int i = 2; i < argc; ++i)
      {
        const std::string s = argv[i];
        overrides.push_back({s.substr(0, s.find('=')), s.substr(s.find('=') + 1)});
      }
    const Case                   c     = read_case(argv[1], overrides);
    const std::unique_ptr<Model> model = build_model(c);
    const auto                   mesh  = distribute_mesh(*model, MPI_COMM_WORLD);
    DoFHandler<3>                serial(model->triangulation);
    serial.distribute_dofs(mesh->fe);

    const unsigned n         = model->triangulation.n_active_cells();
    const auto [first, last] = cell_share(n, rank, processes);
    std::vector<int>                     owners(n, 0);
    const double                         size = GridTools::diameter(model->triangulation);
    const Quadrature<3>                  points(mesh->fe.base_element(0).get_unit_support_points());
    const unsigned                       per_cell = mesh->fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> mine(per_cell), theirs(per_cell);
    std::map<types::global_dof_index, types::global_dof_index> renaming;
    unsigned                                                   owned = 0, ghosts = 0;
    std::set<unsigned>                                         owned_vertices;
    for (const auto &cell : mesh->triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        for (unsigned v = 0; v < GeometryInfo<3>::vertices_per_cell; ++v)
          owned_vertices.insert(cell->vertex_index(v));
    for (const auto &cell : mesh->dof_handler.active_cell_iterators())
      {
        if (cell->is_artificial())
          continue;
        const auto index = static_cast<unsigned>(cell->id().get_coarse_cell_id());
        if (index >= n)
          {
            fail("a cell's coarse id " + std::to_string(index) + " is not a serial cell");
            continue;
          }
        const DoFHandler<3>::active_cell_iterator s(&model->triangulation, 0, index, &serial);
        cell->get_dof_indices(mine);
        s->get_dof_indices(theirs);
        for (unsigned i = 0; i < per_cell; ++i)
          if (!renaming.emplace(mine[i], theirs[i]).second && renaming[mine[i]] != theirs[i])
            fail("DoF " + std::to_string(mine[i]) + " names two serial DoFs");
        if (cell->is_ghost())
          {
            ++ghosts;
            bool touches = false;
            for (unsigned v = 0; v < GeometryInfo<3>::vertices_per_cell; ++v)
              touches = touches || owned_vertices.count(cell->vertex_index(v)) > 0;
            if (!touches)
              fail("ghost cell " + std::to_string(index) + " touches no owned cell");
            continue;
          }
        ++owned;
        owners[index] = 1;
        if (index < first || index >= last)
          fail("cell " + std::to_string(index) + " owned outside the band");
        double far = 0;
        for (unsigned v = 0; v < GeometryInfo<3>::vertices_per_cell; ++v)
          far = std::max(far, cell->vertex(v).distance(s->vertex(v)));
        for (unsigned q = 0; q < points.size(); ++q)
          far = std::max(
            far, mesh->mapping.transform_unit_to_real_cell(cell, points.point(q))
                   .distance(model->mapping->transform_unit_to_real_cell(s, points.point(q))));
        if (!(far <= 1e-12 * size))
          fail("cell " + std::to_string(index) + " lies " + std::to_string(far) +
               " mm from the serial cell");
      }
    std::map<types::global_dof_index, int> named; // serial DoFs named twice
    for (const auto &[d, s] : renaming)
      if (++named[s] > 1)
        fail("serial DoF " + std::to_string(s) + " has two names");
    MPI_Allreduce(MPI_IN_PLACE, owners.data(), static_cast<int>(n), MPI_INT, MPI_SUM,
                  MPI_COMM_WORLD);
    for (unsigned i = 0; i < n; ++i)
      if (owners[i] != 1)
        fail("cell " + std::to_string(i) + " owned by " + std::to_string(owners[i]) + " processes");
    unsigned long dofs[2] = {mesh->dof_handler.n_locally_owned_dofs(), owned};
    MPI_Allreduce(MPI_IN_PLACE, dofs, 2, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (mesh->dof_handler.n_dofs() != serial.n_dofs() || dofs[0] != serial.n_dofs())
      fail("DoFs " + std::to_string(mesh->dof_handler.n_dofs()) + ", owned together " +
           std::to_string(dofs[0]) + ", serial " + std::to_string(serial.n_dofs()));
    // The serial DoFs renumbered as the distributed ones: each cell's DoFs then equal.
    const auto        numbers = distributed_numbering(*mesh, serial, MPI_COMM_WORLD);
    std::vector<char> taken(numbers.size(), 0);
    for (const auto k : numbers)
      if (k >= numbers.size() || taken[k]++)
        fail("the renumbering is not a permutation (" + std::to_string(k) + ")");
    serial.renumber_dofs(numbers);
    for (const auto &cell : mesh->dof_handler.active_cell_iterators())
      if (!cell->is_artificial())
        {
          const auto index = static_cast<unsigned>(cell->id().get_coarse_cell_id());
          cell->get_dof_indices(mine);
          DoFHandler<3>::active_cell_iterator(&model->triangulation, 0, index, &serial)
            ->get_dof_indices(theirs);
          if (mine != theirs)
            fail("cell " + std::to_string(index) + ": its DoFs renumbered differ");
        }
    const std::vector<long> rows = owned_rows(*mesh, MPI_COMM_WORLD);
    if (rows.back() != static_cast<long>(serial.n_dofs()))
      fail("the processes' rows end at " + std::to_string(rows.back()));
    std::cout << "rank " << rank << " of " << processes << ": " << owned << " of " << n
              << " cells owned, " << ghosts << " ghost, "
              << mesh->dof_handler.n_locally_owned_dofs() << " of " << serial.n_dofs()
              << " DoFs owned, " << renaming.size() << " held" << std::endl;
  }
  int all = failures;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all == 0 ? 0 : 1;
}
