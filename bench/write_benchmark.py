#!/usr/bin/env python3
"""The result files' writing: LZ4 against zlib compression of the .vtu files.

lightbody writes its point-field files (.vtu) binary and LZ4-compressed (post/vtk_writer.cc); the
peer is the same program with LIGHTBODY_VTU_ZLIB=1 (used by this benchmark only): zlib at its
fastest level, as until 2026-12-04. Runs `lightbody run CASE --output fields` (the .vtu files, no
picture) with the convergence check off, both ways, alternating, --repeat times, and prints the
medians of report.json's `write_fields` (all load cases' files and results.pvd), of the whole
run and of the result folder's size, and the ratios. Then, once each way with `--output full`, the
write stage with the pictures rendered beside it (`write_fields`, `picture`).

usage: python3 bench/write_benchmark.py [--build build] [--repeat 5]
                                        [--case cases/tank_8m3_elliptical.yaml]
"""
import json, os, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import ROOT, case_parser, timed  # noqa: E402


def folder_mb(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path)
               for f in files) / 1e6


def run(exe, case, out, zlib, output):
    env = dict(os.environ)
    env.pop("LIGHTBODY_VTU_ZLIB", None)
    if zlib:
        env["LIGHTBODY_VTU_ZLIB"] = "1"
    cmd = [exe, "run", case, "--out", out, "--output", output, "--set",
           "criteria.convergence=off"]
    code, wall, _, err = timed(cmd, env=env)
    if code not in (0, 3, 6):
        sys.exit(f"lightbody failed ({code}): {err[-2000:]}")
    t = json.load(open(os.path.join(out, "report.json")))["time_s"]
    return {"write_fields": t["write_fields"], "picture": t.get("picture", 0.0), "wall": wall,
            "folder_MB": folder_mb(out)}


def main():
    a = case_parser(__doc__, 5).parse_args()
    exe = os.path.join(a.build, "lightbody")
    rows = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.repeat):
            for zlib in (False, True):
                r = run(exe, a.case, os.path.join(tmp, f"r{i}{int(zlib)}"), zlib, "fields")
                rows[zlib].append(r)
                print(f"{'zlib (peer)' if zlib else 'LZ4        '}: write_fields "
                      f"{r['write_fields']:.2f} s, wall {r['wall']:.2f} s, "
                      f"{r['folder_MB']:.1f} MB", flush=True)
        full = {z: run(exe, a.case, os.path.join(tmp, f"full{int(z)}"), z, "full")
                for z in (False, True)}
    med = statistics.median
    print(f"\n{os.path.relpath(a.case, ROOT)}, --output fields, {os.cpu_count()} cores, "
          f"medians of {a.repeat} alternating runs")
    print("| | LZ4 | zlib level 1 (peer) | ratio |")
    print("|---|---|---|---|")
    for k, unit in (("write_fields", "s"), ("wall", "s"), ("folder_MB", "MB")):
        x, y = med(r[k] for r in rows[False]), med(r[k] for r in rows[True])
        print(f"| {k} ({unit}) | {x:.2f} | {y:.2f} | {x / y:.2f} |")
    print("\n--output full, single runs: write_fields / picture (s)")
    for z in (False, True):
        print(f"  {'zlib (peer)' if z else 'LZ4':11s}: {full[z]['write_fields']:.2f} / "
              f"{full[z]['picture']:.2f}")


if __name__ == "__main__":
    main()
