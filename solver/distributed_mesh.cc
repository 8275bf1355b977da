#include "solver/distributed_mesh.h"
#include "solver/distributed_factor.h"

#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/tria_description.h>

namespace lightbody
{
  using namespace dealii;

  DistributedMesh::DistributedMesh(MPI_Comm comm)
    : triangulation(comm), mapping(2), fe(FE_Q<3>(2), 3), dof_handler(triangulation)
  {
  }

  std::unique_ptr<DistributedMesh> distribute_mesh(const Model &model, MPI_Comm comm)
  {
    int rank = 0, processes = 1;
    MPI_Comm_rank(comm, &rank);
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
    // The exact geometry at the quadratic mapping's support points, as the model's own mapping
    // (meshes/model.cc), read by the serial cell's index.
    const FE_Q<3>               geometry(2);
    const std::vector<Point<3>> unit_points = geometry.get_unit_support_points();
    mesh->mapping.initialize(
      mesh->triangulation, [&model, &unit_points](const Triangulation<3>::cell_iterator &cell) {
        const auto            index = static_cast<unsigned>(cell->id().get_coarse_cell_id());
        const unsigned        patch = model.cell_geometry[index].patch;
        std::vector<Point<3>> points(unit_points.size());
        for (unsigned q = 0; q < unit_points.size(); ++q)
          {
            const auto p = model.parameters(index, unit_points[q]);
            points[q]    = model.position(patch, p[0], p[1], p[2]);
          }
        return points;
      });
    mesh->dof_handler.distribute_dofs(mesh->fe);
    return mesh;
  }
} // namespace lightbody
