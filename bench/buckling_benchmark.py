#!/usr/bin/env python3
"""Linear buckling against the static solve it rests on: the default tank's governing case
(adr_travel_2g), the N lowest load factors. Prints, per run and as medians: the static solve
(assembly, factorisation, solve), the geometric stiffness, the eigen solver's time, restarts and
products (one product = a multiplication by K_G and two triangular solves with the factor), the
time per product, and the ratio buckling / static (issue target: at most 2 for 10 modes).

With --spectra, runs instead, alternating, lightbody's Lanczos and Spectra's
(LIGHTBODY_EIGEN=spectra) at 3 and N modes: the eigen solver's time, products and the largest
difference of the load factors.

With --solve-threads, runs instead, alternating, the forward and back substitutions on one BLAS
thread (lightbody's default) and on two (LIGHTBODY_CHOLMOD="solve_threads=2", the BLAS's own
count, used by this benchmark only), first on a quiet machine and then beside a busy process
that keeps one core (a shell loop): the eigen solver's time and time per product of each.

With --side-by-side, runs instead, alternating, the default tank as the case file has it (two
buckling analyses, adr_travel_2g and adr_up_1g, 3 modes each; convergence check off) three ways:
the analyses side by side, each step's triangular solves of both one solve of two columns
(lightbody's default); the same with the library's DGEMM and DTRSM for those two columns
(LIGHTBODY_BLAS_COLUMNS=0: OpenBLAS packs the factor's blocks for them); and one after the other
(LIGHTBODY_BUCKLING_TOGETHER=0, used by this benchmark only). Prints the buckling stage (both
analyses), the solve stage (the six load cases: eight columns at a time in every setting but the
library's), the whole run and the load factors.

With --blocks, runs instead, alternating, the same two analyses with each Lanczos step a block of
1, 2, 3 or 4 vectors (LIGHTBODY_LANCZOS_BLOCK=b, read for this benchmark only; lightbody's default
is as many as the modes, at most three), the triangular solves of several columns
solver/supernodal_solve.cc's (interleaved columns, two threads), and as the peer the behaviour
before 2026-12-04's change: one vector a step, the solves of several columns CHOLMOD's with
app/blas_columns.cc's kernels (LIGHTBODY_SUPERNODAL_SOLVE=0, also read for benchmarks only).

With --refinement LOAD_CASE, runs instead that load case's buckling analysis (3 modes) at the
--sizes meshes (mm) and prints the lowest load factor at each and its change under refinement
(`--refinement adr_external_pressure`: the ADR vacuum case, not among the case file's buckling
analyses).

usage: python3 bench/buckling_benchmark.py [--build build] [--repeat 3] [--modes 10]
                                           [--solve-threads] [--spectra] [--side-by-side]
                                           [--blocks] [--refinement LOAD_CASE --sizes 60,45]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import busy_core  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASE = os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml")
LOAD_CASE = "adr_travel_2g"


def run_once(exe, modes, out, cholmod=None, eigen=None, load_case=LOAD_CASE, mesh=None):
    cmd = [exe, "run", CASE, "--out", out, "--set", f"buckling.modes={modes}",
           "--set", f"buckling.load_cases=[{load_case}]", "--set", "criteria.convergence=off",
           "--output", "summary"] + (["--set", f"mesh.size={mesh}mm"] if mesh else [])
    env = dict(os.environ)
    env.pop("LIGHTBODY_CHOLMOD", None)
    if cholmod:
        env["LIGHTBODY_CHOLMOD"] = cholmod
    env.pop("LIGHTBODY_EIGEN", None)
    if eigen:
        env["LIGHTBODY_EIGEN"] = eigen
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env)
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"lightbody failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report = json.load(open(os.path.join(out, "report.json")))
    t = report["time_s"]
    static = t["assemble"] + t["factorise"] + t["solve"]
    b = next(lc["buckling"] for lc in report["load_cases"] if lc["name"] == load_case)
    e = b["eigen_solver"]
    return {"dofs": report["dofs"], "static_s": static, "kg_s": b["geometric_stiffness_time_s"],
            "eigen_s": e["time_s"], "restarts": e["restarts"], "products": e["products"],
            "factors": b["load_factors"]}


def solve_threads(exe, modes, repeat):
    settings = [("one BLAS thread (default)", None), ("two BLAS threads", "solve_threads=2")]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for load in ("quiet", "one core busy"):
            with busy_core(load != "quiet"):
                runs = {name: [] for name, _ in settings}
                for i in range(repeat):
                    for name, setting in settings:
                        r = run_once(exe, modes, os.path.join(tmp, f"r{len(table)}{i}"), setting)
                        runs[name].append(r)
                        print(f"{load}, {name}: eigen solver {r['eigen_s']:.2f} s "
                              f"({r['products']} products)", flush=True)
            for name, _ in settings:
                eigen = statistics.median(r["eigen_s"] for r in runs[name])
                products = statistics.median(r["products"] for r in runs[name])
                table.append((load, name, eigen, products))
    print(f"\n{modes} modes of {LOAD_CASE}, medians of {repeat}:")
    print("| machine | substitutions | eigen solver s | products | s per product |")
    print("|---|---|---|---|---|")
    for load, name, eigen, products in table:
        print(f"| {load} | {name} | {eigen:.2f} | {products:.0f} | {eigen / products:.3f} |")


def compare_spectra(exe, modes_list, repeat):
    """lightbody's Lanczos (checked after every product, thick restarts) against Spectra's
    implicitly restarted Lanczos (LIGHTBODY_EIGEN=spectra) on the same factor, alternating."""
    settings = [("lightbody Lanczos", None), ("Spectra", "spectra")]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for modes in modes_list:
            runs = {name: [] for name, _ in settings}
            for i in range(repeat):
                # In turn first and second (the first run after a pause meets colder memory).
                for name, eigen in (settings if i % 2 == 0 else settings[::-1]):
                    r = run_once(exe, modes, os.path.join(tmp, f"m{modes}{i}{name[0]}"),
                                 eigen=eigen)
                    runs[name].append(r)
                    print(f"{modes} modes, {name}: eigen solver {r['eigen_s']:.2f} s "
                          f"({r['products']} products, {r['restarts']} restarts), factors "
                          + ", ".join(f"{f:.6f}" for f in r["factors"]), flush=True)
            ours, peer = runs[settings[0][0]][0], runs[settings[1][0]][0]
            diff = max(abs(a - b) / b for a, b in zip(ours["factors"], peer["factors"]))
            for name, _ in settings:
                eigen = statistics.median(r["eigen_s"] for r in runs[name])
                products = statistics.median(r["products"] for r in runs[name])
                table.append((modes, name, eigen, products, diff))
    print(f"\n{LOAD_CASE}, medians of {repeat}:")
    print("| modes | eigen solver | eigen solver s | products | s per product | "
          "largest load-factor difference |")
    print("|---|---|---|---|---|---|")
    for modes, name, eigen, products, diff in table:
        print(f"| {modes} | {name} | {eigen:.2f} | {products:.0f} | {eigen / products:.3f} | "
              f"{diff:.1e} |")


ENVIRONMENT = ("LIGHTBODY_BLAS_COLUMNS", "LIGHTBODY_BUCKLING_TOGETHER", "LIGHTBODY_LANCZOS_BLOCK",
               "LIGHTBODY_SUPERNODAL_SOLVE")


def side_by_side(exe, repeat, settings=None):
    """The default tank's two buckling analyses side by side against one after the other."""
    settings = settings or [("side by side (default)", {}),
                            ("side by side, library BLAS", {"LIGHTBODY_BLAS_COLUMNS": "0"}),
                            ("one after the other", {"LIGHTBODY_BUCKLING_TOGETHER": "0"})]
    runs = {name: [] for name, _ in settings}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            for name, extra in (settings if i % 2 == 0 else settings[::-1]):
                out = os.path.join(tmp, f"s{i}-{settings.index((name, extra))}")
                env = dict(os.environ)
                for key in ENVIRONMENT:
                    env.pop(key, None)
                env.update(extra)
                start = time.monotonic()
                proc = subprocess.run([exe, "run", CASE, "--out", out, "--set",
                                       "criteria.convergence=off", "--output", "summary"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True, env=env)
                wall = time.monotonic() - start
                if proc.returncode not in (0, 3, 6):
                    sys.exit(f"lightbody failed ({proc.returncode}): {proc.stderr[-2000:]}")
                report = json.load(open(os.path.join(out, "report.json")))
                factors = [f for lc in report["load_cases"] if lc.get("buckling")
                           for f in lc["buckling"]["load_factors"]]
                r = {"buckling": report["time_s"]["buckling"], "solve": report["time_s"]["solve"],
                     "wall": wall, "factors": factors}
                runs[name].append(r)
                print(f"{name}: buckling {r['buckling']:.2f} s, solve {r['solve']:.2f} s, whole "
                      f"run {wall:.1f} s, load factors " + " ".join(f"{f:.4f}" for f in factors),
                      flush=True)
    base = runs[settings[0][0]][0]["factors"]
    print(f"\ndefault tank, two buckling analyses of 3 modes, medians of {repeat}:")
    print("| setting | buckling s | solve s | whole run s | largest load-factor difference |")
    print("|---|---|---|---|---|")
    for name, _ in settings:
        med = {k: statistics.median(r[k] for r in runs[name]) for k in ("buckling", "solve", "wall")}
        diff = max(abs(a - b) / b for a, b in zip(runs[name][0]["factors"], base))
        print(f"| {name} | {med['buckling']:.2f} | {med['solve']:.2f} | {med['wall']:.1f} | "
              f"{diff:.1e} |")


def refinement(exe, load_case, sizes):
    """The lowest load factors of one of the default tank's load cases at several mesh sizes."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            r = run_once(exe, 3, os.path.join(tmp, f"mesh{size}"), load_case=load_case,
                         mesh=size)
            rows.append((size, r["dofs"], r["factors"]))
            print(f"{size} mm: {r['dofs']} DOFs, load factors "
                  + ", ".join(f"{f:.4f}" for f in r["factors"]), flush=True)
    print(f"\n{load_case}, 3 modes:")
    print("| mesh | DOFs | lowest load factor | change from the previous mesh |")
    print("|---|---|---|---|")
    for k, (size, dofs, factors) in enumerate(rows):
        change = f"{factors[0] / rows[k - 1][2][0] - 1:+.2%}" if k else "-"
        print(f"| {size} mm | {dofs} | {factors[0]:.4f} | {change} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--modes", type=int, default=10)
    ap.add_argument("--solve-threads", action="store_true")
    ap.add_argument("--spectra", action="store_true",
                    help="compare with Spectra's Lanczos at 3 and --modes modes")
    ap.add_argument("--side-by-side", action="store_true",
                    help="the default tank's two buckling analyses side by side or one by one")
    ap.add_argument("--blocks", action="store_true",
                    help="the two analyses with Lanczos blocks of 1-4 vectors against the peer")
    ap.add_argument("--refinement", metavar="LOAD_CASE",
                    help="instead: that load case's lowest load factors at the --sizes meshes")
    ap.add_argument("--sizes", default="60,45", help="mesh sizes in mm for --refinement")
    args = ap.parse_args()
    exe = os.path.join(args.build, "lightbody")
    if args.refinement:
        refinement(exe, args.refinement, [int(s) for s in args.sizes.split(",")])
        return
    if args.blocks:
        side_by_side(exe, args.repeat, [
            ("peer: one vector a step, CHOLMOD's solves",
             {"LIGHTBODY_LANCZOS_BLOCK": "1", "LIGHTBODY_SUPERNODAL_SOLVE": "0"}),
            ("blocks of 1", {"LIGHTBODY_LANCZOS_BLOCK": "1"}),
            ("blocks of 2", {"LIGHTBODY_LANCZOS_BLOCK": "2"}),
            ("blocks of 3 (default for 3 modes)", {}),
            ("blocks of 4", {"LIGHTBODY_LANCZOS_BLOCK": "4"})])
        return
    if args.side_by_side:
        side_by_side(exe, args.repeat)
        return
    if args.spectra:
        compare_spectra(exe, sorted({3, args.modes}), args.repeat)
        return
    if args.solve_threads:
        solve_threads(exe, args.modes, args.repeat)
        return
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            r = run_once(exe, args.modes, os.path.join(tmp, f"run{i}"))
            runs.append(r)
            print(f"run {i + 1}: {r['dofs']} DOFs, static {r['static_s']:.1f} s, K_G "
                  f"{r['kg_s']:.1f} s, eigen {r['eigen_s']:.1f} s ({r['restarts']} restarts, "
                  f"{r['products']} products), lowest factors "
                  + ", ".join(f"{f:.3f}" for f in r["factors"][:3]), flush=True)
    med = {k: statistics.median(r[k] for r in runs)
           for k in ("static_s", "kg_s", "eigen_s", "products")}
    buckling = med["kg_s"] + med["eigen_s"]
    print(f"\nmedians of {args.repeat}: static solve {med['static_s']:.1f} s; buckling "
          f"{buckling:.1f} s (K_G {med['kg_s']:.1f} s, eigen {med['eigen_s']:.1f} s, "
          f"{med['products']:.0f} products, {med['eigen_s'] / med['products']:.3f} s each); "
          f"ratio buckling / static {buckling / med['static_s']:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
