#!/usr/bin/env python3
"""mesh.fibres quadratic (the default) against straight on one case, paired runs: whole-process
wall time, peak memory, factorisation and buckling stage times, the factor's size and flops, and
what the engineer reads (governing utilization, largest displacement, lowest buckling factor per
load case) with the relative change. Medians over --repeat pairs (the machine is shared and noisy).

usage: python3 bench/fibres_benchmark.py [--build build] [--repeat 3]
                                         [--case cases/tank_8m3_elliptical.yaml]
"""
import argparse, json, os, re, statistics, sys, tempfile

from timing import timed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(exe, case, fibres, out):
    cmd = [exe, "run", case, "--out", out, "--output", "summary", "--set", f"mesh.fibres={fibres}"]
    code, wall, peak_mb, err = timed(cmd)
    if code not in (0, 3, 6):
        sys.exit(f"lightbody failed ({code}): {err}")
    m = re.search(r"factor: ([0-9.]+) M nonzeros, ([0-9.]+) Gflop", err)
    report = json.load(open(os.path.join(out, "report.json")))
    t = report["time_s"]
    cases = {}
    for lc in report["load_cases"]:
        b = lc.get("buckling") or {}
        factors = b.get("load_factors") or []
        cases[lc["name"]] = (lc["utilization"]["max"], lc["max_displacement_mm"],
                             factors[0] if factors else None)
    return {"wall": wall, "peak_gb": peak_mb / 1024.0, "factorise": t.get("factorise", 0),
            "buckling": t.get("buckling", 0), "factor_M": float(m.group(1)) if m else 0,
            "gflop": float(m.group(2)) if m else 0, "cases": cases}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    a = ap.parse_args()
    exe = os.path.join(a.build, "lightbody")
    runs = {"quadratic": [], "straight": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.repeat):
            for fibres in runs:
                runs[fibres].append(run_once(exe, a.case, fibres, os.path.join(tmp, fibres)))
    med = lambda fibres, key: statistics.median(r[key] for r in runs[fibres])
    print(f"{os.path.basename(a.case)}: medians of {a.repeat} paired runs, 2 cores, --output summary")
    print(f"{'fibres':>10} | {'wall s':>7} {'peak GB':>8} {'factorise s':>11} {'buckling s':>10} "
          f"{'factor M nz':>11} {'Gflop':>7}")
    for fibres in runs:
        print(f"{fibres:>10} | {med(fibres, 'wall'):7.1f} {med(fibres, 'peak_gb'):8.2f} "
              f"{med(fibres, 'factorise'):11.2f} {med(fibres, 'buckling'):10.2f} "
              f"{med(fibres, 'factor_M'):11.1f} {med(fibres, 'gflop'):7.1f}")
    print(f"ratio straight / quadratic: wall {med('straight', 'wall') / med('quadratic', 'wall'):.2f}, "
          f"peak memory {med('straight', 'peak_gb') / med('quadratic', 'peak_gb'):.2f}, "
          f"factorise {med('straight', 'factorise') / med('quadratic', 'factorise'):.2f}")
    print(f"\n{'load case':>26} | {'utilization q':>13} {'straight':>9} {'change %':>8} | "
          f"{'max disp q':>10} {'change %':>8} | {'buckling q':>10} {'straight':>9} {'change %':>8}")
    q, s = runs["quadratic"][0]["cases"], runs["straight"][0]["cases"]
    pct = lambda x, y: f"{100 * (y - x) / x:+8.3f}" if x and y else f"{'':>8}"
    for name in q:
        (uq, dq, bq), (us, ds, bs) = q[name], s[name]
        print(f"{name:>26} | {uq:13.5f} {us:9.5f} {pct(uq, us)} | {dq:10.4f} {pct(dq, ds)} | "
              f"{bq or 0:10.4f} {bs or 0:9.4f} {pct(bq, bs)}")


if __name__ == "__main__":
    main()
