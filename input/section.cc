#include "input/section.h"

#include <algorithm>
#include <cmath>

namespace lightbody
{
  CrossSection::CrossSection(const SectionSpec &s) : spec_(s)
  {
    if (s.kind == SectionSpec::Kind::oval)
      {
        // Side arcs (radius r1, centres (+-(A - r1), 0)) tangent to top and bottom arcs
        // (radius r2, centres (0, +-(B - r2))): (A - r1)^2 + (B - r2)^2 = (r2 - r1)^2.
        const double A = s.a, B = s.b, r1 = s.side_radius;
        top_radius_ = (A * A + B * B - 2 * A * r1) / (2 * (B - r1));
        beta_       = std::atan2(top_radius_ - B, A - r1);
        quarter_    = r1 * beta_ + top_radius_ * (M_PI / 2 - beta_);
      }
  }

  // First quadrant, from (A, 0) (t = 0) to (0, B) (t = 1), by arc length.
  std::array<double, 2> CrossSection::oval_quarter(double t) const
  {
    const double A = spec_.a, B = spec_.b, r1 = spec_.side_radius, r2 = top_radius_;
    const double s = t * quarter_;
    if (s <= r1 * beta_)
      {
        const double psi = s / r1;
        return {A - r1 + r1 * std::cos(psi), r1 * std::sin(psi)};
      }
    const double phi = beta_ + (s - r1 * beta_) / r2;
    return {r2 * std::cos(phi), B - r2 + r2 * std::sin(phi)};
  }

  std::array<double, 2> CrossSection::point(double theta) const
  {
    switch (spec_.kind)
      {
        case SectionSpec::Kind::circle:
          return {spec_.a * std::cos(theta), spec_.a * std::sin(theta)};
        case SectionSpec::Kind::ellipse:
          return {spec_.a * std::cos(theta), spec_.b * std::sin(theta)};
        case SectionSpec::Kind::oval:
          {
            double th = std::fmod(theta, 2 * M_PI);
            if (th < 0)
              th += 2 * M_PI;
            const int    q     = std::min(3, static_cast<int>(th / (M_PI / 2)));
            const double local = th - q * M_PI / 2;
            // Quadrants mirror the first, so the nodes of a symmetric mesh are symmetric.
            const double t = (q % 2 == 0) ? local / (M_PI / 2) : 1 - local / (M_PI / 2);
            auto         p = oval_quarter(t);
            if (q == 1 || q == 2)
              p[0] = -p[0];
            if (q == 2 || q == 3)
              p[1] = -p[1];
            return p;
          }
      }
    return {0, 0};
  }

  std::array<double, 2> CrossSection::normal(double theta) const
  {
    const double d = 1e-7;
    const auto   a = point(theta - d), b = point(theta + d);
    const double tx = b[0] - a[0], ty = b[1] - a[1], n = std::hypot(tx, ty);
    return {ty / n, -tx / n};
  }

  double CrossSection::smallest_radius() const
  {
    switch (spec_.kind)
      {
        case SectionSpec::Kind::circle: return spec_.a;
        case SectionSpec::Kind::ellipse:
          return std::pow(std::min(spec_.a, spec_.b), 2) / std::max(spec_.a, spec_.b);
        case SectionSpec::Kind::oval: return std::min(spec_.side_radius, top_radius_);
      }
    return 0;
  }

  std::array<double, 2> CrossSection::inner_point(double theta, double inset) const
  {
    const auto p = point(theta), n = normal(theta);
    return {p[0] - inset * n[0], p[1] - inset * n[1]};
  }
} // namespace lightbody
