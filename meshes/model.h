#pragma once
// The model: the extruded hexahedral mesh of all parts with its exact (quadratic) geometry, the
// parts' data, and named surfaces and edges. Built from the parts of a Case only: meshes/ never
// looks at load cases or supports.
#include "meshes/model_parts.h"
#include "meshes/surfaces.h"
#include "input/case.h"

#include <deal.II/fe/mapping_q_cache.h>
#include <deal.II/grid/tria.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lightbody
{
  // A face of a cell: coarse cell index (= active cell index, the mesh is not refined) and face
  // number 0..5.
  struct FaceRef
  {
    unsigned cell;
    unsigned face;
  };

  // One edge face of a part whose nodes follow the interpolated motion of other faces.
  struct Tie
  {
    FaceRef              follower;
    std::vector<FaceRef> leaders; // faces of the other part that the follower lies on
  };

  class Model
  {
  public:
    Model()                         = default;
    Model(const Model &)            = delete;
    Model &operator=(const Model &) = delete;

    dealii::Triangulation<3>                  triangulation;
    std::unique_ptr<dealii::MappingQCache<3>> mapping; // exact geometry at Q2 support points
    std::vector<PartMesh>                     parts;   // cell->material_id() indexes this
    // "part.top", "part.bottom": the faces of each side of a part.
    std::map<std::string, std::vector<FaceRef>> surfaces;
    // "part.edge1", "tank.start", ...: the through-thickness faces along a part's edge.
    std::map<std::string, std::vector<FaceRef>> edges;
    double                                      size = 0; // bounding-box diagonal, for tolerances
    std::vector<Joint>                          joints;
    std::vector<Tie>                            ties;
    // Meshing warnings (a curved part meshed too coarsely), for the reports.
    std::vector<std::string> warnings;

    // Unit normal of the part's mid-surface (towards "top") at a point inside the given cell,
    // given in the cell's reference coordinates.
    dealii::Tensor<1, 3> normal(unsigned cell, const dealii::Point<3> &unit_point) const;

    // Internal: per cell, the patch and its parameter box.
    struct CellGeometry
    {
      unsigned                             part = 0, patch = 0;
      std::array<unsigned, 8>              vertex{}; // vertex indices in the order below
      std::array<std::array<double, 3>, 8> param{};  // (u, v, zeta) of each vertex
    };
    std::vector<CellGeometry> cell_geometry;
    std::vector<Patch>        patches; // of all parts

    // Exact position for a patch parameter (u, v) and offset zeta along the normal.
    dealii::Point<3> position(unsigned patch, double u, double v, double zeta) const;
    // Patch parameters (u, v, zeta) of a reference point of a cell.
    std::array<double, 3> parameters(unsigned cell, const dealii::Point<3> &unit_point) const;
    // The cell holding a point and the point's reference coordinates in it. A point up to a
    // quarter of the gauge outside every cell (a coordinate rounded on a curved or side face)
    // snaps onto the nearest cell. Nothing when the point is farther from the parts.
    std::optional<std::pair<unsigned, dealii::Point<3>>> locate(const dealii::Point<3> &p) const;
    // "edge \"NAME\" has no element faces in the model" with the edges the part has.
    std::string missing_edge_message(const std::string &name) const;
    // The reference axis (0, 1 or 2) of a cell along which the thickness offset zeta changes.
    unsigned thickness_axis(unsigned cell) const;
  };

  // The model's index of a cell of its mesh, or of a mesh made from it whose coarse cells keep the
  // model's indices (the model's mesh spread over MPI processes, solver/distributed_mesh.h): the
  // cell's coarse cell id (the meshes are not refined).
  template <class CellIterator>
  unsigned model_cell(const CellIterator &cell)
  {
    return static_cast<unsigned>(cell->id().get_coarse_cell_id());
  }

  // `mapping` on `tria` (the model's mesh, or one whose coarse cells keep the model's indices) at
  // the exact geometry: the model's patches at the quadratic mapping's support points, so that
  // curved parts are not faceted.
  void initialize_exact_mapping(const Model &model, const dealii::Triangulation<3> &tria,
                                dealii::MappingQCache<3> &mapping);

  // Finds the joints between parts: shared nodes, and edge faces that lie on another part's face
  // (coplanar plates of different gauge, non-matching meshes), which become ties.
  void find_joints(Model &model);

  // Meshes every part; throws InputError for impossible geometry and ModelError for inverted
  // or degenerate elements.
  std::unique_ptr<Model> build_model(const Case &c);
} // namespace lightbody
