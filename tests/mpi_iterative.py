"""The iterative solver (issue 16: conjugate gradients with PETSc's algebraic multigrid given the
rigid-body modes) from the command line, in one process (--solver iterative) and with its rows
spread over two processes (mpirun -np 2), against the direct solver in one process: the largest
displacement and the probes' displacements to 1e-7 of the largest (the solves stop at a relative
residual of 1e-9), the reported maxima and reactions to 1e-6, buckling factors and natural
frequencies to 1e-6, the same verdict; report.json and report.md name the solver and its iterations.
The same where the iterative solver is taken because the shared factor would not fit (--solver
auto under --max-memory), the processes then computing the stresses of their bands of cells from
rank 0's displacements.

usage: python3 mpi_iterative.py MPIRUN LIGHTBODY CASE OUT_DIR
"""
import csv
import os
import subprocess

from mpi_common import check, compare, env, finish, mpirun, out, program, run




rc, text, direct = run(0, "direct", ["--solver", "direct", "--output", "summary"])
check(rc in (0, 6) and direct is not None, "the direct run: exit %d\n%s" % (rc, text))
for n in (0, 2):
    label = "one process" if n == 0 else "mpirun -np %d" % n
    rc, text, it = run(n, "iterative%d" % n, ["--solver", "iterative", "--output", "summary"])
    check(rc in (0, 6) and it is not None, "%s: exit %d\n%s" % (label, rc, text))
    if it is None or direct is None:
        continue
    check("conjugate gradients with algebraic multigrid" in text, label + ": the log names it")
    check(it["factorisation"]["solver"] == "CG+GAMG" and
          it["factorisation"]["processes"] == max(n, 1),
          label + ": report.json names the solver: %r" % it["factorisation"])
    iterative = it["iterative"]
    check(iterative is not None and 0 < iterative["iterations_max"] < 400 and
          iterative["relative_residual_max"] <= 1e-9,
          label + ": iterations and residual: %r" % iterative)
    with open(os.path.join(out, "iterative%d" % n, "report.md")) as f:
        check("conjugate gradients with algebraic multigrid" in f.read(),
              label + ": report.md names the solver")
    compare(direct, it, label, 1e-7, 2)
    # (--solver iterative: the other processes leave before the DoFs are built; rank 0 computes
    # the stresses of every cell)
    check("each its band of cells" not in text, label + ": the stresses on rank 0 alone")

# The iterative solver taken where the shared factor would not fit (--solver auto, the run's
# memory already above --max-memory): the other processes leave the solver after building the
# DoFs and loads, and compute the stresses of their bands from rank 0's displacements.
rc, text, auto = run(2, "auto2", ["--max-memory", "0.1GB", "--output", "summary"])
check(rc in (0, 6) and auto is not None, "mpirun -np 2 --max-memory 0.1GB: exit %d\n%s" %
      (rc, text))
if auto is not None and direct is not None:
    check("instead of the direct solver" in text and
          "the stresses computed by the 2 processes, each its band of cells" in text,
          "mpirun -np 2 --max-memory 0.1GB: the iterative solver taken, the stresses spread:\n" +
          text)
    compare(direct, auto, "mpirun -np 2, the iterative solver taken", 1e-7, 2)

# A sweep under mpirun whose points use the iterative solver: each point's worker starts PETSc (and
# MPI) as a process of its own, not as a copy of its launcher's rank.
sweep = os.path.join(out, "sweep")
plate = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "verification",
                     "clamped_plate.yaml")
p = subprocess.run([mpirun, "-np", "2", program, "sweep", plate, "--out", sweep, "--solver",
                    "iterative", "--vary", "parts.plate.thickness=5,6", "--quiet"],
                   cwd=out, env=env, capture_output=True, text=True, timeout=600)
check(p.returncode in (0, 6), "mpirun -np 2 sweep --solver iterative: exit %d\n%s" %
      (p.returncode, p.stderr))
if p.returncode in (0, 6):
    with open(os.path.join(sweep, "sweep.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 2 and all(r["status"] == "ok" for r in rows),
          "the sweep's points: %r" % [(r["status"], r["error"]) for r in rows])

finish()
