#include "solver/distributed_mesh.h"
#include "solver/distributed_factor.h"

#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/tria_description.h>

#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace lightbody
{
  using namespace dealii;

  DistributedMesh::DistributedMesh(MPI_Comm comm)
    : triangulation(comm), mapping(2), fe(FE_Q<3>(2), 3), dof_handler(triangulation)
  {
  }

  std::vector<DoFHandler<3>::active_cell_iterator>
  DistributedMesh::own_cells(std::size_t band) const
  {
    std::vector<DoFHandler<3>::active_cell_iterator> cells;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        cells.push_back(cell);
    if (cells.size() != band)
      throw std::logic_error("the spread mesh's own cells are not the process's band");
    return cells;
  }

  std::unique_ptr<DistributedMesh> distribute_mesh(const Model &model, MPI_Comm comm)
  {
    int processes = 1;
    MPI_Comm_size(comm, &processes);
    auto mesh = std::make_unique<DistributedMesh>(comm);
    {
      // (the description reads each cell's owner from its subdomain id: a copy of the serial
      // mesh carries them, freed once the description is made)
      Triangulation<3> owners;
      owners.copy_triangulation(model.triangulation);
      const unsigned n = owners.n_active_cells();
      for (int r = 0; r < processes; ++r)
        {
          const auto [first, last] = cell_share(n, r, processes);
          for (unsigned i = first; i < last; ++i)
            Triangulation<3>::active_cell_iterator(&owners, 0, i)
              ->set_subdomain_id(static_cast<types::subdomain_id>(r));
        }
      mesh->triangulation.create_triangulation(
        TriangulationDescription::Utilities::create_description_from_triangulation(owners, comm));
    }
    // The exact geometry, as the model's own mapping.
    initialize_exact_mapping(model, mesh->triangulation, mesh->mapping);
    mesh->dof_handler.distribute_dofs(mesh->fe);
    return mesh;
  }

  std::vector<types::global_dof_index>
  distributed_numbering(const DistributedMesh &mesh, const DoFHandler<3> &serial, MPI_Comm comm)
  {
    const types::global_dof_index n = serial.n_dofs();
    if (n != mesh.dof_handler.n_dofs())
      throw std::logic_error("distributed_numbering: the DoFHandlers differ");
    // (each named once plus one: zero is a DoF no process named)
    std::vector<types::global_dof_index> numbers(n, 0);
    const IndexSet                      &owned    = mesh.dof_handler.locally_owned_dofs();
    const unsigned                       per_cell = mesh.fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> mine(per_cell), theirs(per_cell);
    for (const auto &cell : mesh.dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const DoFHandler<3>::active_cell_iterator same(
            &serial.get_triangulation(), 0, static_cast<int>(model_cell(cell)), &serial);
          cell->get_dof_indices(mine);
          same->get_dof_indices(theirs);
          for (unsigned i = 0; i < per_cell; ++i)
            if (owned.is_element(mine[i]))
              numbers[theirs[i]] = mine[i] + 1;
        }
    static_assert(std::is_unsigned<types::global_dof_index>::value);
    const MPI_Datatype type =
      sizeof(types::global_dof_index) == sizeof(std::uint64_t) ? MPI_UINT64_T : MPI_UINT32_T;
    MPI_Allreduce(MPI_IN_PLACE, numbers.data(), static_cast<int>(n), type, MPI_SUM, comm);
    for (auto &k : numbers)
      {
        if (k == 0 || k > n)
          throw std::logic_error("distributed_numbering: a DoF that no process owns");
        --k;
      }
    return numbers;
  }

  std::vector<long> owned_rows(const DistributedMesh &mesh, MPI_Comm comm)
  {
    const IndexSet &owned     = mesh.dof_handler.locally_owned_dofs();
    const long      count     = static_cast<long>(owned.n_elements());
    int             processes = 1, rank = 0;
    MPI_Comm_size(comm, &processes);
    MPI_Comm_rank(comm, &rank);
    std::vector<long> firsts(static_cast<std::size_t>(processes) + 1, 0);
    MPI_Allgather(&count, 1, MPI_LONG, firsts.data() + 1, 1, MPI_LONG, comm);
    for (int r = 0; r < processes; ++r)
      firsts[r + 1] += firsts[r];
    if (!owned.is_contiguous() ||
        (count > 0 && static_cast<long>(owned.nth_index_in_set(0)) != firsts[rank]))
      throw std::logic_error("owned_rows: a process's DoFs are not consecutive in rank order");
    return firsts;
  }
} // namespace lightbody
