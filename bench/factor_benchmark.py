#!/usr/bin/env python3
"""The sparse Cholesky factorisation of an example body under several CHOLMOD settings.

For each setting (ordering, supernode relaxation), runs `lightbody run CASE --output summary`
until its factorisation is done and reads from its progress lines: the ordering and analysis time,
the factor's flops, the numeric factorisation time and rate, and the machine's DGEMM rate that
lightbody measures beside it (1000 x 1000, the BLAS threads of the run). Settings are given to
lightbody through the environment variable LIGHTBODY_CHOLMOD, used by this benchmark only:
"nrelax=a,b,c zrelax=x,y,z ordering=amd|metis|nesdis|cholmod|uncompressed|default
openmp=n"
(CHOLMOD's Common->nrelax, Common->zrelax and method[0].ordering; lightbody's default orders
matrices of 20 M nonzeros (lower half) and more by CHOLMOD's nested dissection alone, those of
5 M and more whose graph compresses to half the unknowns by METIS on the compressed graph
(solver/compressed_ordering.h); "uncompressed" orders these as before 2026-12-04, as CHOLMOD
chooses: AMD, then METIS where AMD's fill is large, the better kept, which "cholmod"
makes it do for all;
openmp: the largest OpenMP team CHOLMOD's loops get, one by default, four being
CHOLMOD's own choice, see solver/cholmod_factor.cc).
The settings are run in turn, --repeat times, and medians printed (both: the median of each
run's analysis and numeric factorisation together).

--busy: instead, beside a shell loop that keeps one core busy, the factorisation as lightbody
makes it (the BLAS's threads less the cores other processes keep busy, measured for 0.1 s before
it starts) against all the machine's cores as BLAS threads ("factor_threads=n", the behaviour
before 2026-12-02), alternating.

usage: python3 bench/factor_benchmark.py [--build build] [--case cases/tank_8m3_elliptical.yaml]
                                         [--repeat 3] [--busy] [--only default nesdis ...]
"""
import os, re, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import busy_core, case_parser  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = [
    ("default (METIS on the compressed graph from 5 to 20 M nonzeros, else as below)", None),
    ("uncompressed (nested dissection from 20 M nonzeros, else CHOLMOD's)",
     "ordering=uncompressed"),
    ("CHOLMOD's choice (AMD, then METIS, the better)", "ordering=cholmod"),
    ("metis only", "ordering=metis"),
    ("amd only", "ordering=amd"),
    ("nesdis only", "ordering=nesdis"),
    ("larger supernodes", "nrelax=16,64,256 zrelax=0.8,0.2,0.1"),
    ("OpenMP team of four (CHOLMOD's own)", "openmp=4"),
    ("OpenMP team of two", "openmp=2"),
]


def one(binary, case, setting):
    env = dict(os.environ)
    env.pop("LIGHTBODY_CHOLMOD", None)
    if setting:
        env["LIGHTBODY_CHOLMOD"] = setting
    out = tempfile.mkdtemp(prefix="factor_bench_")
    p = subprocess.Popen([binary, "run", case, "--out", os.path.join(out, "r"), "--output",
                          "summary"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         text=True, env=env)
    row = {}
    for line in p.stderr:
        m = re.search(r"factor: ([0-9.]+) M nonzeros, ([0-9.]+) Gflop \(.*? ([0-9.]+) s\)", line)
        if m:
            row.update(factor_M=float(m.group(1)), gflop=float(m.group(2)),
                       analysis_s=float(m.group(3)))
        m = re.search(r"DGEMM ([0-9.]+) Gflop/s", line)
        if m:
            row["dgemm"] = float(m.group(1))
        m = re.search(r"factorised in ([0-9.]+) s \(([0-9.]+) Gflop/s\)", line)
        if m:
            row.update(numeric_s=float(m.group(1)), rate=float(m.group(2)))
            p.kill()
            break
    p.wait()
    subprocess.run(["rm", "-rf", out])
    if "numeric_s" not in row:
        sys.exit("lightbody ended before its factorisation (a model under 20 Gflop is not timed)")
    return row


def main():
    ap = case_parser(__doc__, 3)
    ap.add_argument("--busy", action="store_true",
                    help="beside a busy core: threads from the load against all cores")
    ap.add_argument("--only", nargs="+", metavar="WORD",
                    help="the settings whose name starts with one of these (default, nesdis, ...)")
    a = ap.parse_args()
    binary = os.path.join(a.build, "lightbody")
    settings = [s for s in SETTINGS
                if not a.only or any(s[0].lower().startswith(w.lower()) for w in a.only)]
    if not settings:
        sys.exit("--only: no setting's name starts with " + ", ".join(a.only))
    if a.busy:
        settings = [("threads less the busy cores (default)", None),
                    (f"all {os.cpu_count()} cores as BLAS threads",
                     f"factor_threads={os.cpu_count()}")]
    rows = {name: [] for name, _ in settings}
    with busy_core(a.busy):
        for _ in range(a.repeat):
            for name, setting in settings:
                rows[name].append(one(binary, a.case, setting))
                r = rows[name][-1]
                print(f"  {name}: analysis {r['analysis_s']:.2f} s, numeric "
                      f"{r['numeric_s']:.2f} s", flush=True)
    print(f"\n{os.path.basename(a.case)}, medians of {a.repeat}"
          f"{', one core kept busy by a shell loop' if a.busy else ''}:")
    print("| setting | factor M nonzeros | Gflop | analysis s | numeric s | both s | Gflop/s | "
          "DGEMM Gflop/s | % of DGEMM |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, _ in settings:
        med = {k: statistics.median(r[k] for r in rows[name]) for k in rows[name][0]}
        both = statistics.median(r["analysis_s"] + r["numeric_s"] for r in rows[name])
        print(f"| {name} | {med['factor_M']:.1f} | {med['gflop']:.1f} | {med['analysis_s']:.2f} "
              f"| {med['numeric_s']:.2f} | {both:.2f} | {med['rate']:.1f} | {med['dgemm']:.1f} | "
              f"{100 * med['rate'] / med['dgemm']:.0f} |")


if __name__ == "__main__":
    main()
