#pragma once
// The case: plain, validated data in internal units (mm, N, MPa, tonne, s, radians).
// Nothing here knows about meshes or solvers; overrides change the YAML before it becomes a Case.
#include "input/errors.h"
#include "input/materials.h"
#include "input/units.h"
#include "input/vec3.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightbody
{
  struct MeshSettings
  {
    double   size_mm = 0; // target in-plane element size (default: input/keys.cc)
    unsigned layers  = 0; // quadratic element layers through the thickness
    // Largest turn of a curved part's normal across one element (radians; default
    // input/keys.cc): curved directions are divided finer to keep it.
    double max_angle_rad = 0;
    // Through-thickness lines of single-layer parts kept straight in the wall's plane (the
    // middle node follows its ends, plus a stretch along the line): fewer unknowns, for thin
    // walls (mesh.fibres; input/keys.cc).
    bool straight_fibres = false;
  };

  enum class SurfaceKind
  {
    quad,          // flat or bilinear quadrilateral from four corners
    cylinder,      // circular or elliptical shell segment
    disc,          // flat disc or annulus (segment)
    head,          // dished head: 2:1 ellipsoidal or torispherical
    section_shell, // prismatic shell of a tank cross-section (circle, ellipse, four-arc oval)
    section_head,  // dished head closing a tank cross-section
    section_plate, // flat plate filling a tank cross-section: head, partition, baffle
    section_ring,  // flat ring stiffener inside a tank cross-section
    gmsh           // quadrilaterals of a physical group of a gmsh .msh file
  };

  // A closed tank cross-section in the plane (reference, axis x reference), on the mid-surface.
  struct SectionSpec
  {
    enum class Kind
    {
      circle,
      ellipse,
      oval // four circular arcs: side radius at the ends of the width, top radius above/below
    } kind             = Kind::circle;
    double a           = 0; // half-width (along reference)
    double b           = 0; // half-height
    double side_radius = 0; // oval only
  };

  enum class HeadShape
  {
    ellipsoidal_2to1,
    torispherical
  };

  // A thin-walled part: a mid-surface, a gauge and a material.
  // What a part is to the codes' checks (a tank's shell and heads get the ADR minimum thickness).
  enum class PartRole
  {
    general,
    tank_shell,
    tank_head
  };

  struct PartSpec
  {
    std::string             name;
    PartRole                role = PartRole::general;
    std::string             material;
    double                  thickness = 0;
    SurfaceKind             kind      = SurfaceKind::quad;
    std::optional<double>   mesh_size; // not given: the case's mesh.size (Case::mesh_size_of)
    std::optional<unsigned> layers;    // not given: the case's mesh.layers (Case::layers_of)
    SourceLocation          where;
    bool                    from_body = false; // made by the body's generator

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
    double length      = 0;
    bool   full_circle = true;

    // disc: radii; inner 0 gives a full disc.
    double inner_radius = 0, outer_radius = 0;

    // head: rim radius (outer_radius), shape, and for torispherical the crown and knuckle radii.
    HeadShape head_shape     = HeadShape::ellipsoidal_2to1;
    double    crown_radius   = 0;
    double    knuckle_radius = 0;

    // section_*: the cross-section; plates and rings sit `inset` inside it (half the shell
    // gauge, so that their edge lies on the shell's inner face); a plate has a central opening
    // of `opening` of its area (surge baffle); a ring is `ring_height` deep.
    SectionSpec section;
    // gmsh: the file (resolved against the case file's folder) and the physical group.
    std::string gmsh_file, gmsh_group;
    double      inset       = 0;
    double      opening     = 0;
    double      ring_height = 0;
  };

  // A set of nodes: part edges, the nodes inside a box, or the nodes on a plane.
  struct RegionSpec
  {
    enum class Kind
    {
      edges,
      box,
      plane,
      surface // the faces of a part side or named surface, inside the box when one is given
    } kind = Kind::edges;
    std::vector<std::string> edges;   // "part.edge_name"
    std::string              surface; // "part.side" or a named surface
    bool                     in_box = false;
    Vec3                     box_min{}, box_max{};
    Vec3                     plane_point{}, plane_normal{};
    bool                     edges_on_plane = false; // edges: only their nodes on the plane
    std::optional<double>    tolerance;              // not given: chosen from the model size
  };

  struct SupportSpec
  {
    std::string         name;
    RegionSpec          region;
    std::string         named_region; // a region a body generator defined (e.g. "saddles")
    std::array<bool, 3> fixed{{false, false, false}};
    // Elastic supports: a bedding (N/mm^3 per global direction) spread over the exact area of a
    // surface region, or springs to ground (N/mm per global direction, the total shared equally
    // among the region's nodes). They hold without constraining.
    std::optional<Vec3> bedding, spring;
    // Prescribed displacement (mm) of the fixed components: a support moved, e.g. a mount
    // lifted for a chassis-twist case.
    std::optional<Vec3> displacement;
    SourceLocation      where;

    bool elastic() const { return bedding.has_value() || spring.has_value(); }
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
    std::string surface;
    double      density = 0;
    double      level   = 0;
    bool        full    = false; // free surface at the surface's highest point
    double      filling = 0;     // >0: the free surface holds this fraction of the volume
                                 // the (closed) surface encloses
    Vec3           gravity{0, 0, -units::standard_gravity};
    SourceLocation where;
  };

  struct EdgeLoad
  {
    std::string    edge; // "part.edge_name"
    Vec3           force_per_length{};
    SourceLocation where;
  };

  // A force per area on the through-thickness faces of an edge: `value` pushes into the edge
  // face (along its inward normal; negative pulls), or acts along `direction` when given.
  struct EdgePressure
  {
    std::string         edge;
    double              value = 0; // MPa
    std::optional<Vec3> direction; // unit
    SourceLocation      where;
  };

  struct PointLoad
  {
    Vec3           point{};
    Vec3           force{};
    SourceLocation where;
  };

  // A total force spread uniformly over the area of a surface (optionally only the part of it
  // inside a box): a payload on a floor, a test load on a wall.
  struct DistributedForce
  {
    std::string    surface;
    Vec3           force{};
    bool           in_box = false;
    Vec3           box_min{}, box_max{};
    SourceLocation where;
  };

  struct LoadCaseSpec
  {
    std::string                   name;
    std::string                   description;           // where a template case comes from
    Vec3                          acceleration{0, 0, 0}; // body force per volume = density * this
    std::vector<PressureLoad>     pressures;
    std::vector<HydrostaticLoad>  hydrostatic;
    std::vector<EdgeLoad>         edge_loads;
    std::vector<EdgePressure>     edge_pressures;
    std::vector<PointLoad>        point_loads;
    std::vector<DistributedForce> distributed;
    std::vector<std::string>      supports;           // the supports that hold it; empty: all
    std::optional<double>         max_deflection;     // mm; not given: the criteria's (or none)
    unsigned                      buckling_modes = 0; // linear buckling: lowest load factors
    SourceLocation                where;
    // Whether the load case asks for a linear buckling analysis.
    bool has_buckling() const { return buckling_modes > 0; }
  };

  // A mass carried by the body but not part of its structure (payload, equipment), for the
  // natural frequencies: spread over a surface (within a box, when given) or at a point.
  struct NonStructuralMass
  {
    double              mass = 0; // tonne
    std::string         surface;
    bool                in_box = false;
    Vec3                box_min{}, box_max{};
    std::optional<Vec3> point;
    SourceLocation      where;
  };

  // Natural frequencies: the lowest modes of the body on the given supports (none: free).
  struct ModalSpec
  {
    unsigned                       modes = 0;
    std::vector<std::string>       supports; // empty: all the case's supports
    bool                           free = false;
    std::vector<NonStructuralMass> masses;
    SourceLocation                 where;
  };

  // Design check: the allowable stress and the heat-affected bands along welds.
  struct CriteriaSpec
  {
    bool given = false;
    enum class Rule
    {
      adr,  // ADR 6.8.2.1.16: min(0.75 Re, 0.5 Rm)
      proof // Rp0.2 / safety_factor
    } rule                              = Rule::proof;
    double                safety_factor = 0; // default: input/keys.cc
    std::optional<double> haz_width;         // from the weld line; not given: max(25 mm, 3 t)
    std::optional<double> max_deflection;    // mm, largest displacement allowed; not given: none
    // Heat-affected strengths given for a material or a part (by name), overriding the
    // library's; the part's own entry wins.
    struct HazStrength
    {
      double         Rp02 = 0, Rm = 0;
      std::string    source;
      SourceLocation where;
    };
    std::map<std::string, HazStrength> haz_strength;
    // What the allowable f is compared with: the stress categories of design by analysis
    // (membrane <= f, membrane + bending <= 1.5 f), or the raw (peak) von Mises stress <= f.
    enum class StressBasis
    {
      categories,
      peak
    } stress = StressBasis::categories;
    // Convergence evidence: the load cases above `near_limit` utilization are re-solved on a
    // finer mesh (off for sweeps: the verdict then says it was not checked).
    bool convergence_check = true;
    // Buckling is not checked by lightbody: unless the engineer states that it was checked
    // separately, a verdict lists it as a condition.
    bool buckling_checked_separately = false;
    // The lowest linear buckling load factor a load case with a buckling analysis must reach.
    double buckling_factor = 0; // default: input/keys.cc

    // The heat-affected band either side of a weld in a part of the given gauge: the given
    // width, or by default 25 mm or 3 t, whichever is wider (US Aluminum Association rule;
    // EN 1999-1-1 6.1.6.3 b_haz is not confirmed for all gauges).
    double haz_width_mm(double thickness_mm) const
    {
      return haz_width ? *haz_width : std::max(25.0, 3 * thickness_mm);
    }
    // The rule as the reports state it.
    std::string haz_width_text() const;
  };

  // Load-case templates from the standards (solver/templates.cc expands them into load cases).
  struct DesignLoadsSpec
  {
    enum class Template
    {
      none,
      adr,     // road tank, ADR 6.8.2.1.2, the calculation/test pressure, the external pressure
      en12642, // box body, EN 12642 wall loads, payload, braking and cornering
      tipper   // tipper, granular payload: transport, start of tipping, braking
    } kind = Template::none;
    SourceLocation where;
    // Tank: payload liquid, filling degree, gravity convention, pressure case. The readers set
    // the documented defaults from the key table (input/keys.cc).
    double density               = 0;    // tonne/mm^3 (tank liquid, tipper bulk material)
    double filling               = 0;    // fraction of each compartment
    bool   down_includes_gravity = true; // "2 g down" is the total vertical acceleration
    // MPa; not given: tank code G (2 x static pressure, at least water's)
    std::optional<double> calculation_pressure;
    double                test_pressure = 0; // MPa; > 0 adds a hydraulic test case
    double external_pressure = 0; // MPa, ADR 6.8.2.1.7: the vacuum the empty tank must withstand
    // Box and tipper.
    double payload         = 0;     // tonne; tipper: 0 fills the body to the wall height
    bool   code_xl         = false; // EN 12642 code XL (otherwise code L)
    double vertical_factor = 0;     // payload and body weight in the vertical case (x g)
    double braking         = 0;     // x g, EN 12195-1 forward
    double cornering       = 0;     // x g, EN 12195-1 sideways
    // Tipper: angle of internal friction and the lateral pressure coefficient (0: 1 - sin phi).
    double friction_angle      = 0; // radians
    double lateral_coefficient = 0;
  };

  struct ProbeSpec
  {
    std::string    name;
    Vec3           point{};
    SourceLocation where;
  };

  // A road tank from a few parameters (meshes/bodies.cc builds its parts).
  struct TankSpec
  {
    SectionSpec section;
    double      length = 0; // cylindrical shell between the head rims, along +x from x = 0
    std::string shell_material;
    double      shell_thickness = 0;
    enum class Heads
    {
      ellipsoidal,
      torispherical,
      flat
    } heads = Heads::ellipsoidal;
    std::string head_material;
    double      head_thickness = 0, crown_radius = 0, knuckle_radius = 0;
    struct Bulkhead
    {
      double      station   = 0; // from the front end of the shell
      bool        partition = true;
      double      thickness = 0;
      double      opening   = 0; // baffles: fraction of the section left open
      std::string material;
    };
    std::vector<Bulkhead> bulkheads; // in station order
    std::vector<double>   ring_stations;
    double                ring_height = 0, ring_thickness = 0;
    std::string           ring_material;
    enum class Mounting
    {
      saddles,
      subframe,
      ends
    } mounting = Mounting::saddles;
    std::vector<double> saddle_stations;
    double              saddle_width = 0, saddle_angle = 0; // defaults: input/keys.cc
    double              subframe_spacing = 0, subframe_width = 0;
    // Elastic bedding of the saddles or subframe on the chassis (N/mm^3, every direction).
    double mounting_stiffness = 0; // default: input/keys.cc
  };

  // A plate part of a frame body: material and gauge.
  struct Gauge
  {
    std::string material;
    double      thickness = 0;
  };

  // Box (van) and tipper bodies share one layout: a floor on longitudinal members and
  // crossmembers, walls standing on the floor, and body-specific parts (roof, posts and rear
  // portal frame for a box; tailgate, hinge brackets and ram bracket for a tipper). x runs from
  // the front wall (0) to the rear (length), y across (0 on the centre line), z up (floor
  // mid-surface at 0).
  struct FrameBodySpec
  {
    enum class Kind
    {
      box,
      tipper
    } kind        = Kind::box;
    double length = 0, width = 0, height = 0; // inside dimensions
    Gauge  floor, walls, front, roof, tailgate;
    // Longitudinals (sills): C sections, web and bottom flange, at +-spacing/2.
    Gauge  sill;
    double sill_spacing = 0, sill_height = 0, sill_flange = 0;
    // Crossmembers: webs under the floor at a pitch.
    Gauge  crossmember;
    double crossmember_pitch = 0, crossmember_height = 0;
    // Wall posts (web and outer flange) on the sides at a pitch and across the front wall (box:
    // with a roof bow of the same depth between each pair of side posts); box: rear portal frame.
    Gauge  post;
    double post_pitch = 0, post_depth = 0, post_flange = 0;
    bool   has_posts = false; // box: always; tipper: when given
    // Tipper: flat top rails on the side walls' top edges, `top_rail_width` outwards (0: none).
    Gauge  top_rail;
    double top_rail_width = 0;
    // Tipper: a plate over the front wall's top reaching `canopy_length` forward and back over the
    // side walls' tops to the first post (0: none).
    Gauge  canopy;
    double canopy_length = 0;
    Gauge  rear_frame;
    double rear_post_width = 0, rear_header_height = 0;
    // Mounting on the chassis: sill bottoms at given stations (each `mount_length` long), or
    // along the full length when there are none.
    std::vector<double> mount_stations;
    double              mount_length    = 0;
    double              mount_stiffness = 0; // elastic bedding on the chassis, N/mm^3
    // Tipper: hinge brackets at the rear under the sills, a ram bracket under the floor.
    Gauge  bracket;
    double hinge_depth = 0, ram_station = 0, ram_depth = 0;
    bool   tipping = false; // supports: on hinge and ram pins (tipping) or on the subframe
    // Gauges of single parts that differ from their group's (parts.NAME overrides): the
    // generator places the plates on them (fit_frame_body).
    std::map<std::string, double> part_gauges;
  };

  struct Case
  {
    std::string name;
    std::string description;
    std::string file;
    std::string effective_yaml; // the case as run, overrides applied
    // Every file the case was read from (the case file, includes, gmsh meshes): a result
    // folder never replaces one of them.
    std::vector<std::string> input_files;
    // Values that are legal but unusual for a vehicle body (a material outside the range of
    // structural metals): printed on stderr and listed in report.md.
    std::vector<Diagnostic>         warnings;
    MeshSettings                    mesh;
    std::map<std::string, Material> user_materials;
    std::vector<PartSpec>           parts;
    std::vector<SupportSpec>        supports;
    std::vector<LoadCaseSpec>       load_cases;
    std::vector<ProbeSpec>          probes;
    CriteriaSpec                    criteria;
    DesignLoadsSpec                 design_loads;
    std::optional<ModalSpec>        modal;

    // Filled by a body generator: named surfaces (name -> "part.side" list), named regions
    // (name -> union of regions) and default supports for a case that gives none.
    bool                                            has_tank = false;
    TankSpec                                        tank;
    bool                                            has_frame_body = false;
    FrameBodySpec                                   frame_body;
    std::map<std::string, std::vector<std::string>> named_surfaces;
    std::map<std::string, std::vector<RegionSpec>>  named_regions;

    // The material of a part, user-defined first, then the library at the part's gauge.
    Material material_of(const PartSpec &part) const;
    // A part's in-plane element size and layers through the thickness: its own, or the case's.
    double mesh_size_of(const PartSpec &part) const
    {
      return part.mesh_size.value_or(mesh.size_mm);
    }
    unsigned layers_of(const PartSpec &part) const { return part.layers.value_or(mesh.layers); }
    const PartSpec *find_part(const std::string &name) const;
  };

  // A file name from a load-case name: letters, digits, '-', '_' and '.' kept, the rest '_', a
  // leading '.' too. The case reader refuses load cases whose names give the same file (case
  // ignored) or modal.vtu.
  std::string file_stem(const std::string &name);

  // Why `name` cannot name a case (its result folder is results/<name>), or "" when it can:
  // a name, not a path.
  std::string case_name_problem(const std::string &name);

  // Edge names per surface kind, for validation and messages.
  std::vector<std::string> edge_names(const PartSpec &part);
} // namespace lightbody
