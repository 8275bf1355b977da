#!/usr/bin/env python3
"""Example bodies under their standard templates: DOFs, load cases, support sets, wall time per
stage (the stages sum over support sets), peak memory and the picture's cost. Prints medians over
repeated runs (the machine is shared and noisy).

usage: python3 bench/bodies_benchmark.py [--build build] [--repeat 3] [--cases tank_8m3_elliptical ...]
"""
import argparse, json, os, statistics, sys, tempfile

from timing import timed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = ["tank_8m3_elliptical", "van_body_6200", "tipper_12m3"]
STAGES = ["mesh", "setup", "loads", "assemble", "factorise", "solve", "post", "write"]


def run_once(exe, case, out):
    cmd = [exe, "run", os.path.join(ROOT, "cases", case + ".yaml"), "--out", out]
    code, wall, peak_mb, err = timed(cmd)
    if code not in (0, 3):  # 3: solved, a criterion failed (the tipper)
        sys.exit(f"lightbody failed on {case} ({code}): {err}")
    # The write stage (files and the picture) is logged, not in report.json (written inside it).
    write = 0.0
    for line in err.splitlines():
        if line.startswith("lightbody: write ") and line.endswith(" s"):
            write = float(line.split()[2])
    report = json.load(open(os.path.join(out, "report.json")))
    sets = sum(1 for line in err.splitlines() if "support set" in line) or 1
    return wall, peak_mb, report, write, sets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", nargs="+", default=CASES)
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    print(f"example bodies under their design_loads templates; median of {args.repeat} runs, "
          f"{os.cpu_count()} cores")
    print(f"{'case':<22} {'DOFs':>7} {'cases':>5} {'sets':>4} {'total s':>8} {'peak MB':>8} " +
          " ".join(f"{s:>9}" for s in STAGES))
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            walls, peaks, times, last = [], [], {s: [] for s in STAGES}, None
            for i in range(args.repeat):
                wall, peak, report, write, sets = run_once(exe, case, os.path.join(tmp, f"{case}-{i}"))
                walls.append(wall)
                peaks.append(peak)
                for s in STAGES:
                    times[s].append(write if s == "write" else report["time_s"].get(s, 0.0))
                last = (report, sets)
            report, sets = last
            print(f"{case:<22} {report['dofs']:>7} {len(report['load_cases']):>5} {sets:>4} "
                  f"{statistics.median(walls):>8.2f} {statistics.median(peaks):>8.0f} " +
                  " ".join(f"{statistics.median(times[s]):>9.2f}" for s in STAGES))


if __name__ == "__main__":
    main()
