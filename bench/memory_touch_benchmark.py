#!/usr/bin/env python3
"""Two of lightbody's memory measures, each against the same program without it.

--feature touch (default): first touch of the factor's memory from two threads against the
thread that fills it. The sparse Cholesky factor of a large model is gigabytes of fresh memory (1.3 GB on the default
tank): the kernel provides and clears each page when it is first written, and CHOLMOD clears the
factor on one thread at the start of the numeric factorisation. lightbody touches CHOLMOD's
blocks of 64 MB and more from two threads as they are allocated (solver/huge_pages.h,
touch_in_parallel); the peer is the same program with LIGHTBODY_PARALLEL_TOUCH=0 (used by this
benchmark only), where the pages come one fault at a time on that one thread.

--feature release: freed memory given back. A library the Debian deal.II pulls in
(libsuperlu_dist) turns off, as it is loaded, glibc's mapping of large blocks and its return of
freed memory; lightbody turns them on again first thing (solver/huge_pages.h,
restore_memory_release). The peer runs with LIGHTBODY_MALLOC_RELEASE=0 (this benchmark only):
the matrices freed before the factorisation stay in the process. Compare the peak memory.

--feature hugetlb: the C library's malloc asking for transparent huge pages
(GLIBC_TUNABLES=glibc.malloc.hugetlb=1, read by glibc 2.35 and later only as a process starts),
so that the many small and middle-sized blocks (deal.II's meshes, patterns and vectors) come in
2 MB pages; on this machine, a virtual machine, a 4 kB page fault costs about 11 us. Not
lightbody's default (a program could set it only by starting itself again): "with it" runs with
the setting, the peer as lightbody runs. Compare the page faults, the system time and the wall.

Runs `lightbody run CASE --output summary` both ways, alternating, --repeat times, and prints the
medians of the numeric factorisation's time and rate (and the machine's DGEMM rate measured in
the same run), of the whole process's wall, user and system time and of the stages of
report.json's `time_s`, and the ratios.

usage: python3 bench/memory_touch_benchmark.py [--build build] [--repeat 5]
                                               [--case cases/tank_8m3_elliptical.yaml]
                                               [--feature touch|release|hugetlb]
                                               [--set key=value ...]
"""
import json, os, re, resource, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import ROOT, case_parser, timed  # noqa: E402


# Each feature's environment variable and its values with the feature and for the peer (None:
# not set).
SWITCH = {"touch": ("LIGHTBODY_PARALLEL_TOUCH", None, "0"),
          "release": ("LIGHTBODY_MALLOC_RELEASE", None, "0"),
          "hugetlb": ("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", None)}
NAMES = {"touch": ("first touch from two threads", "on the filling thread (peer)"),
         "release": ("freed memory returned", "kept as the libraries set it (peer)"),
         "hugetlb": ("malloc's huge pages", "4 kB pages (lightbody as it runs)")}


def run(exe, case, sets, out, feature, on):
    env = dict(os.environ)
    for v, _, _ in SWITCH.values():
        env.pop(v, None)
    variable, with_it, peer = SWITCH[feature]
    if (with_it if on else peer) is not None:
        env[variable] = with_it if on else peer
    cmd = [exe, "run", case, "--out", out, "--output", "summary"]
    for s in sets:
        cmd += ["--set", s]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code, wall, peak_mb, err = timed(cmd, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # (wait4 adds the run's times to it)
    if code not in (0, 3, 6):
        sys.exit(f"lightbody failed ({code}): {err[-2000:]}")
    report = json.load(open(os.path.join(out, "report.json")))
    row = {"wall": wall, "user": after.ru_utime - before.ru_utime,
           "system": after.ru_stime - before.ru_stime, "peak_GB": peak_mb / 1024,
           "page_faults_k": (after.ru_minflt - before.ru_minflt) / 1000}
    m = re.search(r"factorised in ([0-9.]+) s \(([0-9.]+) Gflop/s\)", err)
    if m:
        row.update(numeric=float(m.group(1)), rate_Gflops=float(m.group(2)))
    m = re.search(r"DGEMM ([0-9.]+) Gflop/s", err)
    if m:
        row["dgemm_Gflops"] = float(m.group(1))
    if "rate_Gflops" in row and "dgemm_Gflops" in row:
        row["rate_of_dgemm_%"] = 100 * row["rate_Gflops"] / row["dgemm_Gflops"]
    row.update(report["time_s"])
    if report.get("ordering", {}).get("time_s"):
        row["ordering_and_analysis"] = report["ordering"]["time_s"]
    return row


def main():
    ap = case_parser(__doc__, 5)
    ap.add_argument("--set", action="append", default=[], help="a case override, repeatable")
    ap.add_argument("--feature", choices=sorted(SWITCH), default="touch",
                    help="the measure compared against the program without it")
    a = ap.parse_args()
    exe = os.path.join(a.build, "lightbody")
    rows = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeat):
            for on in (True, False):
                r = run(exe, a.case, a.set, os.path.join(tmp, f"r{i}{int(on)}"), a.feature, on)
                rows[on].append(r)
                print(f"{'with it' if on else 'peer   '}: wall {r['wall']:.2f} s, "
                      f"system {r['system']:.2f} s, {r['page_faults_k']:.0f} k page faults, "
                      f"numeric factorisation {r.get('numeric', 0):.2f} s, "
                      f"peak {r['peak_GB']:.2f} GB", flush=True)
    med = statistics.median
    keys = [k for k in rows[True][0] if all(k in r for r in rows[True] + rows[False])]
    print(f"\n{os.path.relpath(a.case, ROOT)} {' '.join(a.set)}, {os.cpu_count()} cores, "
          f"medians of {a.repeat} alternating runs")
    print(f"| | {NAMES[a.feature][0]} | {NAMES[a.feature][1]} | ratio |")
    print("|---|---|---|---|")
    for k in keys:
        x, y = med(r[k] for r in rows[True]), med(r[k] for r in rows[False])
        name, unit = k, "s"
        for suffix, u in (("_GB", "GB"), ("_Gflops", "Gflop/s"), ("_%", "%"),
                          ("_k", "thousands")):
            if k.endswith(suffix):
                name, unit = k[: -len(suffix)], u
        print(f"| {name} ({unit}) | {x:.2f} | {y:.2f} | {x / y if y else float('nan'):.2f} |")


if __name__ == "__main__":
    main()
