#pragma once
// Mid-surfaces of thin-walled parts as patches: smooth maps from the unit square (u, v) to space.
// A part is one or more patches; each is meshed as a structured grid and extruded along its normal.
#include "input/case.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace lightbody
{
  struct Patch
  {
    // Exact mid-surface point for (u, v) in [0, 1]^2.
    std::function<Vec3(double, double)> point;
    unsigned                            n_u = 1, n_v = 1; // elements along u and v
    // Edge names of the four sides (empty: an inner seam): v = 0, u = 1, v = 1, u = 0.
    std::array<std::string, 4> side_edge;
    // A second edge name of a side (imported meshes: a physical line group), empty if none.
    std::array<std::string, 4> side_group;

    // Where set (imported meshes), the normal to extrude along; otherwise du x dv.
    std::function<Vec3(double, double)> exact_normal;

    // Where set (imported meshes), the vector a unit of the thickness coordinate extrudes along:
    // the normal lengthened where the mesh folds, so that the faces on either side of the fold
    // keep their thickness; otherwise the normal.
    std::function<Vec3(double, double)> extrusion;

    // Unit normal: exact_normal, or from the surface derivatives, oriented as du x dv.
    Vec3 normal(double u, double v) const;

    // The direction of the through-thickness lines, per unit of thickness: extrusion, or the
    // normal.
    Vec3 through(double u, double v) const { return extrusion ? extrusion(u, v) : normal(u, v); }
  };

  // How finely a part is divided: the in-plane element size, and the largest turn of the normal
  // across one element along a curved direction (radians; 0: no limit). Curved directions get
  // at least turn / max_angle divisions: around a cylinder or tank section, along a sector's
  // arc and along a head's meridian (counts that neighbours of the same radius share).
  struct Sizing
  {
    double h         = 50;
    double max_angle = 0;
  };
  Sizing sizing_of(const Case &c, const PartSpec &part);

  // The patches of one part, each oriented so that its normal points to the part's "top" side:
  // quad: (c2 - c1) x (c4 - c1); cylinder and head: outward; disc: along its normal.
  std::vector<Patch> mid_surface_patches(const PartSpec &part, const Sizing &sizing);

  // The largest turn of the mid-surface normal across one element of the patches, in radians,
  // with the element and the curvature radius there (element size / turn).
  struct ElementTurn
  {
    double angle  = 0;
    double radius = 0; // of curvature where the turn is largest (0: flat)
  };
  ElementTurn element_turn(const std::vector<Patch> &patches);

  // The size of the model a case will mesh to, counted from the patches' divisions before any
  // mesh is built (the memory check before meshing). DoFs: three per quadratic node.
  struct ModelSize
  {
    double elements = 0;
    double dofs     = 0;
  };
  ModelSize estimate_model_size(const Case &c);
} // namespace lightbody
