#!/usr/bin/env python3
"""Assembly under tie constraints: the tipper example (ties whose mortar lines hold about 100
leader DoFs each) with the constrained matrix formed once from the cells' unconstrained matrices
(CondensedAssembly, the default) and with deal.II's per-cell expansion through the constraints
(LIGHTBODY_PER_CELL_CONSTRAINTS=1, as before), paired and alternating. Prints per run and as
medians the assembly (both support sets), the buckling case's geometric stiffness, the whole run
and its peak memory, and the largest relative difference of any load case's utilization, largest
displacement or buckling factor between the two paths.

usage: python3 bench/assembly_benchmark.py [--build build] [--case cases/tipper_12m3.yaml]
                                           [--repeat 2]
"""
import argparse, os, re, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import run_summary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = {"per cell": "1", "condensed once": "0"}


def run_once(exe, case, per_cell, out):
    report, wall, peak_mb, err = run_summary(exe, case, out,
                                             {"LIGHTBODY_PER_CELL_CONSTRAINTS": per_cell})
    kg = [float(x) for x in re.findall(r"geometric stiffness ([0-9.]+) s", err)]
    values = {}
    for lc in report["load_cases"]:
        values[lc["name"] + " utilization"] = lc["utilization"]["max"]
        values[lc["name"] + " displacement"] = lc["max_displacement_mm"]
        for k, f in enumerate((lc.get("buckling") or {}).get("load_factors") or []):
            values[f"{lc['name']} buckling {k + 1}"] = f
    return {"dofs": report["dofs"], "assemble": report["time_s"]["assemble"],
            "geometric": sum(kg), "wall": wall, "peak_GB": peak_mb / 1024, "values": values}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tipper_12m3.yaml"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    runs = {p: [] for p in PATHS}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for path, flag in PATHS.items():  # paired, alternating: the machine is shared
                r = run_once(exe, args.case, flag, os.path.join(tmp, f"{flag}-{i}"))
                runs[path].append(r)
                print(f"{path:>14} run {i + 1}: {r['dofs']} DOFs, assemble {r['assemble']:.2f} s, "
                      f"geometric stiffness {r['geometric']:.2f} s, whole run {r['wall']:.1f} s, "
                      f"peak {r['peak_GB']:.2f} GB", flush=True)
    keys = ("assemble", "geometric", "wall", "peak_GB")
    med = {p: {k: statistics.median(r[k] for r in rs) for k in keys} for p, rs in runs.items()}
    print(f"\n{os.path.basename(args.case)}, medians of {args.repeat}:")
    for p, m in med.items():
        print(f"  {p:>14}: assemble {m['assemble']:.2f} s, geometric stiffness "
              f"{m['geometric']:.2f} s, whole run {m['wall']:.1f} s, peak {m['peak_GB']:.2f} GB")
    a, b = med["per cell"], med["condensed once"]
    print("  ratio condensed / per cell: " + ", ".join(
        f"{k} {b[k] / a[k]:.2f}" for k in keys if a[k] > 0))
    worst = 0.0
    for name, v0 in runs["per cell"][0]["values"].items():
        v1 = runs["condensed once"][0]["values"][name]
        worst = max(worst, abs(v1 - v0) / max(abs(v0), 1e-300))
    print(f"  largest relative difference of a utilization, displacement or buckling factor: "
          f"{worst:.1e}")


if __name__ == "__main__":
    main()
