#!/usr/bin/env python3
"""Fixed costs of a run: a small case end to end against the program's start-up alone.

Runs, alternating, a program that does nothing but load Debian's deal.II library (an empty main
linked to libdeal.ii.so, compiled here with the C++ compiler of the build; the floor that any
program using the library pays: the dynamic loader resolving the symbols of the ~200 libraries
deal.II pulls in, and their initialisers), `lightbody --version` (the same for lightbody's own
libraries) and `lightbody run` of the clamped plate
(cases/verification/clamped_plate.yaml) at a mesh of about 5 000 DoFs with `--output fields`
(the .vtu files, no picture), --repeat times each, and prints the medians of the whole-process
wall times, the stages of report.json's `time_s` (medians) and what lies outside them.

usage: python3 bench/fixed_costs.py [--build build] [--repeat 15] [--mesh 90.91]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wall(cmd):
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.monotonic() - start
    if proc.returncode not in (0, 3, 6):
        sys.exit(f"{cmd[1]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return seconds


def deal_ii_floor(build, tmp):
    """An empty program linked to libdeal.ii.so (None where it cannot be built)."""
    compiler = "c++"
    cache = os.path.join(build, "CMakeCache.txt")
    if os.path.exists(cache):
        for line in open(cache):
            if line.startswith("CMAKE_CXX_COMPILER:"):
                compiler = line.split("=", 1)[1].strip()
    src, exe = os.path.join(tmp, "empty.cc"), os.path.join(tmp, "deal_ii_only")
    with open(src, "w") as f:
        f.write("int main() { return 0; }\n")
    proc = subprocess.run([compiler, src, "-o", exe, "-Wl,--no-as-needed", "-ldeal.ii"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        print(f"(no deal.II floor: {proc.stderr.decode()[-300:]})")
        return None
    return exe


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--mesh", default="90.91", help="the plate's mesh size in mm")
    a = ap.parse_args()
    exe = os.path.join(a.build, "lightbody")
    case = os.path.join(ROOT, "cases", "verification", "clamped_plate.yaml")
    start_up, floor, runs, stages, dofs = [], [], [], {}, 0
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r")
        deal_ii_only = deal_ii_floor(a.build, tmp)
        for _ in range(a.repeat):
            if deal_ii_only:
                floor.append(wall([deal_ii_only]))
            start_up.append(wall([exe, "--version"]))
            runs.append(wall([exe, "run", case, "--out", out, "--output", "fields", "--quiet",
                              "--set", f"mesh.size={a.mesh}mm"]))
            report = json.load(open(os.path.join(out, "report.json")))
            dofs = report["dofs"]
            for k, v in report["time_s"].items():
                stages.setdefault(k, []).append(v)
            shutil.rmtree(out)
    med = statistics.median
    stage_sum = sum(med(v) for v in stages.values())
    print(f"{os.cpu_count()} cores, medians of {a.repeat} alternating runs")
    print(f"clamped plate, {a.mesh} mm mesh, {dofs} DoFs, --output fields")
    print(f"| | s |\n|---|---|")
    if floor:
        print(f"| an empty program linked to libdeal.ii.so | {med(floor):.3f} |")
    print(f"| `lightbody --version` (start-up) | {med(start_up):.3f} |")
    print(f"| `lightbody run` end to end | {med(runs):.3f} (min {min(runs):.3f}, max "
          f"{max(runs):.3f}) |")
    for k, v in stages.items():
        print(f"| stage {k} | {med(v):.4f} |")
    print(f"| stages together | {stage_sum:.3f} |")
    print(f"| outside start-up and stages | {med(runs) - med(start_up) - stage_sum:.3f} |")


if __name__ == "__main__":
    main()
