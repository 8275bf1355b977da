#!/usr/bin/env python3
"""Zero-energy modes of the 20-node and 27-node hexahedra under full and reduced integration.

Counts the zero eigenvalues of the elastic stiffness (E = 1, nu = 0.3; below 1e-10 of the
largest) of a single element (the unit cube) and of thin patches (n x n elements in the plane,
one through the thickness, 1 x 1 x 0.02 each, shared nodes), for:
  20-node serendipity hexahedron (CalculiX C3D20) with 3 x 3 x 3 Gauss points,
  the same with 2 x 2 x 2 (C3D20R),
  27-node Lagrange hexahedron (the solid-shell's FE_Q(2) cell) with 3 x 3 x 3 and with 2 x 2 x 2.
Six zero modes are the rigid-body motions; more are spurious (hourglass) modes. The solid-shell
element itself (MITC9 assumed strains on the 27-node cell) is counted by the unit tests
Element.* in tests/test_element.cc (six for a single element and for patches). Needs numpy.

usage: python3 bench/element_modes.py
"""
import itertools
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("element_modes.py needs numpy (apt install python3-numpy)")

CORNER_EDGE = [p for p in itertools.product((-1, 0, 1), repeat=3)
               if sum(1 for c in p if c == 0) <= 1]          # the 20 serendipity nodes
LAGRANGE = list(itertools.product((-1, 0, 1), repeat=3))      # the 27 Lagrange nodes


def grad20(x):
    """Reference gradients of the 20 serendipity shape functions at x."""
    g = []
    xi = x
    for node in CORNER_EDGE:
        a = node
        zeros = [d for d in range(3) if a[d] == 0]
        if not zeros:
            lin = [1 + a[d] * xi[d] for d in range(3)]
            s = sum(a[d] * xi[d] for d in range(3)) - 2
            row = []
            for d in range(3):
                o = [e for e in range(3) if e != d]
                row.append(a[d] * lin[o[0]] * lin[o[1]] / 8 * (s + lin[d]))
            g.append(row)
        else:
            z = zeros[0]
            o = [e for e in range(3) if e != z]
            lin = {e: 1 + a[e] * xi[e] for e in o}
            row = [0.0, 0.0, 0.0]
            row[z] = -2 * xi[z] * lin[o[0]] * lin[o[1]] / 4
            row[o[0]] = a[o[0]] * (1 - xi[z] ** 2) * lin[o[1]] / 4
            row[o[1]] = a[o[1]] * (1 - xi[z] ** 2) * lin[o[0]] / 4
            g.append(row)
    return np.array(g)


def grad27(x):
    """Reference gradients of the 27 Lagrange shape functions at x."""
    def one(t):
        return [t * (t - 1) / 2, 1 - t * t, t * (t + 1) / 2], [t - 0.5, -2 * t, t + 0.5]
    L = [one(c) for c in x]
    index = {-1: 0, 0: 1, 1: 2}
    g = []
    for node in LAGRANGE:
        i = [index[c] for c in node]
        g.append([L[0][1][i[0]] * L[1][0][i[1]] * L[2][0][i[2]],
                  L[0][0][i[0]] * L[1][1][i[1]] * L[2][0][i[2]],
                  L[0][0][i[0]] * L[1][0][i[1]] * L[2][1][i[2]]])
    return np.array(g)


def element_stiffness(grad, nodes, points, size):
    """Stiffness of a brick of the given edge lengths with points x points x points Gauss."""
    E, nu = 1.0, 0.3
    lam, mu = E * nu / (1 + nu) / (1 - 2 * nu), E / 2 / (1 + nu)
    D = np.zeros((6, 6))
    D[:3, :3] = lam
    D[range(3), range(3)] += 2 * mu
    D[range(3, 6), range(3, 6)] = mu
    g, w = np.polynomial.legendre.leggauss(points)
    n = len(nodes)
    half = np.array(size) / 2
    K = np.zeros((3 * n, 3 * n))
    for (i, a), (j, b), (k, c) in itertools.product(enumerate(g), repeat=3):
        dN = grad((a, b, c)) / half
        B = np.zeros((6, 3 * n))
        for m in range(n):
            B[0, 3 * m], B[1, 3 * m + 1], B[2, 3 * m + 2] = dN[m]
            B[3, 3 * m], B[3, 3 * m + 1] = dN[m, 1], dN[m, 0]
            B[4, 3 * m + 1], B[4, 3 * m + 2] = dN[m, 2], dN[m, 1]
            B[5, 3 * m], B[5, 3 * m + 2] = dN[m, 2], dN[m, 0]
        K += B.T @ D @ B * w[i] * w[j] * w[k] * np.prod(half)
    return K


def zero_modes(K):
    ev = np.linalg.eigvalsh(K)
    return int(np.sum(ev < 1e-10 * ev.max()))


def patch(grad, nodes, points, n, t):
    Ke = element_stiffness(grad, nodes, points, (1.0, 1.0, t))
    ids = {}
    dofs = []
    for ex, ey in itertools.product(range(n), repeat=2):
        cell = [ids.setdefault((2 * ex + 1 + p[0], 2 * ey + 1 + p[1], p[2]), len(ids))
                for p in nodes]
        dofs.append(np.array([[3 * c, 3 * c + 1, 3 * c + 2] for c in cell]).ravel())
    K = np.zeros((3 * len(ids), 3 * len(ids)))
    for d in dofs:
        K[np.ix_(d, d)] += Ke
    return zero_modes(K)


def main():
    rows = [("20-node serendipity, 3x3x3 Gauss (C3D20)", grad20, CORNER_EDGE, 3),
            ("20-node serendipity, 2x2x2 Gauss (C3D20R)", grad20, CORNER_EDGE, 2),
            ("27-node Lagrange, 3x3x3 Gauss", grad27, LAGRANGE, 3),
            ("27-node Lagrange, 2x2x2 Gauss", grad27, LAGRANGE, 2)]
    print(f"{'element':<44} {'single':>6} {'2x2 patch':>9} {'3x3 patch':>9}   (zero modes; "
          "six are rigid-body motions)")
    for name, grad, nodes, points in rows:
        single = zero_modes(element_stiffness(grad, nodes, points, (1.0, 1.0, 1.0)))
        print(f"{name:<44} {single:>6} {patch(grad, nodes, points, 2, 0.02):>9} "
              f"{patch(grad, nodes, points, 3, 0.02):>9}", flush=True)


if __name__ == "__main__":
    main()
