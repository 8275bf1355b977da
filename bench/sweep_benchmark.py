#!/usr/bin/env python3
"""What a sweep saves by running its points in worker processes that keep the matrix structure
and the symbolic factorisation: the same study (default: the default tank, three baffle gauges,
one job) run three ways, paired on the same machine:

  separate   every point its own `lightbody run`, nothing shared (the baseline)
  orderings  every point its own `lightbody run --ordering-cache DIR` (the fill-reducing
             ordering shared through files: the previous sweep)
  sweep      `lightbody sweep --jobs 1`: one worker runs the points one after another, keeping
             the matrix structure and symbolic factorisation for points that have the same

Prints per point the wall time, the setup stage (DoFs, constraints, matrix structure) and the
ordering and symbolic analysis, then for the points after the first the medians and the saving
against `separate`.

usage: python3 bench/sweep_benchmark.py [--build build] [--case CASE]
           [--vary 'parts.baffle_*.thickness=4,5,6'] [--set KEY=VALUE ...]
"""
import argparse, csv, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_point(exe, case, sets, out, cache=None):
    cmd = [exe, "run", case, "--out", out, "--output", "summary", "--quiet", "--threads", "2"]
    for s in sets:
        cmd += ["--set", s]
    if cache:
        cmd += ["--ordering-cache", cache]
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"lightbody run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    r = json.load(open(os.path.join(out, "report.json")))
    return {"wall": wall, "setup": r["time_s"].get("setup", 0.0),
            "analysis": r["ordering"]["time_s"],
            "utilization": [lc.get("utilization", {}).get("max") for lc in r["load_cases"]]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--vary", default="parts.baffle_*.thickness=4,5,6")
    ap.add_argument("--set", action="append", default=["criteria.convergence=off"])
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    key, values = args.vary.split("=", 1)
    values = values.split(",")
    print(f"{os.path.basename(args.case)}: --vary {args.vary}, --set {' '.join(args.set)}",
          flush=True)
    runs = {"separate": [], "orderings": [], "sweep": []}
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "orderings")
        for i, v in enumerate(values):
            sets = args.set + [f"{key}={v}"]
            runs["separate"].append(run_point(exe, args.case, sets, os.path.join(tmp, f"s{i}")))
            runs["orderings"].append(
                run_point(exe, args.case, sets, os.path.join(tmp, f"o{i}"), cache))
        cmd = [exe, "sweep", args.case, "--vary", args.vary, "--jobs", "1", "--threads", "2",
               "--out", os.path.join(tmp, "sweep"), "--quiet"]
        for s in args.set:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode not in (0, 7):
            sys.exit(f"lightbody sweep failed ({proc.returncode}): {proc.stderr[-2000:]}")
        for row in csv.DictReader(open(os.path.join(tmp, "sweep", "sweep.csv"))):
            if row["status"] != "ok":
                sys.exit(f"sweep point {row['point']} failed: {row['error']}")
            r = json.load(open(os.path.join(tmp, "sweep", row["folder"], "report.json")))
            runs["sweep"].append({"wall": float(row["run_time_s"]),
                                  "setup": float(row["setup_s"]),
                                  "analysis": float(row["ordering_s"]),
                                  "reused": row["structure_reused"],
                                  "utilization": [lc.get("utilization", {}).get("max")
                                                  for lc in r["load_cases"]]})

    print(f"\n{'way':<10} {'point':>5} {'value':>8} {'wall s':>8} {'setup s':>8} "
          f"{'analysis s':>10}")
    for way, rs in runs.items():
        for i, r in enumerate(rs):
            print(f"{way:<10} {i + 1:>5} {values[i]:>8} {r['wall']:>8.2f} {r['setup']:>8.2f} "
                  f"{r['analysis']:>10.2f}" + (f"  structure reused: {r['reused']}"
                                               if "reused" in r else ""))
    # The results do not depend on the way.
    worst = 0.0
    for i in range(len(values)):
        for a, b in zip(runs["separate"][i]["utilization"], runs["sweep"][i]["utilization"]):
            if a and b:
                worst = max(worst, abs(a - b) / abs(a))
    print(f"\nlargest relative change of a utilization, sweep against separate: {worst:.1e}")
    if len(values) < 2:
        return
    print("medians of points 2 on:")
    base = None
    for way, rs in runs.items():
        later = rs[1:]
        m = {k: statistics.median(r[k] for r in later) for k in ("wall", "setup", "analysis")}
        if base is None:
            base = m
        print(f"  {way:<10} wall {m['wall']:.2f} s, setup {m['setup']:.2f} s, analysis "
              f"{m['analysis']:.2f} s; saved against separate: "
              f"{base['wall'] - m['wall']:.2f} s per point "
              f"({100 * (base['wall'] - m['wall']) / base['wall']:.0f} %), setup + analysis "
              f"{base['setup'] + base['analysis'] - m['setup'] - m['analysis']:.2f} s")


if __name__ == "__main__":
    main()
