#!/usr/bin/env python3
"""Writes the gmsh meshes (MSH 2.2, ASCII) of the shell benchmarks in tests/data: structured
grids of second-order (9-node) or linear quadrilaterals, nodes exactly on the surface, the way
gmsh writes them (corners, mid-sides, centre), with a physical surface group and physical line
groups for named edges. Run from anywhere: python3 tests/data/make_benchmark_meshes.py
"""
import math, os

HERE = os.path.dirname(os.path.abspath(__file__))


def write_msh(path, surface_name, f, nu, nv, order, lines, nodes_per_quad=9, version="2.2"):
    """f(s, t) -> (x, y, z) on [0, 1]^2; nu x nv quadrilaterals; lines: {name: side} with side one
    of 's0', 's1', 't0', 't1' (the grid line s = 0, ...). Second order: 9-node quadrilaterals, or
    8-node ones (nodes_per_quad=8, the centre left out). version "4.1" writes one curve entity per
    line group and one surface entity."""
    step = 2 if order == 2 else 1
    ni, nj = step * nu + 1, step * nv + 1
    ids = {}
    nodes = []
    for j in range(nj):
        for i in range(ni):
            ids[(i, j)] = len(nodes) + 1
            nodes.append(f(i / (ni - 1), j / (nj - 1)))
    elements = []
    tags = {name: k + 2 for k, name in enumerate(lines)}
    for name, side in lines.items():
        count = nu if side[0] == 't' else nv
        for e in range(count):
            if side[0] == 't':
                j = 0 if side[1] == '0' else nj - 1
                a, b = (step * e, j), (step * (e + 1), j)
                m = (step * e + 1, j)
            else:
                i = 0 if side[1] == '0' else ni - 1
                a, b = (i, step * e), (i, step * (e + 1))
                m = (i, step * e + 1)
            if order == 2:
                elements.append((8, tags[name], [ids[a], ids[b], ids[m]]))
            else:
                elements.append((1, tags[name], [ids[a], ids[b]]))
    for ej in range(nv):
        for ei in range(nu):
            i, j = step * ei, step * ej
            if order == 2:
                n = [ids[(i, j)], ids[(i + 2, j)], ids[(i + 2, j + 2)], ids[(i, j + 2)],
                     ids[(i + 1, j)], ids[(i + 2, j + 1)], ids[(i + 1, j + 2)], ids[(i, j + 1)],
                     ids[(i + 1, j + 1)]]
                elements.append((10, 1, n) if nodes_per_quad == 9 else (16, 1, n[:8]))
            else:
                n = [ids[(i, j)], ids[(i + 1, j)], ids[(i + 1, j + 1)], ids[(i, j + 1)]]
                elements.append((3, 1, n))
    if version == "4.1":
        return write_msh41(path, surface_name, nodes, elements, tags)
    with open(os.path.join(HERE, path), "w") as out:
        out.write("$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$PhysicalNames\n")
        out.write(f"{1 + len(lines)}\n2 1 \"{surface_name}\"\n")
        for name, tag in tags.items():
            out.write(f"1 {tag} \"{name}\"\n")
        out.write(f"$EndPhysicalNames\n$Nodes\n{len(nodes)}\n")
        for k, x in enumerate(nodes):
            out.write(f"{k + 1} {x[0]:.12g} {x[1]:.12g} {x[2]:.12g}\n")
        out.write(f"$EndNodes\n$Elements\n{len(elements)}\n")
        for k, (etype, tag, n) in enumerate(elements):
            out.write(f"{k + 1} {etype} 2 {tag} {tag} " + " ".join(map(str, n)) + "\n")
        out.write("$EndElements\n")


def write_msh41(path, surface_name, nodes, elements, tags):
    """MSH 4.1: entity k (k = line group tags) for each line group, surface entity 1."""
    lo = [min(x[d] for x in nodes) for d in range(3)]
    hi = [max(x[d] for x in nodes) for d in range(3)]
    box = " ".join(f"{v:.12g}" for v in lo + hi)
    with open(os.path.join(HERE, path), "w") as out:
        out.write("$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$PhysicalNames\n")
        out.write(f"{1 + len(tags)}\n2 1 \"{surface_name}\"\n")
        for name, tag in tags.items():
            out.write(f"1 {tag} \"{name}\"\n")
        out.write("$EndPhysicalNames\n$Entities\n")
        out.write(f"0 {len(tags)} 1 0\n")
        for name, tag in tags.items():
            out.write(f"{tag} {box} 1 {tag} 0\n")
        out.write(f"1 {box} 1 1 0\n$EndEntities\n")
        out.write(f"$Nodes\n1 {len(nodes)} 1 {len(nodes)}\n2 1 0 {len(nodes)}\n")
        for k in range(len(nodes)):
            out.write(f"{k + 1}\n")
        for x in nodes:
            out.write(f"{x[0]:.12g} {x[1]:.12g} {x[2]:.12g}\n")
        out.write("$EndNodes\n")
        blocks = {}
        for etype, tag, n in elements:
            key = (1 if etype in (1, 8) else 2, tag if etype in (1, 8) else 1, etype)
            blocks.setdefault(key, []).append(n)
        out.write(f"$Elements\n{len(blocks)} {len(elements)} 1 {len(elements)}\n")
        k = 0
        for (dim, entity, etype), members in blocks.items():
            out.write(f"{dim} {entity} {etype} {len(members)}\n")
            for n in members:
                k += 1
                out.write(f"{k} " + " ".join(map(str, n)) + "\n")
        out.write("$EndElements\n")


def cylinder_octant(s, t):
    """Pinched cylinder octant, R = 300, half-length 300: s around (0..90 deg from +z), t along y."""
    th = s * math.pi / 2
    return (300 * math.sin(th), 300 * t, 300 * math.cos(th))


def hemisphere_quarter(s, t):
    """Hemisphere R = 1000 with an 18 degree hole: s in azimuth (0..90 deg from +x), t in polar
    angle from the equator (90 deg) to the hole (18 deg)."""
    az = s * math.pi / 2
    polar = math.radians(90 - t * 72)
    return (1000 * math.sin(polar) * math.cos(az), 1000 * math.sin(polar) * math.sin(az),
            1000 * math.cos(polar))


def elliptic_membrane(s, t):
    """NAFEMS LE1 quarter (mm): t from the inner ellipse (2000, 1000) to the outer (3250, 2750) on
    straight lines, s in the ellipse parameter 0..90 deg."""
    th = s * math.pi / 2
    c, n = math.cos(th), math.sin(th)
    return ((1 - t) * 2000 * c + t * 3250 * c, (1 - t) * 1000 * n + t * 2750 * n, 0.0)


def twisted_beam(s, t):
    """MacNeal-Harder twisted beam: 12 long (s along x), 1.1 wide (t across), the width turning
    from y at the root (x = 0) to z at the tip (90 degrees)."""
    th = s * math.pi / 2
    w = 1.1 * (t - 0.5)
    return (12 * s, w * math.cos(th), w * math.sin(th))


if __name__ == "__main__":
    # a coarse one (30 degrees per element around): too coarse to follow the curvature
    write_msh("pinched_cylinder_2x3_q4.msh", "shell", cylinder_octant, 3, 2, 1,
              {"diaphragm": "t0"})
    # the same octant as 8-node quadrilaterals, and in MSH 4.1
    write_msh("pinched_cylinder_8x13_q8.msh", "shell", cylinder_octant, 13, 8, 2,
              {"diaphragm": "t0"}, nodes_per_quad=8)
    write_msh("pinched_cylinder_8x13_q9_v41.msh", "shell", cylinder_octant, 13, 8, 2,
              {"diaphragm": "t0"}, version="4.1")
    for n, order in ((8, 2), (16, 2), (16, 1)):
        # the diaphragm is the end y = 0 (t = 0)
        write_msh(f"pinched_cylinder_{n}x{n * 13 // 8}_q{9 if order == 2 else 4}.msh", "shell",
                  cylinder_octant, n * 13 // 8, n, order, {"diaphragm": "t0"})
    for n, order in ((4, 2), (8, 2), (16, 2), (16, 1)):
        write_msh(f"hemisphere_{n}x{n}_q{9 if order == 2 else 4}.msh", "shell",
                  hemisphere_quarter, n, n, order, {"hole": "t1", "equator": "t0"})
    for nu, nv in ((3, 2), (6, 4), (12, 8)):
        write_msh(f"elliptic_membrane_{nu}x{nv}_q9.msh", "membrane", elliptic_membrane, nu, nv,
                  2, {"outer": "t1", "inner": "t0"})
    for nu, nv in ((12, 2), (24, 4)):
        write_msh(f"twisted_beam_{nu}x{nv}_q9.msh", "beam", twisted_beam, nu, nv, 2,
                  {"root": "s0", "tip": "s1"})
