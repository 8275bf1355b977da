#pragma once
// The model's mesh spread over the processes of an MPI launch: a
// parallel::fullydistributed::Triangulation made from the model's serial one, each process owning
// the band of cells it works in the SPMD run (cell_share) with one layer of ghost cells, the exact
// geometry's mapping on it and the DoFs. The SPMD run numbers its DoFs as this mesh does and
// assembles K, K_G and M and computes the stresses on each process's own cells of it
// (ElasticProblem, post/results.cc band_cells); every process still holds the whole model for the
// supports, ties, loads and rank 0's summaries. Its coarse cells keep the serial cells' ids:
// model_cell(cell), the coarse cell id, is the index of the cell in model.triangulation, by which
// the model's surfaces, edges and ties name cells.
#include "meshes/model.h"

#include <deal.II/distributed/fully_distributed_tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping_q_cache.h>

#include <mpi.h>

#include <memory>
#include <vector>

namespace lightbody
{
  struct DistributedMesh
  {
    explicit DistributedMesh(MPI_Comm comm);
    dealii::parallel::fullydistributed::Triangulation<3> triangulation;
    dealii::MappingQCache<3>                             mapping;
    dealii::FESystem<3>                                  fe;
    dealii::DoFHandler<3>                                dof_handler;
    // This process's own cells (its band), in order; `band`: how many the band has (a
    // std::logic_error where the mesh owns another number).
    std::vector<dealii::DoFHandler<3>::active_cell_iterator> own_cells(std::size_t band) const;
  };

  // Collective over `comm`: every process passes the same model.
  std::unique_ptr<DistributedMesh> distribute_mesh(const Model &model, MPI_Comm comm);

  // The DoFs of `serial` (a DoFHandler of the same finite element on model.triangulation) as the
  // distributed mesh numbers them: the new number of each serial DoF, for
  // DoFHandler::renumber_dofs, after which a vector of the serial DoFs is indexed as the
  // distributed one, each process's own DoFs a contiguous range. Each process names the DoFs it
  // owns, the names summed over the processes (n_dofs numbers, collective over `comm`).
  std::vector<dealii::types::global_dof_index>
  distributed_numbering(const DistributedMesh &mesh, const dealii::DoFHandler<3> &serial,
                        MPI_Comm comm);

  // The first DoF each process owns, and the number of DoFs after them: process r owns
  // [firsts[r], firsts[r + 1]) (collective).
  std::vector<long> owned_rows(const DistributedMesh &mesh, MPI_Comm comm);
} // namespace lightbody
