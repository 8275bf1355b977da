#pragma once
// The six rigid-body motions of a body, as the iterative solver's multigrid is given them (its
// near-null space) and as a free body's vibration deflates them from LOBPCG's pencil.

namespace lightbody
{
  // Displacement component c (0, 1, 2: x, y, z) of rigid-body mode k at a point p relative to
  // the centre of rotation: k = 0, 1, 2 the translations along x, y, z, k = 3, 4, 5 the
  // rotations about x, y, z ((e_{k-3} x p)_c).
  inline double rigid_body_mode(unsigned k, unsigned c, const double p[3])
  {
    switch (k)
      {
        case 0:
        case 1:
        case 2: return c == k ? 1 : 0;
        case 3: return c == 1 ? -p[2] : c == 2 ? p[1] : 0;
        case 4: return c == 0 ? p[2] : c == 2 ? -p[0] : 0;
        default: return c == 0 ? -p[1] : c == 1 ? p[0] : 0;
      }
  }
} // namespace lightbody
