#pragma once
// Tank cross-sections as closed curves in the plane of their section: circle, ellipse and the
// four-arc "modified oval". The curve parameter is an angle-like theta in [0, 2 pi), starting at
// the end of the width and running towards the top; shells, heads and plates of one section all
// use it, so their nodes fall at the same places.
#include "input/case.h"

#include <array>

namespace lightbody
{
  class CrossSection
  {
  public:
    explicit CrossSection(const SectionSpec &s);

    // Mid-surface point (across, up) at theta.
    std::array<double, 2> point(double theta) const;
    // Outward unit normal at theta.
    std::array<double, 2> normal(double theta) const;
    // The point `inset` inside the mid-surface along the normal.
    std::array<double, 2> inner_point(double theta, double inset) const;
    // The smallest radius of curvature of the curve (an ellipse's at the ends of its longer
    // axis, an oval's side or top arcs).
    double smallest_radius() const;

  private:
    SectionSpec           spec_;
    double                top_radius_ = 0, beta_ = 0, quarter_ = 0; // oval: arcs and quarter length
    std::array<double, 2> oval_quarter(double t) const;
  };
} // namespace lightbody
