#!/usr/bin/env python3
"""Tie constraints of frame bodies: the van example's static solve with the mortar weights kept
down to 1e-10 (as before) and to 1e-6 (the default). Prints per run and as medians the setup
(ties), assembly and factorisation times, the matrix and factor sizes, and the largest relative
change of any load case's utilization and displacement between the two (the weights dropped are
below 1e-6 of a node's).

usage: python3 bench/ties_benchmark.py [--build build] [--repeat 3]
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE = os.path.join(ROOT, "cases", "van_body_6200.yaml")


def run_once(exe, drop, out):
    env = dict(os.environ, LIGHTBODY_TIE_DROP=drop)
    cmd = [exe, "run", CASE, "--out", out, "--output", "summary", "--set",
           "criteria.convergence=off", "--set", "buckling.modes=1", "--set", "modal.modes=1"]
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env)
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"lightbody failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.load(open(os.path.join(out, "report.json")))
    first = {}
    for stage in ("setup", "assemble", "factorise"):
        # The first support set's stage (the model's own setup comes before it).
        times = [float(x) for x in re.findall(rf"lightbody: {stage} ([0-9.]+) s", proc.stderr)]
        first[stage] = times[1] if stage == "setup" else times[0]
    m = re.search(r"matrix: ([0-9.]+) M nonzeros .*factor: ([0-9.]+) M nonzeros, ([0-9.]+) Gflop",
                  proc.stderr)
    return {"dofs": report["dofs"], **first, "matrix_M": float(m.group(1)),
            "factor_M": float(m.group(2)), "gflop": float(m.group(3)),
            "cases": {lc["name"]: (lc["utilization"]["max"], lc["max_displacement_mm"])
                      for lc in report["load_cases"]}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    runs = {"1e-10": [], "1e-6": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for drop in runs:  # paired, alternating: the machine is shared
                r = run_once(exe, drop, os.path.join(tmp, f"{drop}-{i}"))
                runs[drop].append(r)
                print(f"drop {drop:>6} run {i + 1}: {r['dofs']} DOFs, setup {r['setup']:.2f} s, "
                      f"assemble {r['assemble']:.2f} s, factorise {r['factorise']:.2f} s, matrix "
                      f"{r['matrix_M']:.1f} M, factor {r['factor_M']:.1f} M / {r['gflop']:.0f} "
                      "Gflop", flush=True)
    med = {d: {k: statistics.median(r[k] for r in rs)
               for k in ("setup", "assemble", "factorise", "matrix_M", "gflop")}
           for d, rs in runs.items()}
    print(f"\nmedians of {args.repeat}:")
    for d, m in med.items():
        print(f"  drop {d:>6}: setup {m['setup']:.2f} s, assemble {m['assemble']:.2f} s, "
              f"factorise {m['factorise']:.2f} s, matrix {m['matrix_M']:.1f} M nonzeros, "
              f"{m['gflop']:.0f} Gflop")
    a, b = med["1e-10"], med["1e-6"]
    print("  ratio 1e-6 / 1e-10: " + ", ".join(
        f"{k} {b[k] / a[k]:.2f}" for k in ("setup", "assemble", "factorise", "matrix_M", "gflop")))
    worst = 0.0
    for name, (u0, d0) in runs["1e-10"][0]["cases"].items():
        u1, d1 = runs["1e-6"][0]["cases"][name]
        worst = max(worst, abs(u1 - u0) / abs(u0), abs(d1 - d0) / abs(d0))
    print(f"  largest relative change of a utilization or displacement: {worst:.1e}")


if __name__ == "__main__":
    main()
