#include "input/keys.h"

#include <stdexcept>

namespace lightbody
{
  namespace
  {
    // clang-format off
    const std::vector<KeyInfo> table = {
      {"", "include", "list of files", "", "files merged first (relative to this file); this file's values override theirs, key by key"},
      {"", "case", "name", "the file name", "the case's name: no / or \\, no leading dot, at most 100 characters"},
      {"", "description", "text", "", "free text, shown in the report"},
      {"", "mesh", "mapping", "", "element sizes for every part"},
      {"", "materials", "NAME: mapping", "", "user-defined materials"},
      {"", "parts", "NAME: mapping", "", "the thin-walled parts (required without body)"},
      {"", "body", "mapping", "", "a generated body: one of tank, box, tipper"},
      {"", "supports", "NAME: mapping", "", "where the body is held (required without body)"},
      {"", "load_cases", "NAME: mapping", "", "the loads (required without design_loads)"},
      {"", "design_loads", "mapping", "", "load cases from a standard"},
      {"", "probes", "NAME: point", "", "displacement and stress reported at these points"},
      {"", "criteria", "mapping", "", "the design check"},
      {"", "buckling", "mapping", "", "linear buckling of every load case (or of those listed)"},
      {"", "modal", "mapping", "", "natural frequencies and mode shapes"},

      {"buckling", "modes", "count 1 to 50", "", "lowest buckling load factors wanted per load case"},
      {"buckling", "load_cases", "list of names", "all", "the load cases analysed"},

      {"modal", "modes", "count 1 to 200", "", "lowest natural frequencies wanted"},
      {"modal", "supports", "list of names, or none", "all", "the supports holding the body (none: a free body, whose six rigid-body modes are reported as such)"},
      {"modal", "masses", "list", "", "masses carried but not structural: payload spread over a surface, or a point mass"},
      {"modal.masses[]", "mass", "mass", "", "the mass (e.g. 2000 kg)"},
      {"modal.masses[]", "surface", "surface", "", "spread uniformly over this surface's area"},
      {"modal.masses[]", "box", "mapping", "", "only the part of the surface inside this box (min, max)"},
      {"modal.masses[]", "point", "point", "", "a point mass here (instead of a surface)"},
      {"modal.masses[].box", "min", "point", "", "lower corner"},
      {"modal.masses[].box", "max", "point", "", "upper corner"},

      {"mesh", "size", "length", "50 mm", "in-plane element size"},
      {"mesh", "layers", "count 1 to 8", "1", "quadratic element layers through the thickness"},
      {"mesh", "max_angle", "angle", "7.5 deg",
       "largest turn of the surface normal across one element: curved directions (around "
       "cylinders and tank sections, along sector arcs and head meridians) get at least turn / "
       "max_angle elements; an element that still turns more than twice this is a warning "
       "naming the part"},
      {"mesh", "fibres", "quadratic or straight", "quadratic",
       "through-thickness lines of single-layer parts: quadratic (the 27-node element's own, "
       "exact for thick walls), or straight in the wall's plane with a quadratic stretch along "
       "them (two of the nine unknowns of each line fewer: about half the factorisation work and "
       "a third less memory; the transverse shear constant through the gauge with the factor 5/6; junctions differ by up to 10 %, so the verdict is at best CONDITIONAL: for studies)"},

      {"materials.NAME", "E", "pressure", "", "Young's modulus"},
      {"materials.NAME", "nu", "number", "", "Poisson's ratio, in [0, 0.5)"},
      {"materials.NAME", "density", "density", "", "mass density"},
      {"materials.NAME", "Rp02", "pressure", "", "0.2 % proof strength"},
      {"materials.NAME", "Rm", "pressure", "", "tensile strength"},
      {"materials.NAME", "Rp02_haz", "pressure", "0", "proof strength in the heat-affected zone (0: not known)"},
      {"materials.NAME", "Rm_haz", "pressure", "0", "tensile strength in the heat-affected zone (0: not known)"},
      {"materials.NAME", "A", "fraction", "", "minimum elongation after fracture (for the ADR equivalent thickness), e.g. 12 %"},
      {"materials.NAME", "source", "text", "", "where the values come from"},

      {"parts.NAME", "material", "name", "", "a library material or one under materials"},
      {"parts.NAME", "thickness", "length", "", "the gauge"},
      {"parts.NAME", "mesh_size", "length", "mesh.size", "in-plane element size of this part"},
      {"parts.NAME", "layers", "count 1 to 8", "mesh.layers", "element layers of this part"},
      {"parts.NAME", "quad", "mapping", "", "mid-surface: a bilinear quadrilateral (one mid-surface per part; none: NAME is a part of the body, or a pattern with * and ?, whose material, thickness, mesh_size or layers are changed)"},
      {"parts.NAME", "cylinder", "mapping", "", "mid-surface: a circular or elliptical cylinder or a sector of one"},
      {"parts.NAME", "disc", "mapping", "", "mid-surface: a flat disc, annulus or sector"},
      {"parts.NAME", "head", "mapping", "", "mid-surface: a dished head"},
      {"parts.NAME", "gmsh", "mapping", "", "mid-surface: the quadrilaterals of a gmsh physical group"},
      {"parts.NAME.quad", "corners", "four points", "", "the corners, in order around the quadrilateral"},
      {"parts.NAME.cylinder", "origin", "point", "", "centre of the start section"},
      {"parts.NAME.cylinder", "axis", "direction", "", "the axis; the cylinder runs along it"},
      {"parts.NAME.cylinder", "reference", "direction", "[1, 0, 0]", "where angle 0 and semi-axis a point"},
      {"parts.NAME.cylinder", "radius", "length", "", "radius of a circular cylinder"},
      {"parts.NAME.cylinder", "radii", "[a, b] lengths", "", "semi-axes of an elliptical cylinder (instead of radius)"},
      {"parts.NAME.cylinder", "angles", "[start, end] angles", "[0, 360]", "a sector of the cylinder"},
      {"parts.NAME.cylinder", "length", "length", "", "along the axis"},
      {"parts.NAME.disc", "centre", "point", "", "the centre"},
      {"parts.NAME.disc", "normal", "direction", "", "the disc's normal"},
      {"parts.NAME.disc", "reference", "direction", "[1, 0, 0]", "where angle 0 points"},
      {"parts.NAME.disc", "outer_radius", "length", "", "outer radius"},
      {"parts.NAME.disc", "inner_radius", "length", "0", "inner radius (0: a full disc)"},
      {"parts.NAME.disc", "angles", "[start, end] angles", "[0, 360]", "a sector (needs inner_radius > 0)"},
      {"parts.NAME.head", "centre", "point", "", "centre of the rim"},
      {"parts.NAME.head", "axis", "direction", "", "points from the rim to the crown"},
      {"parts.NAME.head", "reference", "direction", "[1, 0, 0]", "orientation of the mesh"},
      {"parts.NAME.head", "radius", "length", "", "rim radius"},
      {"parts.NAME.head", "shape", "ellipsoidal or torispherical", "ellipsoidal", "2:1 ellipsoidal or torispherical"},
      {"parts.NAME.head", "crown_radius", "length", "", "torispherical: crown radius, at least radius"},
      {"parts.NAME.head", "knuckle_radius", "length", "", "torispherical: knuckle radius, below radius"},
      {"parts.NAME.gmsh", "file", "path", "", "MSH 2.2 or 4.1 ASCII, relative to the file that names it"},
      {"parts.NAME.gmsh", "group", "name", "the part name", "the physical surface group"},

      {"body", "tank", "mapping", "", "a road tanker (see Bodies)"},
      {"body", "box", "mapping", "", "a box (van) body"},
      {"body", "tipper", "mapping", "", "a tipper (dump) body"},
      {"body.tank", "section", "circular, elliptical or oval", "circular", "the cross-section"},
      {"body.tank", "width", "length", "", "outside width of the section (the diameter when circular)"},
      {"body.tank", "height", "length", "", "height of an elliptical or oval section"},
      {"body.tank", "side_radius", "length", "", "oval: radius of the top and bottom corners"},
      {"body.tank", "length", "length", "", "cylindrical shell between the head rims"},
      {"body.tank", "shell", "mapping", "", "material and thickness of the shell (required)"},
      {"body.tank", "heads", "mapping", "the shell's gauge, ellipsoidal", "material, thickness and shape of the heads"},
      {"body.tank", "partitions", "list", "", "compartment walls: station, thickness, material"},
      {"body.tank", "baffles", "list", "", "surge plates: station, thickness, material, opening"},
      {"body.tank", "rings", "mapping", "", "stiffening rings: stations, height, thickness, material"},
      {"body.tank", "mounting", "mapping", "", "one of saddles, subframe, ends"},
      {"body.tank.shell", "material", "name", "", "shell material"},
      {"body.tank.shell", "thickness", "length", "", "shell gauge"},
      {"body.tank.heads", "material", "name", "the shell's", "head material"},
      {"body.tank.heads", "thickness", "length", "", "head gauge"},
      {"body.tank.heads", "shape", "ellipsoidal, torispherical or flat", "ellipsoidal", "head shape"},
      {"body.tank.heads", "crown_radius", "length", "", "torispherical: crown radius"},
      {"body.tank.heads", "knuckle_radius", "length", "", "torispherical: knuckle radius"},
      {"body.tank.partitions[]", "station", "length", "", "from the front end of the shell; the plate lies within it (half its gauge from either end)"},
      {"body.tank.partitions[]", "thickness", "length", "the shell's", "gauge"},
      {"body.tank.partitions[]", "material", "name", "the shell's", "material"},
      {"body.tank.baffles[]", "station", "length", "", "from the front end of the shell; the plate lies within it (half its gauge from either end)"},
      {"body.tank.baffles[]", "thickness", "length", "the shell's", "gauge"},
      {"body.tank.baffles[]", "material", "name", "the shell's", "material"},
      {"body.tank.baffles[]", "opening", "fraction", "20 %", "part of the section left open, at most 30 % (ADR 6.8.2.1.22)"},
      {"body.tank.rings", "stations", "list of lengths", "", "ring positions from the front end, each within the shell (half the ring gauge from either end)"},
      {"body.tank.rings", "height", "length", "", "ring web height"},
      {"body.tank.rings", "thickness", "length", "", "ring gauge"},
      {"body.tank.rings", "material", "name", "the shell's", "ring material"},
      {"body.tank.mounting", "saddles", "mapping", "", "saddles on the chassis"},
      {"body.tank.mounting", "subframe", "mapping", "", "a subframe: two longitudinal strips"},
      {"body.tank.mounting", "ends", "mapping", "", "held at the head rims"},
      {"body.tank.mounting.saddles", "stations", "list of lengths", "", "saddle centres from the front end"},
      {"body.tank.mounting.saddles", "width", "length", "200 mm", "saddle width along the tank"},
      {"body.tank.mounting.saddles", "angle", "angle", "120 deg", "saddle contact angle"},
      {"body.tank.mounting.saddles", "stiffness", "stiffness per area", "0.1 N/mm^3", "elastic bedding of the shell on the saddles, every direction (documented default: about 40 kN/mm per saddle)"},
      {"body.tank.mounting.subframe", "spacing", "length", "", "centre distance of the strips"},
      {"body.tank.mounting.subframe", "width", "length", "100 mm", "strip width"},
      {"body.tank.mounting.subframe", "stiffness", "stiffness per area", "0.1 N/mm^3", "elastic bedding of the shell on the strips, every direction"},

      {"body.FRAME", "length", "length", "", "inside length (FRAME: box or tipper)"},
      {"body.FRAME", "width", "length", "", "inside width"},
      {"body.FRAME", "height", "length", "", "inside height"},
      {"body.FRAME", "floor", "gauge", "", "floor material and thickness (required)"},
      {"body.FRAME", "walls", "gauge", "", "side wall material and thickness (required)"},
      {"body.FRAME", "front", "gauge", "the walls'", "front wall"},
      {"body.FRAME", "sills", "gauge and sizes", "", "longitudinal sills (required): spacing, height, flange"},
      {"body.FRAME", "crossmembers", "gauge and sizes", "the sills' gauge", "pitch, height"},
      {"body.FRAME", "mounting", "mapping", "", "stations and length of the mounts on the chassis"},
      {"body.box", "roof", "gauge", "the walls'", "roof"},
      {"body.box", "posts", "gauge and sizes", "the walls' gauge", "wall posts: pitch, depth, flange"},
      {"body.box", "rear_frame", "gauge and sizes", "the walls' gauge", "rear portal: post_width, header_height"},
      {"body.tipper", "tailgate", "gauge", "the walls'", "tailgate"},
      {"body.tipper", "posts", "gauge and sizes", "none", "wall posts: pitch, depth, flange"},
      {"body.tipper", "top_rail", "gauge and sizes", "none", "top rail: width"},
      {"body.tipper", "canopy", "gauge and sizes", "none", "a plate over the front wall's top, forward of it and back over the side walls' tops: carries the front wall's load to the side walls"},
      {"body.tipper", "hinges", "gauge and sizes", "the sills' gauge", "rear hinge brackets: depth"},
      {"body.tipper", "ram", "gauge and sizes", "the hinges' gauge", "ram bracket: station, depth"},
      {"body.tipper", "position", "transport or tipping", "transport", "the body's position"},
      {"body.FRAME.GAUGE", "material", "name", "", "material of the group (GAUGE: floor, walls, front, roof, tailgate)"},
      {"body.FRAME.GAUGE", "thickness", "length", "", "gauge of the group"},
      {"body.FRAME.sills", "material", "name", "", "sill material"},
      {"body.FRAME.sills", "thickness", "length", "", "sill gauge"},
      {"body.FRAME.sills", "spacing", "length", "", "centre distance of the chassis rails (required)"},
      {"body.FRAME.sills", "height", "length", "160 mm", "web height"},
      {"body.FRAME.sills", "flange", "length", "60 mm", "flange width"},
      {"body.FRAME.crossmembers", "material", "name", "the sills'", "material"},
      {"body.FRAME.crossmembers", "thickness", "length", "the sills'", "gauge"},
      {"body.FRAME.crossmembers", "pitch", "length", "500 mm", "spacing along the body"},
      {"body.FRAME.crossmembers", "height", "length", "100 mm", "web height"},
      {"body.FRAME.posts", "material", "name", "the walls'", "material"},
      {"body.FRAME.posts", "thickness", "length", "the walls'", "gauge"},
      {"body.FRAME.posts", "pitch", "length", "600 mm", "spacing along the wall"},
      {"body.FRAME.posts", "depth", "length", "50 mm", "depth out of the wall"},
      {"body.FRAME.posts", "flange", "length", "40 mm", "flange width"},
      {"body.box.rear_frame", "material", "name", "the walls'", "material"},
      {"body.box.rear_frame", "thickness", "length", "the walls'", "gauge"},
      {"body.box.rear_frame", "post_width", "length", "150 mm", "rear post width"},
      {"body.box.rear_frame", "header_height", "length", "150 mm", "rear header height"},
      {"body.tipper.top_rail", "material", "name", "the walls'", "material"},
      {"body.tipper.top_rail", "thickness", "length", "the walls'", "gauge"},
      {"body.tipper.top_rail", "width", "length", "100 mm", "rail width (with posts: at least wall gauge + post depth + post gauge, the default then)"},
      {"body.tipper.canopy", "material", "name", "the top rail's (else the walls')", "material"},
      {"body.tipper.canopy", "thickness", "length", "the top rail's (else the walls')", "gauge"},
      {"body.tipper.canopy", "length", "length", "400 mm", "reach forward of the front wall (with front posts: at least post depth + post gauge)"},
      {"body.tipper.hinges", "material", "name", "the sills'", "material"},
      {"body.tipper.hinges", "thickness", "length", "the sills'", "gauge"},
      {"body.tipper.hinges", "depth", "length", "120 mm", "bracket depth below the sills"},
      {"body.tipper.ram", "material", "name", "the hinges'", "material"},
      {"body.tipper.ram", "thickness", "length", "the hinges'", "gauge"},
      {"body.tipper.ram", "station", "length", "length / 4", "ram bracket position from the front"},
      {"body.tipper.ram", "depth", "length", "250 mm", "bracket depth below the sills"},
      {"body.FRAME.mounting", "stations", "list of lengths", "", "mount centres from the front, 0 to length"},
      {"body.FRAME.mounting", "length", "length", "200 mm", "mount length along the body"},
      {"body.FRAME.mounting", "stiffness", "stiffness per area", "1 N/mm^3", "elastic bedding of the sill flanges on the chassis rails, every direction (documented default: 12 kN/mm for a 200 mm mount)"},

      {"supports.NAME", "edges", "list of PART.edgeN", "", "nodes on these part edges"},
      {"supports.NAME", "edge", "PART.edgeN", "", "nodes on one part edge"},
      {"supports.NAME", "box", "mapping", "",
       "nodes inside a box: min, max (a wall's through-thickness line is held only at the "
       "nodes inside: a box meant to clamp, `fix: all`, that holds the middle nodes of two lines "
       "or more but not their faces is a hinge there, and the run warns, naming the support)"},
      {"supports.NAME", "plane", "mapping", "", "nodes on a plane: point, normal, tolerance (with edge or edges: the edge's nodes on the plane)"},
      {"supports.NAME", "region", "name", "", "a region named by the body"},
      {"supports.NAME", "fix", "list of x, y, z, or all", "", "the held components"},
      {"supports.NAME", "symmetry", "mapping", "", "a symmetry plane: point, normal along x, y or z"},
      {"supports.NAME", "surface", "PART.side or a named surface", "", "an elastic bedding's area (with stiffness; a box cuts its footprint)"},
      {"supports.NAME", "stiffness", "stiffness per area, or [kx, ky, kz]", "", "elastic bedding (N/mm^3, global directions) over the exact area of surface (inside box)"},
      {"supports.NAME", "spring", "force per length, or [kx, ky, kz]", "", "springs to ground (N/mm, global directions), the total shared equally among the region's nodes"},
      {"supports.NAME", "displacement", "vector", "[0, 0, 0]", "prescribed displacement of the fixed components (a mount lifted)"},
      {"supports.NAME.box", "min", "point", "", "lower corner"},
      {"supports.NAME.box", "max", "point", "", "upper corner"},
      {"supports.NAME.plane", "point", "point", "", "a point of the plane"},
      {"supports.NAME.plane", "normal", "direction", "", "the plane's normal"},
      {"supports.NAME.plane", "tolerance", "length", "1e-6 of the model size", "distance counted as on the plane"},
      {"supports.NAME.symmetry", "point", "point", "", "a point of the plane"},
      {"supports.NAME.symmetry", "normal", "direction", "", "along x, y or z"},
      {"supports.NAME.symmetry", "tolerance", "length", "1e-6 of the model size", "distance counted as on the plane"},

      {"load_cases.NAME", "description", "text", "", "shown in the report"},
      {"load_cases.NAME", "acceleration", "vector", "", "body force = density x acceleration (gravity: -1 g in z)"},
      {"load_cases.NAME", "pressures", "list", "", "pressures on surfaces"},
      {"load_cases.NAME", "hydrostatic", "list", "", "liquid pressures"},
      {"load_cases.NAME", "edge_forces", "list", "", "forces per length on edges"},
      {"load_cases.NAME", "edge_pressures", "list", "", "forces per area on the faces of edges"},
      {"load_cases.NAME", "point_forces", "list", "", "forces at points"},
      {"load_cases.NAME", "distributed_forces", "list", "", "total forces spread over surfaces"},
      {"load_cases.NAME", "supports", "list of names", "all", "the supports holding this case"},
      {"load_cases.NAME", "max_deflection", "length", "criteria.max_deflection", "the case fails above this displacement"},
      {"load_cases.NAME", "buckling", "mapping", "", "linear buckling of this case: `{modes: N}`, the N lowest load factors"},
      {"load_cases.NAME.buckling", "modes", "count 1 to 50", "", "lowest buckling load factors wanted"},
      {"load_cases.NAME.pressures[]", "surface", "PART.face", "", "the loaded face"},
      {"load_cases.NAME.pressures[]", "value", "pressure", "", "pushes into the face"},
      {"load_cases.NAME.hydrostatic[]", "surface", "PART.face", "", "the wetted face"},
      {"load_cases.NAME.hydrostatic[]", "density", "density", "", "the liquid's density"},
      {"load_cases.NAME.hydrostatic[]", "level", "length or full", "", "height of the free surface above the origin, against gravity"},
      {"load_cases.NAME.hydrostatic[]", "filling", "fraction", "", "instead of level: the volume fraction the liquid holds"},
      {"load_cases.NAME.hydrostatic[]", "gravity", "vector", "[0, 0, -1 g]", "the effective acceleration on the liquid"},
      {"load_cases.NAME.edge_forces[]", "edge", "PART.edgeN", "", "the loaded edge"},
      {"load_cases.NAME.edge_forces[]", "force_per_length", "force per length vector", "", "spread through the thickness"},
      {"load_cases.NAME.edge_pressures[]", "edge", "PART.edgeN", "", "the loaded edge"},
      {"load_cases.NAME.edge_pressures[]", "value", "pressure", "",
       "force per area of the edge's through-thickness faces; pushes into the part (negative "
       "pulls), normal to the edge in the part's plane"},
      {"load_cases.NAME.edge_pressures[]", "direction", "direction", "the face's inward normal",
       "the force's direction instead (a traction of the given value per area)"},
      {"load_cases.NAME.point_forces[]", "point", "point", "", "on the nearest through-thickness node line"},
      {"load_cases.NAME.point_forces[]", "force", "force vector", "", "the force"},
      {"load_cases.NAME.distributed_forces[]", "surface", "PART.face", "", "the loaded face"},
      {"load_cases.NAME.distributed_forces[]", "force", "force vector", "", "the total, spread uniformly over the area"},
      {"load_cases.NAME.distributed_forces[]", "box", "mapping", "", "only the area inside this box: min, max"},
      {"load_cases.NAME.distributed_forces[].box", "min", "point", "", "lower corner"},
      {"load_cases.NAME.distributed_forces[].box", "max", "point", "", "upper corner"},

      {"criteria", "allowable", "adr or proof", "proof", "adr: min(0.75 Rp0.2, 0.5 Rm) (ADR 6.8.2.1.16); proof: Rp0.2 / safety_factor"},
      {"criteria", "safety_factor", "number >= 1", "1.5", "proof rule only"},
      {"criteria", "haz_width", "length", "max(25 mm, 3 t)", "heat-affected band from each weld"},
      {"criteria", "max_deflection", "length", "", "largest displacement allowed in every case"},
      {"criteria", "stress", "categories or peak", "categories", "categories: membrane <= f and membrane + bending <= 1.5 f (EN 13445-3 Annex C, ASME VIII-2 5.2.2); peak: the surface von Mises <= f"},
      {"criteria", "convergence", "check or off", "check", "re-solve the load cases above 0.7 utilization on a mesh 1/sqrt(2) finer and flag values that grow by more than 5 % (off for sweeps: the verdict is then conditional)"},
      {"criteria", "haz_strength", "NAME: mapping", "", "heat-affected strengths for a material or a part (NAME), overriding the library's"},
      {"criteria", "buckling", "not_checked or checked_separately", "not_checked", "load cases without a buckling analysis: not_checked makes the verdict conditional on them"},
      {"criteria", "buckling_factor", "number >= 1", "2", "lowest linear buckling load factor a case with a buckling analysis must reach; the default covers gamma_M1 = 1.1 over an elastic imperfection reduction of about 0.55 (EN 1993-1-6 8.5, LBA-MNA, fabrication quality class B; a documented default, not confirmed for aluminium): axially compressed thin cylinders need a larger factor"},
      {"criteria.haz_strength.NAME", "Rp02_haz", "pressure", "", "proof strength in the heat-affected zone"},
      {"criteria.haz_strength.NAME", "Rm_haz", "pressure", "", "tensile strength in the heat-affected zone"},
      {"criteria.haz_strength.NAME", "source", "text", "", "where the values come from (required)"},

      {"design_loads", "template", "adr, en12642 or tipper", "", "the standard"},
      {"design_loads.adr", "template", "adr", "", ""},
      {"design_loads.adr", "density", "density", "", "payload liquid (required)"},
      {"design_loads.adr", "filling", "fraction", "100 %", "of each compartment"},
      {"design_loads.adr", "calculation_pressure", "G or pressure", "G", "ADR 6.8.2.1.14"},
      {"design_loads.adr", "test_pressure", "pressure", "", "adds the hydraulic test case"},
      {"design_loads.adr", "external_pressure", "pressure", "40 kPa", "ADR 6.8.2.1.7: the external overpressure (vacuum) case; 21 kPa with vacuum valves, 5 kPa for solids"},
      {"design_loads.adr", "down_includes_gravity", "true or false", "true", "the 2 g down case includes gravity"},
      {"design_loads.en12642", "template", "en12642", "", ""},
      {"design_loads.en12642", "code", "L or XL", "", "the body's code (required)"},
      {"design_loads.en12642", "payload", "mass", "", "P (required)"},
      {"design_loads.en12642", "vertical_factor", "number", "2", "payload and body weight in the vertical case (x g)"},
      {"design_loads.en12642", "braking", "number", "0.8", "forward, x g (EN 12195-1)"},
      {"design_loads.en12642", "cornering", "number", "0.5", "sideways, x g (EN 12195-1)"},
      {"design_loads.tipper", "template", "tipper", "", ""},
      {"design_loads.tipper", "density", "density", "", "bulk material (required)"},
      {"design_loads.tipper", "friction_angle", "angle", "", "phi; K = 1 - sin phi (Jaky)"},
      {"design_loads.tipper", "lateral_coefficient", "number", "", "K, instead of friction_angle"},
      {"design_loads.tipper", "payload", "mass", "level with the walls", "the load"},
      {"design_loads.tipper", "vertical_factor", "number", "2", "payload and body weight in the transport case (x g)"},
      {"design_loads.tipper", "braking", "number", "0.8", "forward, x g"},
    };
    // clang-format on
  } // namespace

  const std::vector<KeyInfo> &case_keys() { return table; }

  std::vector<std::string> keys_of(const std::string &section)
  {
    std::vector<std::string> keys;
    for (const auto &k : table)
      if (section == k.section)
        keys.push_back(k.key);
    if (keys.empty())
      throw std::logic_error("the key table has no section \"" + section + "\"");
    return keys;
  }

  double default_of(const std::string &section, const std::string &key, Quantity q)
  {
    for (const auto &k : table)
      if (section == k.section && key == k.key)
        return parse_quantity(k.fallback, q);
    throw std::logic_error("the key table has no key \"" + section + "." + key + "\"");
  }

  std::string key_reference_markdown()
  {
    auto cell = [](std::string s) {
      std::string out;
      for (char ch : s)
        out += ch == '|' ? std::string("\\|") : std::string(1, ch);
      return out;
    };
    std::string out = "| section | key | value | default | meaning |\n|---|---|---|---|---|\n";
    for (const auto &k : table)
      out += "| " + (k.section[0] ? "`" + std::string(k.section) + "`" : std::string("(top)")) +
             " | `" + k.key + "` | " + cell(k.value) + " | " + cell(k.fallback) + " | " +
             cell(k.meaning) + " |\n";
    return out;
  }
} // namespace lightbody
