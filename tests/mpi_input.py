"""Every process of `mpirun -np N lightbody run` reads the case and builds the model itself (the
SPMD run): on a cluster whose machines do not share the case's folder, a stale copy of the case
on one machine gave that process another model, whose share of the stiffness went into MUMPS's
matrix with the others' (here, the plate 6 mm thick on one process and 5 mm on the other: exit 4,
"the solution does not balance the loads (equilibrium error 4.103 ...): part of the model is a
mechanism", a wrong diagnosis; a difference that keeps the loads balanced would have been a
result of neither model). Now the processes compare what they read (each input file's bytes, the --set values and
lightbody's version) before meshing: where they differ, every process stops with exit 2, naming
the file, and nothing is written. Two processes started in two folders (mpirun's --wdir), each
with its own copy of the case, stand for two machines: copies that differ in the plate's
thickness are refused, equal copies run; different --set values are refused. A sweep's points
on a process whose machine has another copy are failed rows saying so. A result folder that one
process does not see (another machine's local disk) stops a run before meshing; a sweep's
process that does not see the sweep folder gives its points to the others.

usage: python3 mpi_input.py MPIRUN LIGHTBODY CASE OUT_DIR
"""
import csv
import os
import shutil
import subprocess

from mpi_common import case, check, env, finish, mpirun, out, program

for machine in ("a", "b"):
    os.makedirs(os.path.join(out, machine))
    shutil.copy(case, os.path.join(out, machine, "plate.yaml"))


def launch(folder, a_args=(), b_args=()):
    """The run of plate.yaml with rank 0 in a/ and rank 1 in b/, into OUT/folder."""
    result = os.path.join(out, folder)
    command = [mpirun, "-np", "1", "--wdir", os.path.join(out, "a"), program, "run", "plate.yaml",
               "--out", result, *a_args, ":", "-np", "1", "--wdir", os.path.join(out, "b"),
               program, "run", "plate.yaml", "--out", result, *b_args]
    p = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr, result


# The same case in both folders: the run goes on.
rc, text, result = launch("same")
check(rc in (0, 6) and os.path.isfile(os.path.join(result, "report.json")),
      "equal copies of the case: the run goes on, got exit %d\n%s" % (rc, text))

# The copy on "machine" b is another gauge.
with open(os.path.join(out, "b", "plate.yaml")) as f:
    text_b = f.read()
with open(os.path.join(out, "b", "plate.yaml"), "w") as f:
    f.write(text_b.replace("thickness: 5 mm", "thickness: 6 mm"))
rc, text, result = launch("differ")
check(rc == 2 and "plate.yaml: this file differs between the processes of the launch" in text,
      "copies that differ: exit 2 naming the file, got %d\n%s" % (rc, text))
check(not os.path.exists(result), "copies that differ: nothing written")

# The same files, other --set values.
shutil.copy(case, os.path.join(out, "b", "plate.yaml"))
rc, text, result = launch("overrides", ["--set", "parts.plate.thickness=6mm"])
check(rc == 2 and "were given different --set values" in text,
      "different --set values: exit 2, got %d\n%s" % (rc, text))
check(not os.path.exists(result), "different --set values: nothing written")

# A sweep under mpirun: each process's points read the case where rank 0 read it (its absolute
# path), on that process's machine. Process 1 here sees another copy at that path (bind-mounted
# in a mount namespace of its own, as another machine's disk would hold it): its points are rows
# that say so, not rows of another case; process 0's run. Process 1 takes the first point.
probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
if probe.returncode != 0:
    print("(not checked: a sweep's processes with other copies; no mount namespace here)")
else:
    case_a = os.path.join(out, "a", "plate.yaml")
    with open(os.path.join(out, "b", "plate.yaml"), "w") as f:
        f.write(text_b.replace("value: 0.01 MPa", "value: 0.02 MPa"))
    sweep = ["sweep", case_a, "--vary", "parts.plate.thickness=4,5", "--out",
             os.path.join(out, "sweep")]
    p = subprocess.run([mpirun, "-np", "1", program, *sweep, ":", "-np", "1", "unshare", "-m",
                        "sh", "-c", 'mount --bind "$0" "$1" && shift && exec "$@"',
                        os.path.join(out, "b", "plate.yaml"), case_a, program, *sweep],
                       env=env, capture_output=True, text=True, timeout=300)
    text = p.stdout + p.stderr
    check(p.returncode == 7, "sweep with another copy: exit 7, got %d\n%s" % (p.returncode, text))
    if p.returncode == 7:
        with open(os.path.join(out, "sweep", "sweep.csv")) as f:
            rows = list(csv.DictReader(f))
        check([r["status"] for r in rows] == ["failed", "ok"] and
              "plate.yaml: this file differs between the processes of the launch (process 1's"
              in rows[0]["error"], "sweep with another copy: rows %s" % rows)

    # A result folder that is not on a file system the processes share: process 1 sees an empty
    # folder of its own (a tmpfs mounted in its namespace, as another machine's local disk) where
    # rank 0 writes. Each process writes its pieces of the .vtu files into the result folder:
    # before 2026-12-06 the run solved and failed at its end (exit 5, "another process could not
    # write its piece"); now every process stops before meshing, exit 1, nothing written, the
    # probe rank 0 made removed.
    local = os.path.join(out, "local")
    os.makedirs(local)
    target = os.path.join(local, "result")
    run = [program, "run", os.path.join(out, "a", "plate.yaml"), "--out", target]
    p = subprocess.run([mpirun, "-np", "1", *run, ":", "-np", "1", "unshare", "-m", "sh", "-c",
                        'mount -t tmpfs none "$0" && exec "$@"', local, *run],
                       env=env, capture_output=True, text=True, timeout=300)
    text = p.stdout + p.stderr
    check(p.returncode == 1 and "must be on a file system all processes of the launch share"
          in text and "solve" not in text.replace("solver", ""),
          "result folder not shared: exit 1 before the solve, got %d\n%s" % (p.returncode, text))
    check(os.listdir(local) == [], "result folder not shared: left %s" % os.listdir(local))
    # (--output summary: rank 0 alone writes, the run goes on)
    p = subprocess.run([mpirun, "-np", "1", *run, "--output", "summary", ":", "-np", "1",
                        "unshare", "-m", "sh", "-c", 'mount -t tmpfs none "$0" && exec "$@"',
                        local, *run, "--output", "summary"],
                       env=env, capture_output=True, text=True, timeout=300)
    check(p.returncode in (0, 6) and os.path.isfile(os.path.join(target, "report.json")),
          "result folder not shared, --output summary: the run goes on, got exit %d\n%s" %
          (p.returncode, p.stdout + p.stderr))

    # A sweep whose folder process 1 does not see: before 2026-12-06 its points were failed rows
    # ("exit code 5", their logs lost on its machine); now it takes no more points and gives the
    # point back, which process 0 runs: every row ok.
    shared = os.path.join(out, "local_sweep")
    os.makedirs(shared)
    sweep = [program, "sweep", os.path.join(out, "a", "plate.yaml"), "--vary",
             "parts.plate.thickness=4,5,6", "--out", os.path.join(shared, "study")]
    p = subprocess.run([mpirun, "-np", "1", *sweep, ":", "-np", "1", "unshare", "-m", "sh", "-c",
                        'mount -t tmpfs none "$0" && exec "$@"', shared, *sweep],
                       env=env, capture_output=True, text=True, timeout=300)
    text = p.stdout + p.stderr
    rows = []
    if os.path.isfile(os.path.join(shared, "study", "sweep.csv")):
        with open(os.path.join(shared, "study", "sweep.csv")) as f:
            rows = list(csv.DictReader(f))
    check(p.returncode == 0 and [r["status"] for r in rows] == ["ok", "ok", "ok"] and
          "process 1 does not see the sweep folder" in text,
          "sweep folder not shared: every point run by process 0, got exit %d, rows %s\n%s" %
          (p.returncode, rows, text))

finish()
