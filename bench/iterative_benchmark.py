#!/usr/bin/env python3
"""The iterative solver against the direct one on the same model, at several mesh sizes.

Runs `lightbody run CASE --output summary` with `--solver direct` and `--solver iterative` at each
mesh size of --sizes (in turn, --repeat times) and prints per mesh: DoFs, each solver's median
wall time and peak memory (the process's maximum resident set), the direct factorisation's time,
the iterative solver's preconditioner set-up time, its iterations (the most of one solve, and the
total), its time in the solves, and the ratio of the wall times. With --processes N the iterative
runs go under `mpirun --bind-to none -np N` (its rows spread over the processes). Each --X-peer
repeats every iterative run with the environment of an earlier state of the solver (PEERS below,
solver/iterative_solver.cc) and prints a line per mesh comparing the two: --single-peer the
smoother's subdomain factors in double precision, --threads-peer their solves on one thread,
--kernels-peer the solves' portable loops instead of AVX2 kernels, --blocks-peer (with
--processes) each process's rows a block of the smoother whose subdomains stay within it.

usage: python3 bench/iterative_benchmark.py [--build build] [--case cases/tank_shell_5083.yaml]
                                            [--sizes 240,120] [--repeat 1] [--processes 0]
                                            [--no-direct] [--single-peer] [--threads-peer]
                                            [--kernels-peer] [--blocks-peer]
                                            [--set KEY=VALUE ...]
"""
import argparse, json, os, shutil, statistics, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# The peers: the iterative solver as it was, each against the run as it is now. Option, name,
# environment, and what the peer is.
PEERS = [
    ("single", "double", {"LIGHTBODY_SINGLE_SUBDOMAINS": "0"},
     "subdomain factors in double (as before 2026-12-05; now single)"),
    ("threads", "one-thread", {"LIGHTBODY_SUBDOMAIN_THREADS": "1"},
     "subdomain solves on one thread (as before 2026-12-06; now the run's threads)"),
    ("kernels", "plain-kernels", {"LIGHTBODY_VECTOR_KERNELS": "0"},
     "subdomain solves' portable loops (as before 2026-12-06; now AVX2 kernels)"),
    ("blocks", "blocks", {"PETSC_OPTIONS": "-mg_levels_pc_type bjacobi "
                          "-mg_levels_sub_pc_type lightbody_subdomains"},
     "each process's rows a block (as before 2026-12-06; now subdomains overlapping "
     "across processes)"),
]
PEER_ENV = {name: env for _, name, env, _ in PEERS}


def one(binary, case, solver, size, processes, sets):
    out = tempfile.mkdtemp(prefix="iterative_bench_")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    # (a peer: the iterative solver as it was, by its environment)
    peer = PEER_ENV.get(solver, {})
    if peer:
        solver = "iterative"
        env.update(peer)
    exported = [a for name in peer for a in ("-x", name)]
    command = (["mpirun", "--bind-to", "none", "-np", str(processes)] + exported
               if processes > 0 else []) + [
        binary, "run", case, "--out", os.path.join(out, "r"), "--output", "summary", "--quiet",
        "--solver", solver, "--set", "mesh.size=%gmm" % size]
    for s in sets:
        command += ["--set", s]
    log = os.path.join(out, "stderr")
    start = time.monotonic()
    with open(log, "w") as errors:
        p = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        # (wait4: this run's own peak resident set, its processes' largest, in kB on Linux)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    peak = usage.ru_maxrss / 1e6
    returncode = os.waitstatus_to_exitcode(status)
    with open(log) as f:
        err = f.read()
    if returncode not in (0, 3, 6):
        shutil.rmtree(out)
        return {"wall": wall, "error": err.strip().splitlines()[-1] if err.strip() else "exit %d"
                % returncode}
    with open(os.path.join(out, "r", "report.json")) as f:
        report = json.load(f)
    shutil.rmtree(out)
    it = report.get("iterative") or {}
    return {"wall": wall, "peak_gb": peak, "dofs": report.get("dofs", 0),
            "factor": report.get("factorisation", {}).get("time_s") or 0.0,
            "setup": it.get("preconditioner_time_s", 0.0), "its": it.get("iterations_max", 0),
            "total_its": it.get("iterations_total", 0), "solves": it.get("time_s", 0.0)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_shell_5083.yaml"))
    ap.add_argument("--sizes", default="240,120", help="mesh sizes in mm, comma-separated")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--processes", type=int, default=0, help="mpirun -np N for the iterative runs")
    ap.add_argument("--no-direct", action="store_true", help="iterative runs only")
    for option, name, _, what in PEERS:
        ap.add_argument("--%s-peer" % option, action="store_true", help="also the run with " + what)
    ap.add_argument("--set", action="append", default=[], help="passed to lightbody run")
    a = ap.parse_args()
    binary = os.path.join(a.build, "lightbody")
    peers = [(name, what) for option, name, _, what in PEERS if getattr(a, option + "_peer")]
    solvers = (["iterative"] if a.no_direct else ["direct", "iterative"]) + [n for n, _ in peers]
    print("case %s; iterative runs %s" % (os.path.relpath(a.case, ROOT),
          "under mpirun -np %d" % a.processes if a.processes else "in one process"))
    print("%8s %9s | %9s %7s %8s | %9s %7s %8s %6s %7s %8s | %6s" % (
        "mesh mm", "DoFs", "direct s", "GB", "factor s", "iter. s", "GB", "set-up s", "its",
        "all its", "solves s", "ratio"))
    for size in [float(s) for s in a.sizes.split(",")]:
        runs = {s: [] for s in solvers}
        for _ in range(a.repeat):
            for s in solvers:
                runs[s].append(one(binary, a.case, s, size, a.processes if s != "direct" else 0,
                                   a.set))
        med = {}
        for s in solvers:
            ok = [r for r in runs[s] if "error" not in r]
            if not ok:
                print("%8g %s: %s" % (size, s, runs[s][-1]["error"]))
                continue
            med[s] = {k: statistics.median(r[k] for r in ok) for k in ok[0]}
        d, i = med.get("direct"), med.get("iterative")
        dofs = (d or i or {}).get("dofs", 0)
        print("%8g %9d | %9s %7s %8s | %9s %7s %8s %6s %7s %8s | %6s" % (
            size, dofs,
            "%.2f" % d["wall"] if d else "-", "%.2f" % d["peak_gb"] if d else "-",
            "%.2f" % d["factor"] if d else "-",
            "%.2f" % i["wall"] if i else "-", "%.2f" % i["peak_gb"] if i else "-",
            "%.2f" % i["setup"] if i else "-", "%d" % i["its"] if i else "-",
            "%d" % i["total_its"] if i else "-", "%.2f" % i["solves"] if i else "-",
            "%.2f" % (i["wall"] / d["wall"]) if d and i else "-"), flush=True)
        for name, what in peers:
            p = med.get(name)
            if p and i:
                print("%8s %s: %.2f s, %.2f GB, set-up %.2f s, %d its (%d in all), solves %.2f s; "
                      "now / then: wall %.2f, peak %.2f, solves %.2f" % (
                          "", what, p["wall"], p["peak_gb"], p["setup"], p["its"], p["total_its"],
                          p["solves"], i["wall"] / p["wall"], i["peak_gb"] / p["peak_gb"],
                          i["solves"] / p["solves"]), flush=True)
    print("(GB: the run's peak resident set, its largest process; ratio: iterative / direct wall "
          "time)")


if __name__ == "__main__":
    main()
