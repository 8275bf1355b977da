#!/usr/bin/env python3
"""lightbody against CalculiX 2.20 (C3D20R) on the same meshes, whole processes, in one run.

For each model and element size: lightbody runs the case (`--output fields`: report and .vtu
files, no picture); `lightbody export --format ccx` writes the same mesh as C3D20R bricks (the
27-node cells without face and centre nodes), which ccx solves (2 threads). Printed per mesh:
DOFs, wall time (median of --repeat), peak memory (largest resident set), the probe value and its
error against the reference; then each program's time to come within 1 % of the reference (the
first mesh, coarse to fine, whose error is at most 1 %) and their ratio, lightbody / CalculiX.

Models and references:
  plate      cases/verification/clamped_plate.yaml, centre deflection; plate theory
             w = 0.0012653 q a^4 / D (Timoshenko & Woinowsky-Krieger, Theory of Plates and
             Shells, Table 35) = 15.46 mm
  scordelis  cases/verification/scordelis_lo_roof.yaml (quarter), vertical displacement at the
             middle of the free edge; 0.3024 (MacNeal & Harder 1985, test 3a), x 100 in the case's
             units: 30.24 mm
  tank       cases/tank_shell_5083.yaml, load case test_pressure only (the table's figures stay
             comparable with earlier runs), radial displacement at the top of the mid-span; no closed form:
             the reference is lightbody's value on a finer mesh than any in the table (42.4 mm,
             about 0.7 M DOFs; printed)

usage: python3 bench/compare_calculix.py [--build build] [--repeat 1] [--only plate scordelis tank]
"""
import argparse, json, os, re, shutil, statistics, sys, tempfile

from timing import timed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
E, NU, T, A, Q = 70000.0, 0.33, 5.0, 1000.0, 0.01
PLATE_W = 0.0012653 * Q * A**4 / (E * T**3 / (12 * (1 - NU**2)))

MODELS = {
    "plate": {"case": "cases/verification/clamped_plate.yaml", "probe": "centre", "component": 2,
              "sizes": [100, 50, 31.25, 25, 20, 16.666667], "reference": PLATE_W, "load_case": None},
    # 4 x 3, 8 x 6, 16 x 12, 32 x 24 elements on the quarter roof.
    "scordelis": {"case": "cases/verification/scordelis_lo_roof.yaml",
                  "probe": "free_edge_middle", "component": 2,
                  "sizes": [625, 312.5, 156.25, 78.125], "reference": 30.24, "load_case": None},
    "tank": {"case": "cases/tank_shell_5083.yaml", "probe": "top_mid_span", "component": 2,
             "sizes": [120, 85, 60], "reference": None, "reference_size": 42.43,
             "load_case": "test_pressure"},
}


def run_lightbody(exe, model, size, out):
    cmd = [exe, "run", os.path.join(ROOT, model["case"]), "--out", out, "--output", "fields",
           "--quiet", "--set", f"mesh.size={size}"]
    code, wall, mb, err = timed(cmd)
    if code not in (0, 3, 6):
        sys.exit(f"lightbody failed ({code}) at size {size}: {err[-1500:]}")
    r = json.load(open(os.path.join(out, "report.json")))
    lc = next(l for l in r["load_cases"]
              if model["load_case"] is None or l["name"] == model["load_case"])
    value = lc["probes"][model["probe"]]["displacement_mm"][model["component"]]
    return {"dofs": r["dofs"], "wall": wall, "mb": mb, "value": abs(value)}


def run_calculix(exe, ccx, model, size, out):
    cmd = [exe, "export", os.path.join(ROOT, model["case"]), "--format", "ccx", "--out", out,
           "--quiet", "--set", f"mesh.size={size}"]
    if model["load_case"]:
        cmd += ["--load-cases", model["load_case"]]
    code, _, _, err = timed(cmd)
    if code != 0:
        sys.exit(f"lightbody export failed ({code}) at size {size}: {err[-1500:]}")
    deck = next(f for f in os.listdir(out) if f.endswith(".inp"))
    stem = deck[:-4]
    env = dict(os.environ, OMP_NUM_THREADS="2", CCX_NPROC_EQUATION_SOLVER="2")
    code, wall, mb, err = timed([ccx, stem], cwd=out, env=env)
    if code != 0:
        sys.exit(f"ccx failed ({code}) at size {size}: {err[-1500:]}")
    text = open(os.path.join(out, stem + ".dat")).read()
    m = re.search(r"displacements \(vx,vy,vz\) for set PROBE_%s.*?\n\s*\n\s*(\d+)\s+(\S+)\s+"
                  r"(\S+)\s+(\S+)" % model["probe"].upper(), text)
    if not m:
        sys.exit(f"no probe {model['probe']} in {stem}.dat")
    value = float(m.group(2 + model["component"]))
    # DOFs: three per node of the deck.
    deck_text = open(os.path.join(out, deck)).read()
    nodes = deck_text.split("*NODE", 1)[1].split("*", 1)[0].strip().count("\n")
    return {"dofs": 3 * nodes, "wall": wall, "mb": mb, "value": abs(value)}


def time_to(rows, reference):
    for r in rows:
        if abs(r["value"] - reference) <= 0.01 * abs(reference):
            return r["wall"]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", nargs="*", default=list(MODELS))
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    ccx = shutil.which("ccx")
    if not ccx:
        sys.exit("ccx (Debian calculix-ccx) is not installed")
    start_up = statistics.median(timed([exe, "--version"])[1] for _ in range(3))
    print(f"lightbody start-up (--version): {start_up:.2f} s; CalculiX 2 threads; whole "
          f"processes, median of {args.repeat}", flush=True)
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            model = MODELS[name]
            rows = {"lightbody": [], "calculix": []}
            for size in model["sizes"]:
                runs = {"lightbody": [], "calculix": []}
                for i in range(args.repeat):  # paired: the machine is shared
                    out = os.path.join(tmp, f"{name}-{size}-{i}")
                    runs["lightbody"].append(run_lightbody(exe, model, size, out + "-lb"))
                    runs["calculix"].append(run_calculix(exe, ccx, model, size, out + "-ccx"))
                for prog, rs in runs.items():
                    rows[prog].append({"size": size, "dofs": rs[0]["dofs"],
                                       "wall": statistics.median(r["wall"] for r in rs),
                                       "mb": max(r["mb"] for r in rs), "value": rs[0]["value"]})
                print(f"  {name} {size} mm done", file=sys.stderr, flush=True)
            reference = model["reference"]
            if reference is None:
                size = model["reference_size"]
                reference = run_lightbody(exe, model, size, os.path.join(tmp, f"{name}-ref"))["value"]
            print(f"\n{name}: reference {reference:.6g}"
                  + ("" if model["reference"] else f" (lightbody at {model['reference_size']} mm)"))
            print(f"  {'program':<10} {'size mm':>8} {'DOFs':>9} {'wall s':>8} {'peak MB':>8} "
                  f"{'value':>11} {'error %':>8}")
            for prog in ("lightbody", "calculix"):
                for r in rows[prog]:
                    err = 100 * (r["value"] - reference) / reference
                    print(f"  {prog:<10} {r['size']:>8g} {r['dofs']:>9} {r['wall']:>8.2f} "
                          f"{r['mb']:>8.0f} {r['value']:>11.5g} {err:>+8.2f}")
            t_lb, t_ccx = time_to(rows["lightbody"], reference), time_to(rows["calculix"],
                                                                         reference)
            ratio = t_lb / t_ccx if t_lb and t_ccx else None
            ratio_net = ((t_lb - start_up) / t_ccx) if t_lb and t_ccx else None
            fmt = lambda t: f"{t:.2f} s" if t else "not reached"
            print(f"  time to 1 %: lightbody {fmt(t_lb)}, CalculiX {fmt(t_ccx)}"
                  + (f", ratio {ratio:.2f} ({ratio_net:.2f} without lightbody's start-up)"
                     if ratio else ""))
            summary.append((name, t_lb, t_ccx, ratio, ratio_net))
    print("\nmodel      lightbody s  CalculiX s  ratio  ratio without start-up")
    for name, t_lb, t_ccx, ratio, net in summary:
        print(f"{name:<10} {t_lb or float('nan'):>11.2f} {t_ccx or float('nan'):>11.2f} "
              f"{ratio or float('nan'):>6.2f} {net or float('nan'):>8.2f}")


if __name__ == "__main__":
    main()
