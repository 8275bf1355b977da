#pragma once
// A point or vector in the internal length unit (mm), and its arithmetic: written once, used by
// the reader, the body generators, the mesher and the reports.
#include <array>
#include <cmath>

namespace lightbody
{
  // An array of three doubles with constructors, so that Vec3{x, y, z} needs no inner braces.
  struct Vec3 : std::array<double, 3>
  {
    constexpr Vec3() : std::array<double, 3>{{0, 0, 0}} {}
    constexpr Vec3(double x, double y, double z) : std::array<double, 3>{{x, y, z}} {}
  };

  inline Vec3 operator+(const Vec3 &a, const Vec3 &b)
  {
    return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }
  inline Vec3 operator-(const Vec3 &a, const Vec3 &b)
  {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  }
  inline Vec3   operator*(double s, const Vec3 &a) { return {s * a[0], s * a[1], s * a[2]}; }
  inline double dot(const Vec3 &a, const Vec3 &b)
  {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }
  inline Vec3 cross(const Vec3 &a, const Vec3 &b)
  {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }
  inline double norm(const Vec3 &a) { return std::sqrt(dot(a, a)); }
  inline Vec3   normalized(const Vec3 &a) { return (1 / norm(a)) * a; }
} // namespace lightbody
