#!/usr/bin/env python3
"""The iterative solver's eigen analyses: LOBPCG against the Lanczos process, on the same model.

With `--solver iterative` the buckling and vibration analyses run as LOBPCG preconditioned by the
solver's multigrid (solver/preconditioned_eigen.cc). Its peer, in the same script, is the Lanczos
process the iterative solver ran before, each product a solve with K to 1e-10
(LIGHTBODY_EIGEN=lanczos, read for this benchmark only), and the direct solver gives the reference
values. Runs `lightbody run CASE --output summary --solver ...` at one mesh size (--repeat times
each, in turn) and prints per eigen analysis: each method's median time, its iterations (LOBPCG)
or restarts (Lanczos) and products (applications of the preconditioner, or solves), the largest
difference of its load factors or frequencies from the direct solver's (relative; a free body's
rigid-body modes, at 0 Hz to round-off, left out), and the ratio of the times to LOBPCG's (the
direct solver's own analysis, the Lanczos process on its factor, too); then each run's median
wall time and peak memory. A free body's vibration: `--no-lanczos --set modal.supports=none
--set modal.modes=10` (the Lanczos process on the iterative solver's solves does not converge
there).

`--processes N`: the iterative runs under `mpirun --bind-to none -np N`, where LOBPCG's blocks
are held by rows on every process; `--rank0-peer` adds the peer of the blocks whole on rank 0,
as before 2026-12-06, each product and application of the preconditioner scattered from and
gathered to it (LIGHTBODY_EIGEN=rank0, read for this benchmark only). Peak memory: the largest
process's.

usage: python3 bench/iterative_eigen_benchmark.py [--build build]
           [--case cases/tank_8m3_elliptical.yaml] [--size 150] [--repeat 1] [--no-lanczos]
           [--processes N] [--rank0-peer] [--set KEY=VALUE ...]
"""
import argparse, json, os, shutil, statistics, subprocess, tempfile, time

from timing import mpi_env, mpirun

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one(binary, case, method, size, sets, processes):
    out = tempfile.mkdtemp(prefix="eigen_bench_")
    solver = "direct" if method == "direct" else "iterative"
    eigen = {"LIGHTBODY_EIGEN": method} if method in ("lanczos", "rank0") else {}
    env = mpi_env(**eigen)
    # (the direct solver's reference in one process)
    launch = mpirun(processes, eigen) if processes > 0 and method != "direct" else []
    command = launch + [binary, "run", case, "--out", os.path.join(out, "r"), "--output",
                        "summary", "--quiet", "--solver", solver, "--set", "mesh.size=%gmm" % size]
    for s in sets:
        command += ["--set", s]
    start = time.monotonic()
    with open(os.path.join(out, "stderr"), "w") as errors:
        p = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3, 6):
        with open(os.path.join(out, "stderr")) as f:
            err = f.read().strip().splitlines()
        shutil.rmtree(out)
        raise SystemExit("%s run: exit %d: %s" % (method, code, err[-1] if err else ""))
    with open(os.path.join(out, "r", "report.json")) as f:
        report = json.load(f)
    shutil.rmtree(out)
    analyses = {}
    for case_ in report["load_cases"]:
        b = case_.get("buckling")
        if b and b.get("eigen_solver"):
            analyses["buckling " + case_["name"]] = (b["load_factors"], b["eigen_solver"])
    m = report.get("modal")
    if m and m.get("eigen_solver"):
        analyses["vibration"] = (m["frequencies_Hz"], m["eigen_solver"])
    return {"wall": wall, "peak_gb": usage.ru_maxrss / 1e6, "dofs": report.get("dofs", 0),
            "analyses": analyses}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--size", type=float, default=150, help="mesh size in mm")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-lanczos", action="store_true", help="without the Lanczos peer")
    ap.add_argument("--processes", type=int, default=0,
                    help="mpirun -np N for the iterative runs")
    ap.add_argument("--rank0-peer", action="store_true",
                    help="with the peer of LOBPCG's blocks whole on rank 0 (with --processes)")
    ap.add_argument("--set", action="append", default=[], help="passed to lightbody run")
    a = ap.parse_args()
    binary = os.path.join(a.build, "lightbody")
    methods = (["direct", "lobpcg"] + ([] if a.no_lanczos else ["lanczos"]) +
               (["rank0"] if a.rank0_peer else []))
    runs = {m: [] for m in methods}
    for _ in range(a.repeat):
        for m in methods:
            runs[m].append(one(binary, a.case, m, a.size, a.set, a.processes))
    reference = runs["direct"][0]["analyses"]
    print("case %s at %g mm, %d DoFs, medians of %d (%s; the direct reference in one process)" %
          (os.path.relpath(a.case, ROOT), a.size, runs["direct"][0]["dofs"], a.repeat,
           "the iterative runs under mpirun -np %d" % a.processes if a.processes
           else "one process"))
    print("(rank0: LOBPCG with its blocks whole on rank 0, as before 2026-12-06)"
          if a.rank0_peer else "")
    print("| analysis | method | s | iterations | products | largest difference | ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, (values, _) in reference.items():
        times = {}
        # (a free body's rigid-body modes, at 0 Hz to round-off, are left out of the differences)
        scale = max((abs(y) for y in values), default=0.0)
        for m in ["lobpcg"] + [m for m in methods if m != "lobpcg"]:
            t = statistics.median(r["analyses"][name][1]["time_s"] for r in runs[m])
            e = runs[m][0]["analyses"][name]
            got = e[0]
            diff = max((abs(x - y) / abs(y) for x, y in zip(got, values)
                        if abs(y) > 1e-3 * scale), default=0.0)
            if len(got) != len(values):
                diff = float("nan")
            times[m] = t
            ratio = "%.1f" % (t / times["lobpcg"]) if m != "lobpcg" and times["lobpcg"] else "1"
            print("| %s | %s | %.1f | %d | %d | %.1e | %s |" %
                  (name, e[1].get("method", m) + (", blocks on rank 0" if m == "rank0" else ""), t, e[1]["restarts"], e[1]["products"], diff,
                   ratio))
    print()
    print("| run | wall s | peak GB |")
    print("|---|---|---|")
    for m in methods:
        print("| %s | %.1f | %.2f |" % (m, statistics.median(r["wall"] for r in runs[m]),
                                      statistics.median(r["peak_gb"] for r in runs[m])))


if __name__ == "__main__":
    main()
