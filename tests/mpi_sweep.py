"""A sweep spread over the processes of an MPI launch (issue 16, item 4) against the same sweep
in one process: the same sweep.csv (but the time and reuse columns), points run by every process,
the exit code of a sweep with a failed point (7), every process released when rank 0 stops
early, and a command that does not spread refused with nothing written.

usage: python3 mpi_sweep.py MPIRUN LIGHTBODY CASE OUT_DIR
"""
import csv
import os
import subprocess

from mpi_common import case, check, env, finish, mpirun, out, program
from no_memavailable import WITHOUT_AVAILABLE, available, fake_meminfo


def launch(n, *args, timeout=300):
    command = [mpirun, "-np", str(n), program, *args] if n else [program, *args]
    p = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


# Thicknesses 4, 5, 6 mm solve; -1 mm is refused by the case reader: a failed row.
vary = ["--vary", "parts.plate.thickness=4,5,-1 mm,6,3.5"]
timing = {"ordering_reused", "ordering_s", "structure_reused", "setup_s", "run_time_s"}


def table(folder):
    with open(os.path.join(out, folder, "sweep.csv")) as f:
        rows = list(csv.DictReader(f))
    return [{k: v for k, v in r.items() if k not in timing} for r in rows]


rc1, text1 = launch(0, "sweep", case, *vary, "--jobs", "2", "--out", "one")
check(rc1 == 7, "one process: exit 7 (a failed point), got %d\n%s" % (rc1, text1))
rc2, text2 = launch(2, "sweep", case, *vary, "--out", "two")
check(rc2 == 7, "two processes: exit 7 (a failed point), got %d\n%s" % (rc2, text2))
if rc1 == 7 and rc2 == 7:
    one, two = table("one"), table("two")
    check(len(one) == 5 and one == two, "sweep.csv differs:\n%s\n%s" % (one, two))
    check([r["status"] for r in two] == ["ok", "ok", "failed", "ok", "ok"],
          "statuses %s" % [r["status"] for r in two])
    check("must be positive" in two[2]["error"], "the failed row says why: %s" % two[2]["error"])
    for r in two:
        if r["status"] == "ok":
            check(os.path.isfile(os.path.join(out, "two", r["folder"], "report.json")),
                  "point %s has its report.json" % r["point"])
    # Both processes ran points.
    check("on process 0:" in text2 and "on process 1:" in text2,
          "points ran on both processes:\n" + text2)

# Rank 0 stops before any point (a key no value of which can be read): no process waits on.
rc, text = launch(2, "sweep", case, "--vary", "parts.plate.thicknes=4,5", "--out", "bad",
                  timeout=120)
check(rc == 2 and "--vary parts.plate.thicknes" in text, "unknown key: exit 2, got %d\n%s" % (rc, text))
check(not os.path.exists(os.path.join(out, "bad")), "unknown key: nothing written")

# Commands that do not spread over processes are refused, nothing written.
rc, text = launch(2, "mesh", case, "--out", "mesh", timeout=120)
check(rc == 1 and "only `run` (its model) and `sweep` (its points) spread" in text,
      "mesh under mpirun -np 2: exit 1, got %d\n%s" % (rc, text))
check(not os.path.exists(os.path.join(out, "mesh")), "mesh under mpirun -np 2: nothing written")
rc, text = launch(2, "sweep", case, *vary, "--jobs", "2", "--out", "jobs", timeout=120)
check(rc == 1 and "--jobs: under mpirun" in text, "--jobs under mpirun: exit 1, got %d\n%s" % (rc, text))

# Each machine gives its points its own share of its memory: where rank 0's machine does not say
# what it has available (/proc/meminfo without MemAvailable, bind-mounted here in a mount
# namespace of rank 0's own), rank 1's machine still gives its points 90 % of its available
# memory divided among its processes (two here) as their --max-memory, not all of it. Rank 1
# takes the first point (the idle processes take points before rank 0's worker), a mesh of
# about 12 M elements that its run refuses, naming the limit. (Before, rank 0 gave no share and
# rank 1's point counted the whole machine's memory.)
fake, why_not = fake_meminfo(out)
if why_not is not None:
    print("(not checked: the share of a machine other than rank 0's; no mount namespace here)")
else:
    before = available()
    sweep = ["sweep", case, "--vary", "mesh.size=0.2 mm,100 mm", "--out", "shares"]
    p = subprocess.run([mpirun, "-np", "1", "unshare", "-m", "sh", "-c", WITHOUT_AVAILABLE, fake,
                        program, *sweep, ":", "-np", "1", program, *sweep],
                       cwd=out, env=env, capture_output=True, text=True, timeout=300)
    text = p.stdout + p.stderr
    check(p.returncode == 7, "shares: exit 7 (the large point fails), got %d\n%s" % (p.returncode, text))
    check("each point may use" not in text, "shares: rank 0 gave a share it cannot know\n" + text)
    if p.returncode == 7:
        rows = table("shares")
        check([r["status"] for r in rows] == ["failed", "ok"], "shares: statuses %s" % rows)
        error = rows[0]["error"]
        at = error.find("but only ")
        check(at >= 0 and "may be used" in error, "shares: the large point's error: " + error)
        if at >= 0:
            rest = error[at + 9:]
            limit = float(rest.split()[0]) * (1e9 if rest.split()[1] == "GB" else 1e6)
            share = 0.9 * before / 2
            # (the machine's available memory moves while other tests run)
            check(0.6 * share < limit < 1.4 * share,
                  "shares: rank 1's point may use %.3g GB, its share %.3g GB: %s" %
                  (limit / 1e9, share / 1e9, error))

# One process under mpirun is a plain run.
rc, text = launch(1, "run", case, "--out", "single", "--quiet", timeout=300)
check(rc in (0, 6) and os.path.isfile(os.path.join(out, "single", "report.json")),
      "run under mpirun -np 1: a plain run, got %d\n%s" % (rc, text))

finish()
