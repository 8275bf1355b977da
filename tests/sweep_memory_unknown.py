"""A sweep on a machine that does not say how much memory it has available (/proc/meminfo
without MemAvailable, as in kernels before 3.14 and some containers): each point then checks
against what it finds, as a run does, and the points run; a run says that the memory available
is not known. (A sweep gives each point its share of
the available memory as its --max-memory; with none known it passed an absurd limit that every
point refused: "--max-memory needs a size in GB such as 8 or 0.5GB, not "4.5e+290"".) The
meminfo without that line is bind-mounted in a mount namespace of the test's own (`unshare -m`,
root); where that is not allowed the test is skipped (exit 77).

usage: python3 sweep_memory_unknown.py LIGHTBODY CASE OUT_DIR
"""
import csv
import os
import shutil
import subprocess
import sys

from no_memavailable import fake_meminfo

program, case, out = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
fake, why_not = fake_meminfo(out)
if why_not is not None:
    print("SKIPPED: no mount namespace here (unshare -m, mount --bind): %s" % why_not)
    sys.exit(77)

folder = os.path.join(out, "sweep")
script = ('mount --bind "$0" /proc/meminfo && ! grep -q MemAvailable /proc/meminfo && '
          'exec "$1" sweep "$2" --vary parts.plate.thickness=4,5 --jobs 2 --out "$3"')
p = subprocess.run(["unshare", "-m", "sh", "-c", script, fake, program, case, folder],
                   capture_output=True, text=True, timeout=300)
failures = []
if p.returncode != 0:
    failures.append("the sweep ended with exit %d:\n%s" % (p.returncode, p.stderr))
else:
    with open(os.path.join(folder, "sweep.csv")) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != 2 or any(r["status"] != "ok" for r in rows):
        failures.append("points failed: %s" % [(r["status"], r["error"]) for r in rows])
    if "each point may use" in p.stderr:
        failures.append("a share was given without knowing the memory:\n" + p.stderr)
# A run says so rather than an absurd amount.
run = subprocess.run(["unshare", "-m", "sh", "-c",
                      'mount --bind "$0" /proc/meminfo && exec "$1" run "$2" --out "$3"', fake,
                      program, case, os.path.join(out, "run")],
                     capture_output=True, text=True, timeout=300)
if run.returncode not in (0, 3) or "the memory available unknown" not in run.stderr:
    failures.append("a run where the memory is not known: exit %d\n%s" % (run.returncode,
                                                                          run.stderr))
for f in failures:
    print("FAILED:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
