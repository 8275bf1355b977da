#!/usr/bin/env python3
"""Strong scaling of one run over the processes of an MPI launch.

Runs `lightbody run CASE --output summary` in one process (CHOLMOD) and under
`mpirun -np N` (MUMPS through PETSc, the factorisations and solves shared by the N processes) for
each N of --processes, --repeat times in turn, and prints the medians of the whole process's wall
time and of the stages in report.json's time_s (setup, assembly, factorisation, solves, buckling),
the factor's flops and rate, the peak memory of the process that needs most (each process under
/usr/bin/time) and the parallel efficiency T1 / (N TN) against the one-process run.
Processes beyond the cores share them (Open MPI's oversubscription): on this 2-core machine the
figures for N > 2 show the cost of sharing, not scaling. mpirun runs with --bind-to none.

usage: python3 bench/mpi_benchmark.py [--build build] [--case cases/tank_8m3_elliptical.yaml]
                                      [--processes 2] [--repeat 3] [--set KEY=VALUE ...]
"""
import argparse, json, os, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ["setup", "assemble", "factorise", "solve", "buckling", "modal", "post"]


def one(binary, case, n, sets):
    out = tempfile.mkdtemp(prefix="mpi_bench_")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    # (Open MPI binds each process to one core when there are no more processes than cores:
    # lightbody's threads would then share that core.)
    command = (["mpirun", "--bind-to", "none", "-np", str(n)] if n > 0 else []) + [
        "/usr/bin/time", "-f", "peak-kB %M",
        binary, "run", case, "--out", os.path.join(out, "r"), "--output", "summary", "--quiet"]
    for s in sets:
        command += ["--set", s]
    start = time.monotonic()
    p = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    if p.returncode not in (0, 3, 6):
        raise SystemExit("%s: exit %d\n%s" % (" ".join(command), p.returncode, p.stderr))
    with open(os.path.join(out, "r", "report.json")) as f:
        report = json.load(f)
    shutil.rmtree(out)
    peaks = [int(line.split()[1]) for line in p.stderr.splitlines() if line.startswith("peak-kB ")]
    row = {"wall": wall, "peak": max(peaks) / 1e6 if peaks else 0.0}
    row.update({s: report["time_s"].get(s, 0.0) for s in STAGES})
    fac = report.get("factorisation", {})
    row["gflop"] = fac.get("gflop") or 0.0
    row["numeric"] = fac.get("time_s") or 0.0
    row["solver"] = "%s x%d" % (fac.get("solver", "?"), fac.get("processes", 1))
    row["dofs"] = report.get("dofs", 0)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--processes", default="2", help="comma-separated N for mpirun -np N")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], help="passed to lightbody run")
    a = ap.parse_args()
    binary = os.path.join(a.build, "lightbody")
    counts = [0] + [int(n) for n in a.processes.split(",")]
    runs = {n: [] for n in counts}
    for _ in range(a.repeat):  # in turn, so that the machine's load falls on all alike
        for n in counts:
            runs[n].append(one(binary, a.case, n, a.set))
    med = {n: {k: statistics.median(r[k] for r in runs[n]) for k in runs[n][0]
               if k != "solver"} for n in counts}
    print("case: %s, %d DOFs; medians of %d runs; %d cores" %
          (os.path.relpath(a.case, ROOT), runs[0][0]["dofs"], a.repeat, os.cpu_count()))
    head = "%-20s %8s %6s" % ("run", "wall s", "eff.") + "".join(" %9s" % s for s in STAGES) + \
        " %7s %8s %8s"
    print(head % ("numeric", "Gflop/s", "peak GB"))
    for n in counts:
        m = med[n]
        label = ("one process" if n == 0 else "mpirun -np %d" % n) + " (%s)" % runs[n][0]["solver"]
        eff = med[0]["wall"] / (max(n, 1) * m["wall"])
        rate = m["gflop"] / m["numeric"] if m["numeric"] > 0 else 0
        print("%-20s %8.1f %6.2f" % (label[:20], m["wall"], eff) +
              "".join(" %9.2f" % m[s] for s in STAGES) +
              " %7.2f %8.1f %8.2f" % (m["numeric"], rate, m["peak"]))
        if n:
            print("    speed-up against one process: %.2f" % (med[0]["wall"] / m["wall"]))


if __name__ == "__main__":
    main()
