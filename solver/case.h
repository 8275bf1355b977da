#pragma once
// The case: plain, validated data in internal units (mm, N, MPa, tonne, s, radians).
// Nothing here knows about meshes or solvers; overrides change the YAML before it becomes a Case.
#include "solver/errors.h"
#include "solver/materials.h"
#include "solver/units.h"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace lightbody
{
  using Vec3 = std::array<double, 3>;

  struct MeshSettings
  {
    double   size_mm = 50.0; // target in-plane element size
    unsigned layers  = 1;    // quadratic element layers through the thickness
  };

  enum class SurfaceKind
  {
    quad,     // flat or bilinear quadrilateral from four corners
    cylinder, // circular or elliptical shell segment
    disc,     // flat disc or annulus (segment)
    head      // dished head: 2:1 ellipsoidal or torispherical
  };

  enum class HeadShape
  {
    ellipsoidal_2to1,
    torispherical
  };

  // A thin-walled part: a mid-surface, a gauge and a material.
  struct PartSpec
  {
    std::string    name;
    std::string    material;
    double         thickness = 0;
    SurfaceKind    kind      = SurfaceKind::quad;
    double         mesh_size = 0; // 0: the global size
    unsigned       layers    = 0; // 0: the global count
    SourceLocation where;

    // quad: corners in order around the quadrilateral; edge k runs from corner k to corner k+1.
    std::array<Vec3, 4> corners{};

    // cylinder, disc and head: a local frame. axis: cylinder axis, disc normal, head's outward
    // direction; reference: direction of angle 0 (perpendicular to axis).
    Vec3 origin{0, 0, 0};
    Vec3 axis{0, 0, 1};
    Vec3 reference{1, 0, 0};

    // cylinder: semi-axes along reference and along axis x reference (equal for a circle),
    // angles from reference about axis, length along axis from origin.
    double radius_a = 0, radius_b = 0;
    double angle_start = 0, angle_end = 0;
    double length = 0;
    bool   full_circle = true;

    // disc: radii; inner 0 gives a full disc.
    double inner_radius = 0, outer_radius = 0;

    // head: rim radius (outer_radius), shape, and for torispherical the crown and knuckle radii.
    HeadShape head_shape     = HeadShape::ellipsoidal_2to1;
    double    crown_radius   = 0;
    double    knuckle_radius = 0;
  };

  // A set of nodes: part edges, the nodes inside a box, or the nodes on a plane.
  struct RegionSpec
  {
    enum class Kind
    {
      edges,
      box,
      plane
    } kind = Kind::edges;
    std::vector<std::string> edges; // "part.edge_name"
    Vec3                     box_min{}, box_max{};
    Vec3                     plane_point{}, plane_normal{};
    double                   tolerance = 0; // 0: chosen from the model size
  };

  struct SupportSpec
  {
    std::string         name;
    RegionSpec          region;
    std::array<bool, 3> fixed{false, false, false};
    SourceLocation      where;
  };

  struct PressureLoad
  {
    std::string    surface; // "part.top" or "part.bottom"
    double         pressure = 0;
    SourceLocation where;
  };

  // p = density * gravity . (x - x_s), zero above the free surface; the free surface is the
  // plane normal to gravity at height `level` measured against gravity from the origin.
  struct HydrostaticLoad
  {
    std::string    surface;
    double         density = 0;
    double         level   = 0;
    Vec3           gravity{0, 0, -units::standard_gravity};
    SourceLocation where;
  };

  struct EdgeLoad
  {
    std::string    edge; // "part.edge_name"
    Vec3           force_per_length{};
    SourceLocation where;
  };

  struct PointLoad
  {
    Vec3           point{};
    Vec3           force{};
    SourceLocation where;
  };

  struct LoadCaseSpec
  {
    std::string                  name;
    Vec3                         acceleration{0, 0, 0}; // body force per volume = density * this
    std::vector<PressureLoad>    pressures;
    std::vector<HydrostaticLoad> hydrostatic;
    std::vector<EdgeLoad>        edge_loads;
    std::vector<PointLoad>       point_loads;
    SourceLocation               where;
  };

  struct ProbeSpec
  {
    std::string    name;
    Vec3           point{};
    SourceLocation where;
  };

  struct Case
  {
    std::string                     name;
    std::string                     description;
    std::string                     file;
    std::string                     effective_yaml; // the case as run, overrides applied
    MeshSettings                    mesh;
    std::map<std::string, Material> user_materials;
    std::vector<PartSpec>           parts;
    std::vector<SupportSpec>        supports;
    std::vector<LoadCaseSpec>       load_cases;
    std::vector<ProbeSpec>          probes;

    // The material of a part, user-defined first, then the library at the part's gauge.
    Material material_of(const PartSpec &part) const;
    const PartSpec *find_part(const std::string &name) const;
  };

  // Edge names per surface kind, for validation and messages.
  std::vector<std::string> edge_names(const PartSpec &part);
} // namespace lightbody
