#!/usr/bin/env python3
"""Shell benchmarks: lightbody's solid-shell against CalculiX C3D20R on the same grids.

For each benchmark and grid: DOFs, error against the published value and whole-process wall time
(median of --repeat runs), for lightbody and, where CalculiX is installed, for C3D20R (one
20-node reduced-integration brick through the thickness on the same structured grid, with the
same supports and loads), then the time each code needs to come within 1 % of the published
value and the error each has at about equal DOFs. On the gmsh membranes (NAFEMS LE1, LE10)
and the plates of LE5 and LE6 CalculiX runs the deck `lightbody export` writes from lightbody's
own mesh (the 27-node cells without their face and centre nodes) and the stress is its nodal
value in the .frd file.
lightbody runs with `--output fields` (the .vtu files, no picture: CalculiX renders none).
`--ccx-element C3D20` runs CalculiX's fully integrated 20-node brick in place of C3D20R (the
peer without the reduced integration's zero-energy modes: a single C3D20R element has six besides
the six rigid-body modes).
"mesh-post s" is lightbody's time from meshing to the end of post-processing (report.json's
time_s without writing the files): the whole process adds about 0.25 s of start-up and the
writing. Where lightbody's element size gives another grid than CalculiX's (the Scordelis-Lo
roof's 78.125 mm: 23 elements around, not 24), a line says so.

Published values:
  R. H. MacNeal and R. L. Harder, "A proposed standard set of problems to test finite element
  accuracy", Finite Elements in Analysis and Design 1 (1985) 3-20:
    Scordelis-Lo roof (test 3a), vertical displacement at the middle of the free edge: 0.3024
    pinched cylinder with diaphragms (test 5), radial displacement under a force: 1.8248e-5
    pinched hemisphere with an 18 degree hole (test 6), displacement under a force: 0.0940
  NAFEMS, The Standard NAFEMS Benchmarks (TNSB rev. 3, 1990):
    LE1 elliptic membrane, sigma_yy at D: 92.7 MPa
    LE10 thick plate under pressure, sigma_yy at D: -5.38 MPa
    LE5 Z-section cantilever, axial stress at A (flange edge, x = 2.5 m, mid-surface): -108 MPa
    LE6 skew plate under pressure, largest principal stress at E (centre, lower surface): 0.802 MPa
All are scaled as in cases/verification/*.yaml and tests/test_shell_benchmarks.cc. The gmsh
meshes are written by tests/data/make_benchmark_meshes.py at each grid.

usage: python3 bench/shell_benchmarks.py [--build build] [--repeat 3] [--no-ccx]
                                        [--only scordelis pinched hemisphere le1 le10 le5 le6]
                                        [--fibres quadratic|straight]
                                        [--ccx-element C3D20R|C3D20]
"""
import argparse, json, math, os, shutil, statistics, subprocess, sys, tempfile, time

CCX_ELEMENT = "C3D20R"  # CalculiX's brick (--ccx-element)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "data"))
import make_benchmark_meshes as meshes  # noqa: E402

MATERIAL = ("criteria: {convergence: off}\nmaterials:\n  m: {E: %s, nu: %s, density: %s, "
            "Rp02: 5000 MPa, Rm: 6000 MPa, source: benchmark}\n")


def cylinder(R, degrees, length):
    def mid(s, t):
        th = math.radians(degrees) * s
        return (R * math.sin(th), length * t, R * math.cos(th))

    def normal(s, t):
        th = math.radians(degrees) * s
        return (math.sin(th), 0.0, math.cos(th))
    return mid, normal


def hemisphere(s, t):
    x = meshes.hemisphere_quarter(s, t)
    return tuple(c / 1000 for c in x)


BENCHMARKS = {
    "scordelis": {
        "name": "Scordelis-Lo roof (quarter)", "reference": 30.24, "component": 2, "sign": -1,
        "case": "cases/verification/scordelis_lo_roof.yaml", "probe": "free_edge_middle",
        "surface": cylinder(2500.0, 40.0, 2500.0), "t": 25.0, "E": 72000.0, "nu": 0.0,
        "density": 6116.207951e-12, "gravity": 98100.0,
        # diaphragm y = 0 holds x and z; mid-length holds y; the crown x = 0 holds x
        "bcs": [(lambda s, t: t == 0, (1, 3)), (lambda s, t: t == 1, (2,)),
                (lambda s, t: s == 0, (1,))],
        "probe_at": (1, 1),  # (s, t) of the probe node, mid-thickness
        # grids (around x along) and the lightbody element size giving each
        "grids": [(3, 4, 625.0), (6, 8, 312.5), (12, 16, 156.25), (24, 32, 78.125)],
    },
    "pinched": {
        "name": "pinched cylinder (octant)", "reference": 1.8248e-5 * 1000 * 3e6 / 70000,
        "component": 2, "sign": -1,
        "case": "cases/verification/pinched_cylinder.yaml", "probe": "under_load",
        "surface": cylinder(300.0, 90.0, 300.0), "t": 3.0, "E": 70000.0, "nu": 0.3,
        "bcs": [(lambda s, t: t == 0, (1, 3)), (lambda s, t: t == 1, (2,)),
                (lambda s, t: s == 0, (1,)), (lambda s, t: s == 1, (3,))],
        "forces": [((0, 1), (0, 0, -250.0))],
        "probe_at": (0, 1),
        "grids": [(13, 8, 37.5), (26, 16, 18.75), (51, 32, 9.375)],
    },
    "hemisphere": {
        "name": "pinched hemisphere, 18 deg hole (quarter)", "reference": 9.4, "component": 0,
        "sign": 1,
        "gmsh": lambda f: MATERIAL % ("68250 MPa", "0.3", "2700 kg/m^3") + (
            "parts:\n  shell: {material: m, thickness: 4 mm, gmsh: {file: %s, group: shell}}\n"
            "supports:\n  px: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}\n"
            "  py: {symmetry: {point: [0, 0, 0], normal: [0, 1, 0]}}\n"
            "  z: {box: {min: [-1, 999, -1], max: [1, 1001, 1]}, fix: [z]}\n"
            "load_cases:\n  pinch:\n    point_forces:\n"
            "      - {point: [1000, 0, 0], force: [10 N, 0, 0]}\n"
            "      - {point: [0, 1000, 0], force: [0, -10 N, 0]}\n"
            "probes:\n  a: [1000, 0, 0]\n" % f),
        "mesh": meshes.hemisphere_quarter, "probe": "a",
        "surface": (lambda s, t: tuple(1000 * c for c in hemisphere(s, t)), hemisphere),
        "t": 4.0, "E": 68250.0, "nu": 0.3,
        "bcs": [(lambda s, t: s == 1, (1,)), (lambda s, t: s == 0, (2,))],
        "mid_node_bcs": [((1, 0), (3,))],
        "forces": [((0, 0), (10.0, 0, 0)), ((1, 0), (0, -10.0, 0))],
        "probe_at": (0, 0),
        "grids": [(4, 4, None), (8, 8, None), (16, 16, None), (32, 32, None), (64, 64, None)],
    },
    "le1": {
        "name": "NAFEMS LE1 elliptic membrane (quarter)", "reference": 92.7, "stress": 1,
        "gmsh": lambda f: MATERIAL % ("210000 MPa", "0.3", "7850 kg/m^3") + (
            "parts:\n  p: {material: m, thickness: 100 mm, gmsh: {file: %s, group: membrane}}\n"
            "supports:\n  px: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}\n"
            "  py: {symmetry: {point: [0, 0, 0], normal: [0, 1, 0]}}\n"
            "  mid: {plane: {point: [0, 0, 0], normal: [0, 0, 1]}, fix: [z]}\n"
            "load_cases:\n  tension: {edge_pressures: [{edge: p.outer, value: -10 MPa}]}\n"
            "probes:\n  D: [2000, 0, 0]\n" % f),
        "mesh": meshes.elliptic_membrane, "membrane": True, "probe": "D",
        "grids": [(3, 2, None), (6, 4, None), (12, 8, None), (24, 16, None)],
    },
    "le10": {
        "name": "NAFEMS LE10 thick plate (quarter, 4 layers)", "reference": -5.38, "stress": 1,
        "gmsh": lambda f: MATERIAL % ("210000 MPa", "0.3", "7850 kg/m^3") + (
            "parts:\n  p: {material: m, thickness: 600 mm, layers: 4, "
            "gmsh: {file: %s, group: membrane}}\n"
            "supports:\n  px: {symmetry: {point: [0, 0, 0], normal: [1, 0, 0]}}\n"
            "  py: {symmetry: {point: [0, 0, 0], normal: [0, 1, 0]}}\n"
            "  outer: {edge: p.outer, fix: [x, y]}\n"
            "  mid: {edge: p.outer, plane: {point: [0, 0, 0], normal: [0, 0, 1]}, fix: [z]}\n"
            "load_cases:\n  pressure: {pressures: [{surface: p.bottom, value: 1 MPa}]}\n"
            "probes:\n  D: [2000, 0, 300]\n" % f),
        "mesh": meshes.elliptic_membrane, "membrane": True, "probe": "D",
        "grids": [(6, 4, None), (12, 8, None), (24, 16, None), (48, 32, None)],
    },
    "le5": {
        "name": "NAFEMS LE5 Z-section cantilever (three tied plates)", "reference": -108.0,
        "stress": 0,
        "yaml": MATERIAL % ("210000 MPa", "0.3", "7800 kg/m^3") + (
            "parts:\n"
            "  web: {material: m, thickness: 100 mm, quad: {corners: [[0, -950, 0], "
            "[10000, -950, 0], [10000, 950, 0], [0, 950, 0]]}}\n"
            "  flange_pos: {material: m, thickness: 100 mm, quad: {corners: [[0, 1000, -50], "
            "[10000, 1000, -50], [10000, 1000, 1000], [0, 1000, 1000]]}}\n"
            "  flange_neg: {material: m, thickness: 100 mm, quad: {corners: [[0, -1000, 50], "
            "[10000, -1000, 50], [10000, -1000, -1000], [0, -1000, -1000]]}}\n"
            "supports:\n  root: {edges: [web.edge4, flange_pos.edge4, flange_neg.edge4], "
            "fix: all}\n"
            "load_cases:\n  torque:\n    edge_forces:\n"
            "      - {edge: flange_pos.edge2, force_per_length: [0, 0, 571.4285714 N/mm]}\n"
            "      - {edge: flange_neg.edge2, force_per_length: [0, 0, -571.4285714 N/mm]}\n"
            "probes:\n  A: [2500, 1000, 1000]\n"),
        "probe": "A",
        # (elements along, across the web, the element size)
        "grids": [(10, 2, 1000.0), (20, 4, 500.0), (40, 8, 250.0), (80, 16, 125.0)],
    },
    "le6": {
        "name": "NAFEMS LE6 skew plate (30 deg)", "reference": 0.802, "principal": True,
        "yaml": MATERIAL % ("210000 MPa", "0.3", "7800 kg/m^3") + (
            "parts:\n  plate: {material: m, thickness: 10 mm, quad: {corners: [[0, 0, 0], "
            "[1000, 0, 0], [1866.0254038, 500, 0], [866.0254038, 500, 0]]}}\n"
            "supports:\n  edges: {edges: [plate.edge1, plate.edge2, plate.edge3, plate.edge4], "
            "fix: [z]}\n"
            "  A: {box: {min: [-1, -1, -10], max: [1, 1, 10]}, fix: [x, y]}\n"
            "  B: {box: {min: [999, -1, -10], max: [1001, 1, 10]}, fix: [y]}\n"
            "load_cases:\n  p: {pressures: [{surface: plate.top, value: 0.7 kPa}]}\n"
            "probes:\n  E: [933.0127019, 250, -5]\n"),
        "probe": "E",
        "grids": [(8, 8, 125.0), (16, 16, 62.5), (32, 32, 31.25)],
    },
}


def timed(cmd, cwd=None):
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - start, proc


def lightbody_case(b, grid, tmp):
    """The case file of the benchmark at the grid (written to tmp for a gmsh mesh) and the
    command-line settings it needs."""
    nu, nv, size = grid
    if "case" in b:
        return os.path.join(ROOT, b["case"]), ["--set", f"mesh.size={size}"]
    if "yaml" in b:
        case = os.path.join(tmp, "b.yaml")
        with open(case, "w") as f:
            f.write(b["yaml"])
        return case, ["--set", f"mesh.size={size}"]
    msh = os.path.join(tmp, "b.msh")
    lines = {"outer": "t1", "inner": "t0"} if b.get("membrane") else {}
    meshes.write_msh(msh, "membrane" if b.get("membrane") else "shell", b["mesh"], nu, nv, 2,
                     lines)
    case = os.path.join(tmp, "b.yaml")
    with open(case, "w") as f:
        f.write(b["gmsh"](msh))
    return case, []


def run_lightbody(exe, b, grid, tmp, fibres="quadratic"):
    out = os.path.join(tmp, "lb")
    case, extra = lightbody_case(b, grid, tmp)
    # --output fields: the .vtu files but no picture (CalculiX renders none either).
    wall, proc = timed([exe, "run", case, "--out", out, "--quiet", "--output", "fields", "--set",
                        f"mesh.fibres={fibres}"] + extra)
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"lightbody failed: {proc.stderr.decode()}")
    report = json.load(open(os.path.join(out, "report.json")))
    p = report["load_cases"][0]["probes"][b["probe"]]
    value = quantity(b, p["stress_MPa"]) if ("stress" in b or "principal" in b) else \
        b["sign"] * p["displacement_mm"][b["component"]]
    shutil.rmtree(out)
    compute = sum(v for k, v in report["time_s"].items()
                  if k not in ("write", "write_fields", "picture"))
    return wall, report["dofs"], value, compute


def ccx_input(b, nu, nv):
    """C3D20R bricks on the grid: node positions (i, j, k), i along s (2 nu + 1), j along t
    (2 nv + 1), k through the thickness (3); a node exists where at most one of i, j, k is odd."""
    mid, normal = b["surface"]
    ni, nj = 2 * nu + 1, 2 * nv + 1
    ids, lines = {}, ["*NODE"]
    for k in range(3):
        for j in range(nj):
            for i in range(ni):
                if (i % 2) + (j % 2) + (k % 2) > 1:
                    continue
                s, t = i / (ni - 1), j / (nj - 1)
                x, n = mid(s, t), normal(s, t)
                z = (k - 1) * b["t"] / 2
                ids[(i, j, k)] = len(ids) + 1
                lines.append(f"{ids[(i, j, k)]}, " +
                             ", ".join(f"{x[d] + z * n[d]:.12g}" for d in range(3)))
    lines.append(f"*ELEMENT, TYPE={CCX_ELEMENT}, ELSET=SHELL")
    e = 0
    # Orientation: corners counter-clockwise about the normal, bottom (k = 0) first.
    ds = [mid(0.5 + 1e-6, 0.5)[d] - mid(0.5, 0.5)[d] for d in range(3)]
    dt = [mid(0.5, 0.5 + 1e-6)[d] - mid(0.5, 0.5)[d] for d in range(3)]
    n0 = normal(0.5, 0.5)
    right = (ds[1] * dt[2] - ds[2] * dt[1]) * n0[0] + (ds[2] * dt[0] - ds[0] * dt[2]) * n0[1] + \
        (ds[0] * dt[1] - ds[1] * dt[0]) * n0[2] > 0
    corners = [(0, 0), (2, 0), (2, 2), (0, 2)] if right else [(0, 0), (0, 2), (2, 2), (2, 0)]
    mids = [(1, 0), (2, 1), (1, 2), (0, 1)] if right else [(0, 1), (1, 2), (2, 1), (1, 0)]
    for ej in range(nv):
        for ei in range(nu):
            c = lambda di, dj, k: ids[(2 * ei + di, 2 * ej + dj, k)]
            n = [c(di, dj, 0) for di, dj in corners] + [c(di, dj, 2) for di, dj in corners]
            n += [c(di, dj, 0) for di, dj in mids] + [c(di, dj, 2) for di, dj in mids]
            n += [c(di, dj, 1) for di, dj in corners]
            e += 1
            lines.append(f"{e}, " + ", ".join(map(str, n[:15])) + ",")
            lines.append(", ".join(map(str, n[15:])))
    lines += ["*MATERIAL, NAME=M", "*ELASTIC", f"{b['E']}, {b['nu']}"]
    if "density" in b:
        lines += ["*DENSITY", f"{b['density']}"]
    lines += ["*SOLID SECTION, ELSET=SHELL, MATERIAL=M", "*BOUNDARY"]
    at = lambda st: (round(st[0] * (ni - 1)), round(st[1] * (nj - 1)))
    for pred, dofs in b["bcs"]:
        for (i, j, k), v in ids.items():
            if pred(i / (ni - 1), j / (nj - 1)):
                lines += [f"{v}, {d}, {d}" for d in dofs]
    for st, dofs in b.get("mid_node_bcs", []):
        lines += [f"{ids[at(st) + (1,)]}, {d}, {d}" for d in dofs]
    lines += ["*STEP", "*STATIC"]
    if "gravity" in b:
        lines += ["*DLOAD", f"SHELL, GRAV, {b['gravity']}, 0., 0., -1."]
    if "forces" in b:
        lines.append("*CLOAD")
        for st, force in b["forces"]:
            for k, w in ((0, 1 / 6), (1, 4 / 6), (2, 1 / 6)):
                for d in range(3):
                    if force[d]:
                        lines.append(f"{ids[at(st) + (k,)]}, {d + 1}, {force[d] * w}")
    lines += ["*NSET, NSET=PROBE", str(ids[at(b["probe_at"]) + (1,)]), "*NODE PRINT, NSET=PROBE",
              "U", "*END STEP"]
    return "\n".join(lines) + "\n", 3 * len(ids)


def run_ccx(b, grid, tmp):
    text, dofs = ccx_input(b, grid[0], grid[1])
    with open(os.path.join(tmp, "b.inp"), "w") as f:
        f.write(text)
    wall, proc = timed(["ccx", "-i", "b"], cwd=tmp)
    u = None
    for line in open(os.path.join(tmp, "b.dat")):
        parts = line.split()
        if len(parts) == 4 and parts[0].isdigit():
            u = float(parts[1 + b["component"]])
    if u is None:
        sys.exit(f"CalculiX gave no displacement: {proc.stderr.decode()}")
    return wall, dofs, b["sign"] * u


def quantity(b, s):
    """The benchmark's stress from the six (xx, yy, zz, xy, yz, zx): one component, or the largest
    principal stress in the x-y plane."""
    if b.get("principal"):
        return 0.5 * (s[0] + s[1]) + math.hypot(0.5 * (s[0] - s[1]), s[3])
    return s[b["stress"]]


def frd_nodal_stress(path, node):
    """The six stresses (xx, yy, zz, xy, yz, zx) CalculiX writes for the node in the .frd file
    (extrapolated from the integration points and averaged over the elements around it)."""
    in_stress = False
    for line in open(path):
        if line.startswith(" -4"):
            in_stress = line.split()[1] == "STRESS"
        elif in_stress and line.startswith(" -1") and int(line[3:13]) == node:
            return [float(line[13 + 12 * k:25 + 12 * k]) for k in range(6)]
    sys.exit(f"{path}: no stress of node {node}")


def run_ccx_export(exe, b, grid, tmp):
    """CalculiX on the deck `lightbody export` writes from lightbody's own mesh (C3D20R: the
    27-node cells without their face and centre nodes): the stress at the probe's node."""
    case, extra = lightbody_case(b, grid, tmp)
    deck_dir = os.path.join(tmp, "deck")
    shutil.rmtree(deck_dir, ignore_errors=True)
    proc = subprocess.run([exe, "export", case, "--format", "ccx", "--out", deck_dir, "--quiet"] +
                          extra, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"lightbody export failed: {proc.stderr}")
    name = [f for f in os.listdir(deck_dir) if f.endswith(".inp")][0][:-4]
    text = open(os.path.join(deck_dir, name + ".inp")).read()
    if CCX_ELEMENT != "C3D20R":
        text = text.replace("TYPE=C3D20R", f"TYPE={CCX_ELEMENT}")
        with open(os.path.join(deck_dir, name + ".inp"), "w") as f:
            f.write(text)
    nodes = text.split("*NODE, NSET=NALL\n")[1].split("*")[0].strip().splitlines()
    node = int(text.split(f"*NSET, NSET=PROBE_{b['probe']}")[1].split()[0])
    wall, proc = timed(["ccx", "-i", name], cwd=deck_dir)
    if proc.returncode != 0:
        sys.exit(f"CalculiX failed: {proc.stderr.decode()}")
    value = quantity(b, frd_nodal_stress(os.path.join(deck_dir, name + ".frd"), node))
    return wall, 3 * len(nodes), value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-ccx", action="store_true")
    ap.add_argument("--fibres", choices=["quadratic", "straight"], default="quadratic",
                    help="lightbody's mesh.fibres")
    ap.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    ap.add_argument("--ccx-element", choices=["C3D20R", "C3D20"], default="C3D20R",
                    help="CalculiX's brick: reduced (default) or full integration")
    args = ap.parse_args()
    global CCX_ELEMENT
    CCX_ELEMENT = args.ccx_element
    exe = os.path.join(args.build, "lightbody")
    have_ccx = not args.no_ccx and shutil.which("ccx") is not None
    threads = os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count()))
    print(f"median of {args.repeat} whole-process runs, {os.cpu_count()} cores; CalculiX "
          f"{CCX_ELEMENT + ', OMP_NUM_THREADS=' + threads if have_ccx else 'not run'}")
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        for key in args.only:
            b = BENCHMARKS[key]
            ref = b["reference"]
            use_ccx = have_ccx and ("surface" in b or "stress" in b or "principal" in b)
            ccx = (lambda grid: run_ccx(b, grid, tmp)) if "surface" in b else \
                (lambda grid: run_ccx_export(exe, b, grid, tmp))
            print(f"\n{b['name']}: published {ref:.6g} (scaled)")
            print(f"{'grid':>9} | {'lightbody DOFs':>14} {'error %':>8} {'time s':>7} "
                  f"{'mesh-post s':>11} | {CCX_ELEMENT + ' DOFs':>11} {'error %':>8} {'time s':>7}")
            first, rows = {"lightbody": None, "C3D20R": None}, {"lightbody": [], "C3D20R": []}
            notes = []
            for grid in b["grids"]:
                lb = [run_lightbody(exe, b, grid, tmp, args.fibres) for _ in range(args.repeat)]
                lb_t, lb_dofs, lb_err = med([r[0] for r in lb]), lb[0][1], \
                    100 * (lb[0][2] - ref) / ref
                rows["lightbody"].append((lb_dofs, lb_err))
                lb_c = med([r[3] for r in lb])
                row = (f"{grid[0]:>4} x {grid[1]:<3}| {lb_dofs:14d} {lb_err:8.2f} {lb_t:7.2f} "
                       f"{lb_c:11.2f} | ")
                if "case" in b:
                    # The element size gives lightbody's grid: the number of elements around
                    # from the DOFs of one layer of 27-node cells (3 x 3 (2 n + 1)(2 m + 1)).
                    around = (lb_dofs // 9 // (2 * grid[1] + 1) - 1) // 2
                    if around != grid[0]:
                        notes.append(f"  lightbody's grid at {grid[0]} x {grid[1]}'s element "
                                     f"size: {around} x {grid[1]}")
                if abs(lb_err) <= 1 and first["lightbody"] is None:
                    first["lightbody"] = (f"{grid[0]} x {grid[1]}", lb_t)
                if use_ccx:
                    cx = [ccx(grid) for _ in range(args.repeat)]
                    cx_t, cx_dofs, cx_err = med([r[0] for r in cx]), cx[0][1], \
                        100 * (cx[0][2] - ref) / ref
                    rows["C3D20R"].append((cx_dofs, cx_err))
                    row += f"{cx_dofs:11d} {cx_err:8.2f} {cx_t:7.2f}"
                    if abs(cx_err) <= 1 and first["C3D20R"] is None:
                        first["C3D20R"] = (f"{grid[0]} x {grid[1]}", cx_t)
                print(row, flush=True)
            for note in notes:
                print(note)
            for code, hit in first.items():
                if code == "lightbody" or use_ccx:
                    print(f"  {code if code == 'lightbody' else CCX_ELEMENT}: within 1 % first at " +
                          (f"{hit[0]}, {hit[1]:.2f} s" if hit else "none of these grids"))
            if use_ccx and first["lightbody"] and first["C3D20R"]:
                print(f"  time to 1 %, lightbody / {CCX_ELEMENT}: "
                      f"{first['lightbody'][1] / first['C3D20R'][1]:.2f}")
            if use_ccx:
                # C3D20R's error at lightbody's DOFs, interpolated in log(DOFs).
                for dofs, err in rows["lightbody"]:
                    pts = rows["C3D20R"]
                    for (d0, e0), (d1, e1) in zip(pts, pts[1:]):
                        if d0 <= dofs <= d1:
                            f = math.log(dofs / d0) / math.log(d1 / d0)
                            print(f"  at {dofs} DOFs: lightbody {err:+.2f} %, {CCX_ELEMENT} "
                                  f"{e0 + f * (e1 - e0):+.2f} % (interpolated)")


if __name__ == "__main__":
    main()
