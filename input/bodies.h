#pragma once
// Body generators: a vehicle body from the dimensions and gauges an engineer thinks in, expanded
// into parts, named surfaces, named support regions and default supports. Plain data: meshing
// happens afterwards, as for parts written by hand.
#include "input/case.h"

#include <functional>

namespace lightbody
{
  // Appends the tank's parts, named surfaces ("compartment_1", "head_front", "shell", ...),
  // named regions ("saddles", "anchor", "subframe", "ends") and, when the case gives no
  // supports, the default supports of its mounting. Throws InputError for impossible layouts.
  // (Errors are located by `where`: a key under body.tank, e.g. "heads.shape", to the place in
  // the case file that gave it.)
  void expand_tank(Case &c, const std::function<SourceLocation(const std::string &)> &where);
  // A tank's plates (partitions, baffles, flat heads) and rings sit half the shell's gauge inside
  // the shell's mid-surface, on its inner face: after the shells' gauges were changed (parts.NAME
  // overrides), each takes the gauge of the shell at its station (the thinner of two that meet
  // there).
  void fit_tank_insets(Case &c);

  // Appends a box or tipper body: plates joined by ties, named surfaces ("floor_top",
  // "front_wall_inner", "side_left_inner", "side_right_inner", "roof", "rear_frame",
  // "tailgate_inner"), named regions ("mounts", "anchor", "hinge_pins", "ram_pin") and default
  // supports.
  void expand_frame_body(Case &c, const SourceLocation &where);
  // A frame body's plates sit on each other's faces: after parts' gauges were changed
  // (parts.NAME overrides), each plate is placed again on the faces of its neighbours as they are
  // now (a thicker floor lifts the walls, a thicker sill web moves the crossmembers' ends).
  void fit_frame_body(Case &c);

  // Mid-surface perimeter of a cross-section.
  double section_perimeter(const SectionSpec &s);
} // namespace lightbody
