#!/usr/bin/env python3
"""Curved-shell benchmarks: lightbody's solid-shell against CalculiX C3D20R on the same grids.

For each benchmark and grid: DOFs, error against the published value and whole-process wall time
(median of --repeat runs), for lightbody and for CalculiX (one 20-node reduced-integration brick
through the thickness, the same structured grid, supports and loads), then the time each code
needs to come within 1 % of the published value.

Published values (R. H. MacNeal and R. L. Harder, "A proposed standard set of problems to test
finite element accuracy", Finite Elements in Analysis and Design 1 (1985) 3-20):
  Scordelis-Lo roof (test 3a), vertical displacement at the middle of the free edge: 0.3024
  pinched cylinder with diaphragms (test 5), radial displacement under the force: 1.8248e-5
The cases are cases/verification/scordelis_lo_roof.yaml and pinched_cylinder.yaml (scaled; see
their headers).

usage: python3 bench/shell_benchmarks.py [--build build] [--repeat 3] [--no-ccx]
"""
import argparse, json, math, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BENCHMARKS = [
    {
        "name": "Scordelis-Lo roof (quarter)",
        "case": "cases/verification/scordelis_lo_roof.yaml",
        "probe": "free_edge_middle", "component": 2, "sign": -1, "reference": 30.24,
        "R": 2500.0, "t": 25.0, "length": 2500.0, "degrees": 40.0,
        "E": 72000.0, "nu": 0.0, "density": 6116.207951e-12, "gravity": 98100.0,
        # grids (axial x circumferential) and the lightbody element size giving each
        "grids": [(4, 3, 625.0), (8, 6, 312.5), (16, 12, 156.25), (32, 24, 78.125)],
    },
    {
        "name": "pinched cylinder (octant)",
        "case": "cases/verification/pinched_cylinder.yaml",
        "probe": "under_load", "component": 2, "sign": -1,
        "reference": 1.8248e-5 * 1000 * 3e6 / 70000,
        "R": 300.0, "t": 3.0, "length": 300.0, "degrees": 90.0,
        "E": 70000.0, "nu": 0.3, "force": 250.0,
        "grids": [(8, 13, 37.5), (16, 26, 18.75), (32, 51, 9.375)],
    },
]


def timed(cmd, cwd=None):
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - start, proc


def run_lightbody(exe, b, size, tmp):
    out = os.path.join(tmp, "lb")
    wall, proc = timed([exe, "run", os.path.join(ROOT, b["case"]), "--out", out, "--quiet",
                        "--set", f"mesh.size={size}"])
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"lightbody failed: {proc.stderr.decode()}")
    report = json.load(open(os.path.join(out, "report.json")))
    u = report["load_cases"][0]["probes"][b["probe"]]["displacement_mm"][b["component"]]
    shutil.rmtree(out)
    return wall, report["dofs"], b["sign"] * u


def ccx_input(b, na, nc):
    """A C3D20R grid of the cylinder sector: i around (2 nc + 1 node positions), j along the axis
    (2 na + 1), k through the thickness (3); the node of a position exists where at most one of
    i, j, k is odd (20-node serendipity bricks)."""
    ni, nj = 2 * nc + 1, 2 * na + 1
    ids, lines = {}, ["*NODE"]
    for k in range(3):
        for j in range(nj):
            for i in range(ni):
                if (i % 2) + (j % 2) + (k % 2) > 1:
                    continue
                th = math.radians(b["degrees"]) * i / (ni - 1)
                r = b["R"] + (k - 1) * b["t"] / 2
                y = b["length"] * j / (nj - 1)
                ids[(i, j, k)] = len(ids) + 1
                lines.append(f"{ids[(i, j, k)]}, {r * math.sin(th):.10g}, {y:.10g}, "
                             f"{r * math.cos(th):.10g}")
    lines.append("*ELEMENT, TYPE=C3D20R, ELSET=SHELL")
    e = 0
    for ej in range(na):
        for ei in range(nc):
            i0, j0 = 2 * ei, 2 * ej
            c = lambda di, dj, k: ids[(i0 + di, j0 + dj, k)]
            corners = [(0, 0), (2, 0), (2, 2), (0, 2)]
            n = [c(di, dj, 0) for di, dj in corners] + [c(di, dj, 2) for di, dj in corners]
            mids = [(1, 0), (2, 1), (1, 2), (0, 1)]
            n += [c(di, dj, 0) for di, dj in mids] + [c(di, dj, 2) for di, dj in mids]
            n += [c(di, dj, 1) for di, dj in corners]
            e += 1
            lines.append(f"{e}, " + ", ".join(map(str, n[:15])) + ",")
            lines.append(", ".join(map(str, n[15:])))
    def nset(name, pred):
        lines.append(f"*NSET, NSET={name}")
        sel = [str(v) for key, v in ids.items() if pred(*key)]
        for s in range(0, len(sel), 16):
            lines.append(", ".join(sel[s:s + 16]))
    nset("DIAPHRAGM", lambda i, j, k: j == 0)
    nset("MID", lambda i, j, k: j == nj - 1)
    nset("CROWN", lambda i, j, k: i == 0)
    nset("SIDE", lambda i, j, k: i == ni - 1)
    lines += ["*MATERIAL, NAME=M", "*ELASTIC", f"{b['E']}, {b['nu']}"]
    if "density" in b:
        lines += ["*DENSITY", f"{b['density']}"]
    lines += ["*SOLID SECTION, ELSET=SHELL, MATERIAL=M", "*BOUNDARY", "DIAPHRAGM, 1, 1",
              "DIAPHRAGM, 3, 3", "MID, 2, 2", "CROWN, 1, 1"]
    if b["degrees"] == 90.0:
        lines.append("SIDE, 3, 3")
    lines += ["*STEP", "*STATIC"]
    if "gravity" in b:
        lines += ["*DLOAD", f"SHELL, GRAV, {b['gravity']}, 0., 0., -1."]
        probe = ids[(ni - 1, nj - 1, 1)]
    else:
        probe = ids[(0, nj - 1, 1)]
        lines.append("*CLOAD")
        for k, w in ((0, 1 / 6), (1, 4 / 6), (2, 1 / 6)):
            lines.append(f"{ids[(0, nj - 1, k)]}, 3, {-b['force'] * w}")
    lines += ["*NSET, NSET=PROBE", str(probe), "*NODE PRINT, NSET=PROBE", "U", "*END STEP"]
    return "\n".join(lines) + "\n", 3 * len(ids)


def run_ccx(b, na, nc, tmp):
    text, dofs = ccx_input(b, na, nc)
    with open(os.path.join(tmp, "b.inp"), "w") as f:
        f.write(text)
    wall, proc = timed(["ccx", "-i", "b"], cwd=tmp)
    dat = open(os.path.join(tmp, "b.dat")).read().split("\n")
    for line in dat:
        parts = line.split()
        if len(parts) == 4 and parts[0].isdigit():
            u = float(parts[1 + b["component"]])
    return wall, dofs, b["sign"] * u


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-ccx", action="store_true")
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    use_ccx = not args.no_ccx and shutil.which("ccx") is not None
    env_threads = os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count()))
    print(f"median of {args.repeat} whole-process runs, {os.cpu_count()} cores; "
          f"CalculiX {'C3D20R, OMP_NUM_THREADS=' + env_threads if use_ccx else 'not run'}")
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        for b in BENCHMARKS:
            ref = b["reference"]
            print(f"\n{b['name']}: published {ref:.6g} (scaled)")
            print(f"{'grid':>8} | {'lightbody DOFs':>14} {'error %':>8} {'time s':>7} | "
                  f"{'C3D20R DOFs':>11} {'error %':>8} {'time s':>7}")
            first = {"lightbody": None, "C3D20R": None}
            for na, nc, size in b["grids"]:
                lb = [run_lightbody(exe, b, size, tmp) for _ in range(args.repeat)]
                lb_t, lb_dofs, lb_u = med([r[0] for r in lb]), lb[0][1], lb[0][2]
                lb_err = 100 * (lb_u - ref) / ref
                row = f"{na:>3} x {nc:<3} | {lb_dofs:14d} {lb_err:8.2f} {lb_t:7.2f} | "
                if abs(lb_err) <= 1 and first["lightbody"] is None:
                    first["lightbody"] = (f"{na} x {nc}", lb_t)
                if use_ccx:
                    cx = [run_ccx(b, na, nc, tmp) for _ in range(args.repeat)]
                    cx_t, cx_dofs, cx_u = med([r[0] for r in cx]), cx[0][1], cx[0][2]
                    cx_err = 100 * (cx_u - ref) / ref
                    row += f"{cx_dofs:11d} {cx_err:8.2f} {cx_t:7.2f}"
                    if abs(cx_err) <= 1 and first["C3D20R"] is None:
                        first["C3D20R"] = (f"{na} x {nc}", cx_t)
                print(row, flush=True)
            for code, hit in first.items():
                if code == "lightbody" or use_ccx:
                    print(f"  {code}: within 1 % first at " +
                          (f"{hit[0]}, {hit[1]:.2f} s" if hit else "none of these grids"))
            if use_ccx and first["lightbody"] and first["C3D20R"]:
                print(f"  time to 1 %, lightbody / C3D20R: "
                      f"{first['lightbody'][1] / first['C3D20R'][1]:.2f}")


if __name__ == "__main__":
    main()
