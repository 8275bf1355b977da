#!/usr/bin/env python3
"""Strong scaling of one run over the processes of an MPI launch.

Runs `lightbody run CASE --output summary` in one process (CHOLMOD) and under
`mpirun -np N` (MUMPS through PETSc, the factorisations and solves shared by the N processes) for
each N of --processes, --repeat times in turn, and prints the medians of the whole process's wall
time and of the stages in report.json's time_s (mesh, setup, loads, assembly, factorisation,
solves, buckling; the first three every process repeats for the whole model, summed on a line of
their own),
the factor's flops and rate, the peak memory of the process that needs most and of the one that
needs least (each process under /usr/bin/time), the sum of the processes' peaks, and the parallel
efficiency T1 / (N TN) against the one-process run. The memory of a process that does not fall
with N is what every process holds whole (the libraries, `lightbody --version`'s peak, also
printed; the model, its DoF numbering and its vectors): given two N above 1, the line after the
table fits peak = fixed + divided / N through the two most distant.
With --blas-peer every configuration runs a second time with LIGHTBODY_BLAS_COLUMNS=0: the
library's DGEMM and DTRSM for products and solves of one column too (app/blas_columns.cc
otherwise makes them DGEMV and DTRSV; MUMPS's solve phase on one right-hand side is made of them).
With --basis-peer every configuration under mpirun runs a second time with
LIGHTBODY_SPREAD_BASIS=0: the eigen analyses' Lanczos bases whole on rank 0, as before they were
spread over the processes by the factor's rows (solver/lanczos_basis.h). With --post-peer every
configuration under mpirun runs a second time with LIGHTBODY_SPREAD_POST=0: rank 0 computes the
stresses of every cell, as before each process computed its band's (post/results.h). With
--iterative-peer every configuration under mpirun runs a second time with
LIGHTBODY_SPREAD_ITERATIVE=0: rank 0 assembles the iterative solver's matrix whole and alone, as
before each process gave its band's share (solver/elastic_factorise.cc); --solver S passes
lightbody's --solver (iterative, to measure that path).
Processes beyond the cores share them (Open MPI's oversubscription): on this 2-core machine the
figures for N > 2 show the cost of sharing, not scaling. mpirun runs with --bind-to none.

usage: python3 bench/mpi_benchmark.py [--build build] [--case cases/tank_8m3_elliptical.yaml]
                                      [--processes 2] [--repeat 3] [--set KEY=VALUE ...]
                                      [--blas-peer] [--basis-peer] [--post-peer]
                                      [--solver S] [--iterative-peer]
"""
import argparse, json, os, re, shutil, statistics, subprocess, tempfile, time

from timing import each_rank, mpi_env, mpirun

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ["mesh", "setup", "loads", "assemble", "factorise", "solve", "buckling", "modal", "post"]
# What every process of the SPMD run does whole, for the whole model (not divided by N).
REPEATED = ["mesh", "setup", "loads"]


SOLVER = []  # ["--solver", S] given --solver S

# The peers: environment variables read for this benchmark only.
PEERS = {"blas": ("LIGHTBODY_BLAS_COLUMNS", "lib. BLAS"),
         "basis": ("LIGHTBODY_SPREAD_BASIS", "basis on rank 0"),
         "post": ("LIGHTBODY_SPREAD_POST", "post on rank 0"),
         "iterative": ("LIGHTBODY_SPREAD_ITERATIVE", "CG matrix on rank 0")}


def one(binary, case, n, sets, peer):
    out = tempfile.mkdtemp(prefix="mpi_bench_")
    env = mpi_env(**({PEERS[peer][0]: "0"} if peer else {}))
    # Each process's peak and exit code to files of its own (their lines on the shared stderr
    # interleave), the process itself ending with 0: mpirun stops the others as soon as one ends
    # otherwise (rank 0's exit 3 for a verdict FAIL), before their peaks are written.
    wrapper = ('r=${OMPI_COMM_WORLD_RANK:-0}; /usr/bin/time -f %M -o "$0/peak.$r" "$@"; '
               'echo $? > "$0/exit.$r"; exit 0')
    command = (mpirun(n, [PEERS[peer][0]] if peer else []) if n > 0 else []) + each_rank(
        wrapper, out) + [binary, "run", case, "--out", os.path.join(out, "r"), "--output",
                         "summary", "--quiet"]
    for s in sets:
        command += ["--set", s]
    command += SOLVER
    start = time.monotonic()
    p = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    try:
        with open(os.path.join(out, "exit.0")) as f:
            code = int(f.read())
    except (OSError, ValueError):
        code = p.returncode or -1
    if p.returncode != 0 or code not in (0, 3, 6):
        raise SystemExit("%s: exit %d\n%s" % (" ".join(command), code, p.stderr))
    with open(os.path.join(out, "r", "report.json")) as f:
        report = json.load(f)
    peaks = []
    for name in os.listdir(out):
        if name.startswith("peak."):
            with open(os.path.join(out, name)) as f:
                peaks += [int(k) for k in re.findall(r"^(\d+)$", f.read(), re.M)]
    shutil.rmtree(out)
    if len(peaks) != max(n, 1):
        raise SystemExit("%s: %d peaks measured for %d processes" % (" ".join(command), len(peaks),
                                                                     max(n, 1)))
    row = {"wall": wall, "peak": max(peaks) / 1e6 if peaks else 0.0,
           "least": min(peaks) / 1e6 if peaks else 0.0, "all": sum(peaks) / 1e6}
    row.update({s: report["time_s"].get(s, 0.0) for s in STAGES})
    fac = report.get("factorisation", {})
    row["gflop"] = fac.get("gflop") or 0.0
    row["numeric"] = fac.get("time_s") or 0.0
    row["solver"] = "%s x%d" % (fac.get("solver", "?"), fac.get("processes", 1))
    row["dofs"] = report.get("dofs", 0)
    return row


def library_peak(binary):
    """The peak memory of `lightbody --version`, GB: the libraries a process loads."""
    p = subprocess.run(["/usr/bin/time", "-f", "peak-kB %M", binary, "--version"],
                       capture_output=True, text=True)
    return int(p.stderr.split("peak-kB ")[1].split()[0]) / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--processes", default="2", help="comma-separated N for mpirun -np N")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], help="passed to lightbody run")
    ap.add_argument("--blas-peer", action="store_true",
                    help="also run each with the library's DGEMM/DTRSM for single columns")
    ap.add_argument("--basis-peer", action="store_true",
                    help="also run each under mpirun with the Lanczos bases whole on rank 0")
    ap.add_argument("--post-peer", action="store_true",
                    help="also run each under mpirun with every cell's stresses on rank 0")
    ap.add_argument("--solver", choices=["auto", "direct", "iterative"],
                    help="lightbody's --solver for every run (default: its own, auto)")
    ap.add_argument("--iterative-peer", action="store_true",
                    help="also run each under mpirun with the iterative solver's matrix "
                         "assembled whole on rank 0")
    a = ap.parse_args()
    if a.solver:
        SOLVER[:] = ["--solver", a.solver]
    binary = os.path.join(a.build, "lightbody")
    counts = [(n, None) for n in [0] + [int(n) for n in a.processes.split(",")]]
    if a.blas_peer:
        counts += [(n, "blas") for n, _ in counts if _ is None]
    if a.basis_peer:
        counts += [(n, "basis") for n, peer in counts if peer is None and n > 0]
    if a.post_peer:
        counts += [(n, "post") for n, peer in counts if peer is None and n > 0]
    if a.iterative_peer:
        counts += [(n, "iterative") for n, peer in counts if peer is None and n > 0]
    runs = {c: [] for c in counts}
    for _ in range(a.repeat):  # in turn, so that the machine's load falls on all alike
        for c in counts:
            runs[c].append(one(binary, a.case, c[0], a.set, c[1]))
    med = {c: {k: statistics.median(r[k] for r in runs[c]) for k in runs[c][0]
               if k != "solver"} for c in counts}
    base = med[(0, None)]
    libraries = statistics.median(library_peak(binary) for _ in range(3))
    print("case: %s, %d DOFs; medians of %d runs; %d cores" %
          (os.path.relpath(a.case, ROOT), runs[counts[0]][0]["dofs"], a.repeat, os.cpu_count()))
    head = "%-34s %8s %6s" % ("run", "wall s", "eff.") + "".join(" %9s" % s for s in STAGES) + \
        " %7s %8s %8s %8s %8s"
    print(head % ("numeric", "Gflop/s", "peak GB", "least GB", "all GB"))
    for c in counts:
        n, peer = c
        m = med[c]
        label = ("one process" if n == 0 else "mpirun -np %d" % n) + " (%s)" % runs[c][0]["solver"]
        if peer:
            label += " " + PEERS[peer][1]
        eff = base["wall"] / (max(n, 1) * m["wall"])
        rate = m["gflop"] / m["numeric"] if m["numeric"] > 0 else 0
        print("%-34s %8.1f %6.2f" % (label[:34], m["wall"], eff) +
              "".join(" %9.2f" % m[s] for s in STAGES) +
              " %7.2f %8.1f %8.2f %8.2f %8.2f" % (m["numeric"], rate, m["peak"], m["least"],
                                                 m["all"]))
        if n and not peer:
            print("    speed-up against one process: %.2f; peak memory of the process that needs "
                  "most against one process: %.2f (1/N = %.2f)" %
                  (base["wall"] / m["wall"], m["peak"] / base["peak"], 1.0 / n))
            print("    the model's set-up every process repeats whole (mesh + setup + loads): "
                  "%.2f s of %.1f s (one process: %.2f s of %.1f s)" %
                  (sum(m[s] for s in REPEATED), m["wall"], sum(base[s] for s in REPEATED),
                   base["wall"]))
        if peer == "basis":
            own = med[(n, None)]
            print("    bases spread against whole on rank 0: peak %.2f against %.2f GB, least %.2f "
                  "against %.2f GB, buckling %.2f (ratio of the medians)" %
                  (own["peak"], m["peak"], own["least"], m["least"],
                   own["buckling"] / max(m["buckling"], 1e-9)))
        if peer == "post":
            own = med[(n, None)]
            print("    stresses of each band on its process against all on rank 0: post %.2f "
                  "against %.2f s (ratio %.2f), peak %.2f against %.2f GB" %
                  (own["post"], m["post"], own["post"] / max(m["post"], 1e-9), own["peak"],
                   m["peak"]))
        if peer == "iterative":
            own = med[(n, None)]
            print("    the iterative solver's matrix from the processes' shares against whole on "
                  "rank 0: peak %.2f against %.2f GB, least %.2f against %.2f GB, all %.2f "
                  "against %.2f GB, assembly %.2f against %.2f s, wall %.1f against %.1f s" %
                  (own["peak"], m["peak"], own["least"], m["least"], own["all"], m["all"],
                   own["assemble"], m["assemble"], own["wall"], m["wall"]))
        if peer == "blas":
            own = med[(n, None)]
            print("    single columns as DGEMV/DTRSV against the library's: wall %.2f, buckling "
                  "%.2f (ratios of the medians)" % (own["wall"] / m["wall"],
                                                     own["buckling"] / max(m["buckling"], 1e-9)))
    # Peak = fixed + divided / N, fitted through the two most distant N of the distributed runs
    # (MUMPS's: one process, CHOLMOD, holds its memory differently): what every process holds
    # whatever N, and what the processes share among them.
    shared = sorted(n for n, peer in counts if n > 1 and not peer)
    if len(shared) > 1:
        lo, hi = shared[0], shared[-1]
        p_lo, p_hi = med[(lo, None)]["peak"], med[(hi, None)]["peak"]
        fixed = (hi * p_hi - lo * p_lo) / (hi - lo)
        print("peak memory of a process = fixed + divided / N, through N = %d and %d: fixed %.2f "
              "GB (of which the libraries, the peak of `lightbody --version`: %.2f GB), divided "
              "%.2f GB (one process: %.2f GB in all)" %
              (lo, hi, fixed, libraries, lo * (p_lo - fixed), base["peak"]))
    else:
        print("(the fit fixed + divided / N needs two --processes above 1)")


if __name__ == "__main__":
    main()
