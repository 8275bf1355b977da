#pragma once
// A test matrix for the iterative solver: the stiffness of a pin-jointed lattice, shared by the
// unit tests (test_iterative.cc) and the MPI test program (mpi_subdomain_failure.cc).
#include "solver/iterative_solver.h"

#include <cmath>
#include <map>
#include <vector>

namespace lightbody::testing
{
  // The stiffness of an nx x ny x nz grid of nodes 10 mm apart in x and y, 2 mm in z: its rows
  // and its nodes' coordinates.
  inline IterativeSolver::RowFunction lattice(unsigned nx, unsigned ny, unsigned nz,
                                              std::vector<double> &coordinates)
  {
    const std::size_t n = 3 * nx * ny * nz;
    coordinates.assign(n, 0.0);
    auto node = [=](unsigned i, unsigned j, unsigned k) { return (j * nx + i) * nz + k; };
    for (unsigned k = 0; k < nz; ++k)
      for (unsigned j = 0; j < ny; ++j)
        for (unsigned i = 0; i < nx; ++i)
          for (unsigned c = 0; c < 3; ++c)
            coordinates[3 * node(i, j, k) + c] = c == 0 ? 10.0 * i : c == 1 ? 10.0 * j : 2.0 * k;
    // A pin-jointed lattice: bars of unit stiffness between each node and its 26 neighbours
    // (stiff as a body, its rigid-body modes those the multigrid is given), 1e-3 on the
    // diagonal.
    return [=](std::size_t r, std::vector<int> &columns, std::vector<double> &values) {
      const unsigned        v = static_cast<unsigned>(r / 3), c = static_cast<unsigned>(r % 3);
      const int             k = v % nz, i = (v / nz) % nx, j = v / (nz * nx);
      std::map<int, double> entries{{static_cast<int>(r), 1e-3}};
      for (int dk = -1; dk <= 1; ++dk)
        for (int dj = -1; dj <= 1; ++dj)
          for (int di = -1; di <= 1; ++di)
            {
              const int a = i + di, b = j + dj, e = k + dk;
              if ((di == 0 && dj == 0 && dk == 0) || a < 0 || b < 0 || e < 0 || a >= int(nx) ||
                  b >= int(ny) || e >= int(nz))
                continue;
              const unsigned w = node(a, b, e);
              double         d[3], length = 0;
              for (unsigned q = 0; q < 3; ++q)
                d[q] = coordinates[3 * w + q] - coordinates[3 * v + q], length += d[q] * d[q];
              length = std::sqrt(length);
              for (unsigned q = 0; q < 3; ++q)
                {
                  const double kk = d[c] * d[q] / (length * length);
                  entries[static_cast<int>(3 * v + q)] += kk;
                  entries[static_cast<int>(3 * w + q)] -= kk;
                }
            }
      columns.clear();
      values.clear();
      for (const auto &[column, value] : entries)
        columns.push_back(column), values.push_back(value);
    };
  }
} // namespace lightbody::testing
