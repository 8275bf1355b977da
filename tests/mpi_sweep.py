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

# One process under mpirun is a plain run.
rc, text = launch(1, "run", case, "--out", "single", "--quiet", timeout=300)
check(rc in (0, 6) and os.path.isfile(os.path.join(out, "single", "report.json")),
      "run under mpirun -np 1: a plain run, got %d\n%s" % (rc, text))

finish()
