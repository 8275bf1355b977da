#!/usr/bin/env python3
"""Clamped-plate benchmark: DOFs, wall time per stage, peak memory and accuracy at increasing
refinement. Prints medians over repeated runs (the machine is shared and noisy).

usage: python3 bench/plate_benchmark.py [--build build] [--repeat 3] [--sizes 50 25 12.5 8.333333]
Target (issue 2): about 230 000 DOFs end to end in under 15 s and under 3 GB on 2 cores.
"""
import argparse, json, os, statistics, sys, tempfile

from timing import timed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE = os.path.join(ROOT, "cases", "verification", "clamped_plate.yaml")
# Reference: clamped square plate, w = 0.0012653 q a^4 / D (Timoshenko & Woinowsky-Krieger, Table 35).
E, NU, T, A, Q = 70000.0, 0.33, 5.0, 1000.0, 0.01
W_REF = 0.0012653 * Q * A**4 / (E * T**3 / (12 * (1 - NU**2)))


def run_once(exe, size, out):
    cmd = [exe, "run", CASE, "--out", out, "--quiet", "--set", f"mesh.size={size}"]
    code, wall, peak_mb, err = timed(cmd)
    if code != 0:
        sys.exit(f"lightbody failed at size {size}: {err}")
    report = json.load(open(os.path.join(out, "report.json")))
    return wall, peak_mb, report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", type=float, nargs="+", default=[50, 25, 12.5, 8.333333])
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    print(f"clamped plate {A:.0f} x {A:.0f} x {T:.0f} mm, reference w = {W_REF:.4f} mm; "
          f"median of {args.repeat} runs, {os.cpu_count()} cores")
    stages = ["mesh", "setup", "assemble", "loads", "factorise", "solve", "reactions", "post"]
    print(f"{'size':>6} {'DOFs':>8} {'w err %':>8} {'total s':>8} {'peak MB':>8} " +
          " ".join(f"{s:>9}" for s in stages))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            runs = [run_once(exe, size, os.path.join(tmp, f"r{size}")) for _ in range(args.repeat)]
            report = runs[-1][2]
            w = -report["load_cases"][0]["probes"]["centre"]["displacement_mm"][2]
            med = lambda xs: statistics.median(xs)
            stage_med = [med([r[2]["time_s"].get(s, 0.0) for r in runs]) for s in stages]
            print(f"{size:6.2f} {report['dofs']:8d} {100 * (w - W_REF) / W_REF:8.2f} "
                  f"{med([r[0] for r in runs]):8.2f} {med([r[1] for r in runs]):8.0f} " +
                  " ".join(f"{x:9.2f}" for x in stage_med))


if __name__ == "__main__":
    main()
