#!/usr/bin/env python3
"""Tie constraints of frame bodies: a body's run with the mortar ties made in the dual
(biorthogonal) multiplier basis (the default: each tied DoF follows only the leading faces under
its own face functions) and in the standard basis (M_ff^-1 over the whole joint, weights kept
down to 1e-6 of a node's; LIGHTBODY_TIE_BASIS=standard, read for this benchmark only), paired and
alternating. Prints per run and as medians the set-up (ties), assembly, factorisation (both
support sets where there are two), the whole run and its peak memory, the matrix and factor
sizes, and how far the results of the two bases lie apart: every load case's largest
utilization, largest displacement and buckling factors, and the largest difference of one
part's utilization (the peaks at plate junctions, singular points whose values depend on the
discretisation and which the convergence check flags).

usage: python3 bench/ties_benchmark.py [--build build] [--case cases/van_body_6200.yaml]
                                       [--repeat 3]
"""
import argparse, os, re, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import run_summary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASES = ("standard", "dual")


def run_once(exe, case, basis, out):
    report, wall, peak_mb, err = run_summary(exe, case, out, {"LIGHTBODY_TIE_BASIS": basis})
    stage = {s: sum(float(x) for x in re.findall(rf"lightbody: {s} ([0-9.]+) s", err))
             for s in ("setup", "assemble", "factorise")}
    sizes = re.findall(r"matrix: ([0-9.]+) M nonzeros .*factor: ([0-9.]+) M nonzeros, "
                       r"([0-9.]+) Gflop", err)
    values, parts = {}, {}
    for lc in report["load_cases"]:
        values[lc["name"] + " utilization"] = lc["utilization"]["max"]
        values[lc["name"] + " displacement"] = lc["max_displacement_mm"]
        for k, f in enumerate((lc.get("buckling") or {}).get("load_factors") or []):
            values[f"{lc['name']} buckling {k + 1}"] = f
        for p, u in lc["utilization"].get("by_part", {}).items():
            parts[f"{lc['name']} {p}"] = u
    return {"dofs": report["dofs"], **stage, "wall": wall, "peak_GB": peak_mb / 1024,
            "matrix_M": float(sizes[0][0]), "factor_M": float(sizes[0][1]),
            "gflop": sum(float(s[2]) for s in sizes), "values": values, "parts": parts}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "van_body_6200.yaml"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    runs = {b: [] for b in BASES}
    keys = ("setup", "assemble", "factorise", "wall", "peak_GB", "matrix_M", "factor_M", "gflop")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for basis in BASES:  # paired, alternating: the machine is shared
                r = run_once(exe, args.case, basis, os.path.join(tmp, f"{basis}-{i}"))
                runs[basis].append(r)
                print(f"{basis:>8} run {i + 1}: {r['dofs']} DOFs, setup {r['setup']:.2f} s, "
                      f"assemble {r['assemble']:.2f} s, factorise {r['factorise']:.2f} s, whole "
                      f"run {r['wall']:.1f} s, peak {r['peak_GB']:.2f} GB, matrix "
                      f"{r['matrix_M']:.1f} M, factor {r['factor_M']:.1f} M, {r['gflop']:.0f} "
                      "Gflop", flush=True)
    med = {b: {k: statistics.median(r[k] for r in rs) for k in keys} for b, rs in runs.items()}
    print(f"\n{os.path.basename(args.case)}, medians of {args.repeat}:")
    for b, m in med.items():
        print(f"  {b:>8}: setup {m['setup']:.2f} s, assemble {m['assemble']:.2f} s, factorise "
              f"{m['factorise']:.2f} s, whole run {m['wall']:.1f} s, peak {m['peak_GB']:.2f} GB, "
              f"matrix {m['matrix_M']:.1f} M nonzeros (lower half, first support set), factor "
              f"{m['factor_M']:.1f} M, {m['gflop']:.0f} Gflop (all factorisations)")
    a, b = med["standard"], med["dual"]
    print("  ratio dual / standard: " + ", ".join(f"{k} {b[k] / a[k]:.2f}" for k in keys))
    s, d = runs["standard"][0], runs["dual"][0]
    worst, where = 0.0, ""
    for name, v0 in s["values"].items():
        change = abs(d["values"][name] - v0) / max(abs(v0), 1e-300)
        if change > worst:
            worst, where = change, name
    print(f"  largest relative difference of a load case's largest utilization, largest "
          f"displacement or buckling factor: {worst:.1e} ({where})")
    worst, where = 0.0, ""
    for name, v0 in s["parts"].items():
        change = abs(d["parts"].get(name, 0) - v0) / max(abs(v0), 1e-300)
        if change > worst and max(v0, d["parts"].get(name, 0)) > 0.1:
            worst, where = change, name
    print(f"  largest relative difference of one part's utilization (above 0.1): {worst:.1e} "
          f"({where}: standard {s['parts'].get(where, 0):.3f}, dual "
          f"{d['parts'].get(where, 0):.3f})")


if __name__ == "__main__":
    main()
