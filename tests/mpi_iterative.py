"""The iterative solver (issue 16: conjugate gradients with PETSc's algebraic multigrid given the
rigid-body modes) from the command line, in one process (--solver iterative) and with its rows
spread over two processes (mpirun -np 2), against the direct solver in one process: the largest
displacement and the probes' displacements to 1e-7 of the largest (the solves stop at a relative
residual of 1e-9), the reported maxima and reactions to 1e-6, buckling factors and natural
frequencies to 1e-6, the same verdict; report.json and report.md name the solver and its iterations.
Under mpirun every process assembles its band of cells into the solver's matrix (no process holds
the whole matrix) and computes the stresses of its band. The same where the iterative solver is
taken because the shared factor would not fit (--solver auto under --max-memory). Under mpirun
LOBPCG's blocks are held by rows on every process (the log says so), its pairs those of one
process.

With the argument `shares N,N,...` only the runs with --solver iterative under mpirun -np N: for
a case whose shares must add up to the matrix (tied parts, straight
fibres, a prescribed displacement, springs and a bedding: tests/data/mpi_tied.yaml). Each N is
also run with the matrix assembled whole by rank 0 (LIGHTBODY_SPREAD_ITERATIVE=0, the same
PETSc solver on the same rows): the two agree to 1e-8 of the largest displacement and the
reaction sums to 1e-7 of the largest applied load, where against the direct solver the reaction
sums are held to 1e-5 (this cantilevered thin wall's conjugate gradients, stopped at a relative
residual of 1e-9, leave an equilibrium error of 3e-6 under PETSc's additive Schwarz over two
processes, with the matrix from rank 0 as from the shares; 3e-7 in one process; measured
2026-12-05). Over N processes the solves take at most 1.25 times one process's iterations (the
smoother's subdomains overlap across the processes' rows).

usage: python3 mpi_iterative.py MPIRUN LIGHTBODY CASE OUT_DIR [shares N,N,...]
"""
import csv
import json
import os
import subprocess
import sys

from mpi_common import check, close, compare, env, finish, mpirun, out, program, run


shares_only = len(sys.argv) > 6 and sys.argv[5] == "shares"
counts = [int(n) for n in sys.argv[6].split(",")] if shares_only else [2]

rc, text, direct = run(0, "direct", ["--solver", "direct", "--output", "summary"])
check(rc in (0, 6) and direct is not None, "the direct run: exit %d\n%s" % (rc, text))
if shares_only:
    # (the iterations in one process, against which those over processes are held below)
    rc, text, single = run(0, "iterative0", ["--solver", "iterative", "--output", "summary"])
    check(rc in (0, 6) and single is not None, "one process, iterative: exit %d\n%s" % (rc, text))
modes = len(direct["modal"]["frequencies_Hz"]) if direct else 0
for n in ([] if shares_only else [0]) + counts:
    label = "one process" if n == 0 else "mpirun -np %d" % n
    rc, text, it = run(n, "iterative%d" % n, ["--solver", "iterative", "--output", "summary"])
    check(rc in (0, 6) and it is not None, "%s: exit %d\n%s" % (label, rc, text))
    if it is None or direct is None:
        continue
    check("conjugate gradients with algebraic multigrid" in text, label + ": the log names it")
    if not shares_only:
        # (what its eigen analyses will cost, said where the solver takes each set: the buckling
        # set's one analysis of 1 mode, the vibration's of 2 modes, LOBPCG's with the
        # multigrid; their log lines name it)
        check("the eigen analysis here (up to 1 mode) run as LOBPCG preconditioned by the "
              "multigrid" in text and "the eigen analysis here (up to 2 modes)" in text,
              label + ": the note on the eigen analyses' cost:\n" + text)
        check("load factors 11.34 (geometric stiffness" in text and
              "applications of the preconditioner)" in text and
              "Hz (0 rigid-body modes, LOBPCG" in text,
              label + ": the eigen analyses by LOBPCG:\n" + text)
        # (under mpirun each process holds its rows of LOBPCG's blocks: both analyses say so)
        rows = "LOBPCG (its blocks by rows over %d processes), " % n
        check(text.count(rows) == (2 if n > 0 else 0),
              label + ": LOBPCG's blocks by rows over the processes:\n" + text)
    check(it["factorisation"]["solver"] == "CG+GAMG" and
          it["factorisation"]["processes"] == max(n, 1),
          label + ": report.json names the solver: %r" % it["factorisation"])
    iterative = it["iterative"]
    check(iterative is not None and 0 < iterative["iterations_max"] < 400 and
          iterative["relative_residual_max"] <= 1e-9,
          label + ": iterations and residual: %r" % iterative)
    # (the smoother solves subdomains of 10 000 DoFs: in one process, and under mpirun within
    # each process's block of rows)
    check(iterative is not None and iterative["subdomain_dofs"] == 10000,
          label + ": the smoother's subdomains: %r" % iterative)
    with open(os.path.join(out, "iterative%d" % n, "report.md")) as f:
        check("conjugate gradients with algebraic multigrid" in f.read(),
              label + ": report.md names the solver")
    compare(direct, it, label, 1e-7, modes, 1e-5 if shares_only else 1e-6)
    if n > 1 and shares_only and single is not None:
        # The smoother's subdomains overlap into other processes' rows as in one process, so
        # the processes take about one process's iterations: tests/data/mpi_tied.yaml 69 in all
        # over two processes as in one; each process's rows a block of their own (block Jacobi,
        # PETSC_OPTIONS="-mg_levels_pc_type bjacobi -mg_levels_sub_pc_type
        # lightbody_subdomains") took 114 (2026-12-06).
        many, one = iterative["iterations_total"], single["iterative"]["iterations_total"]
        check(many <= 1.25 * one, "%s: %d iterations in all against %d in one process" %
              (label, many, one))
    if n > 1 and shares_only:
        rc, text0, whole = run(n, "whole%d" % n, ["--solver", "iterative", "--output", "summary"],
                               {"LIGHTBODY_SPREAD_ITERATIVE": "0"})
        check(rc in (0, 6) and whole is not None and
              "the iterative solver's matrix from the" not in text0,
              "%s, the matrix whole on rank 0: exit %d\n%s" % (label, rc, text0))
        if whole is not None:
            compare(whole, it, label + ", the shares against the whole matrix", 1e-8, modes,
                    1e-7)
    if n > 1:
        # (every process assembles its band of cells into the solver's matrix, so that none
        # holds the whole matrix, and computes the stresses of its band)
        check("the iterative solver's matrix from the %d processes' shares" % n in text and
              "the stresses computed by the %d processes, each its band of cells" % n in text,
              label + ": the matrix and the stresses from the processes' bands:\n" + text)

if shares_only:
    finish()

plate = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "verification",
                     "clamped_plate.yaml")

# The iterative solver taken where the shared factor would not fit (--solver auto, the run's
# memory already above --max-memory): the processes assemble their shares again for it, and
# compute the stresses of their bands from rank 0's displacements.
rc, text, auto = run(2, "auto2", ["--max-memory", "0.1GB", "--output", "summary"])
check(rc in (0, 6) and auto is not None, "mpirun -np 2 --max-memory 0.1GB: exit %d\n%s" %
      (rc, text))
if auto is not None and direct is not None:
    check("instead of the direct solver" in text and
          "the iterative solver's matrix from the 2 processes' shares" in text and
          "the stresses computed by the 2 processes, each its band of cells" in text,
          "mpirun -np 2 --max-memory 0.1GB: the iterative solver taken, the stresses spread:\n" +
          text)
    compare(direct, auto, "mpirun -np 2, the iterative solver taken", 1e-7, modes)

# Without eigen analyses, no note on their cost.
folder = os.path.join(out, "plain")
p = subprocess.run([program, "run", plate, "--out", folder, "--solver", "iterative"], cwd=out,
                   env=env, capture_output=True, text=True, timeout=600)
check(p.returncode in (0, 6) and "conjugate gradients with algebraic multigrid" in p.stderr and
      "run as LOBPCG" not in p.stderr,
      "a case without eigen analyses: exit %d, no note on their cost:\n%s" %
      (p.returncode, p.stderr))

# A free body's vibration (modal.supports: none) with the iterative solver, in one process and
# under mpirun -np 2: its six rigid-body modes (known from the nodes' coordinates) found by
# Rayleigh-Ritz on their span and deflated from LOBPCG's pencil, the elastic frequencies the
# direct solver's to 1e-6. Before, K + s M some 1e10 times as stiff in the plate's elastic modes as
# in its rigid ones, the products' round-off scattered the rigid rotations' Ritz values and the
# analysis ended NOT CONVERGED (the Lanczos process on the solver's solves too: 8001 products).
free_options = ["--set", "modal.supports=none", "--set", "modal.modes=8", "--output", "summary"]
rc, text, free_direct = run(0, "free_direct", ["--solver", "direct"] + free_options)
check(rc in (0, 6) and free_direct is not None and free_direct["modal"]["rigid_body_modes"] == 6,
      "a free body's vibration with the direct solver: exit %d\n%s" % (rc, text))
for n in (0, 2):
    label = "a free body's vibration with the iterative solver, " + (
        "one process" if n == 0 else "mpirun -np %d" % n)
    rc, text, free = run(n, "free%d" % n, ["--solver", "iterative"] + free_options)
    check(rc in (0, 6) and free is not None, "%s: exit %d\n%s" % (label, rc, text))
    if free is None or free_direct is None:
        continue
    modal = free["modal"]
    check(modal["converged"] is True and modal["eigen_solver"]["method"] == "LOBPCG" and
          modal["rigid_body_modes"] == 6 and "NOT CONVERGED" not in text and
          ("LOBPCG (its blocks by rows over 2 processes)" in text) == (n == 2),
          "%s: converged, six rigid-body modes: %r\n%s" %
          (label, {k: modal[k] for k in ("converged", "rigid_body_modes", "eigen_solver")}, text))
    fa, fb = free_direct["modal"]["frequencies_Hz"], modal["frequencies_Hz"]
    check(len(fb) == 8 and all(f < 0.1 for f in fb[:6]) and
          all(close(y, x, 1e-6, x) for x, y in zip(fa[6:], fb[6:])),
          "%s: frequencies %r against the direct solver's %r" % (label, fb, fa))
    for d in range(3):
        moved = sum(m["effective_mass_kg"][d] for m in modal["modes"][:6])
        total = modal["movable_mass_kg"][d]
        check(close(moved, total, 1e-6, total),
              "%s: the rigid-body modes move the whole mass (%d): %r against %r" %
              (label, d, moved, total))

# A mechanism (a part turning about a node line) is named as with the direct solver: the
# subdomain factors that are nearly singular stay in double precision (in single precision the
# solver diverged and the run said only that it had not converged).
mechanism = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bad_cases",
                         "mechanism_pinned_at_one_node_line.yaml")
p = subprocess.run([program, "run", mechanism, "--out", os.path.join(out, "mechanism"),
                    "--solver", "iterative"], cwd=out, env=env, capture_output=True, text=True,
                   timeout=600)
check(p.returncode == 4 and "mechanism" in p.stderr and 'in part "pinned"' in p.stderr and
      not os.path.exists(os.path.join(out, "mechanism")),
      "the mechanism with the iterative solver: exit %d, named:\n%s" % (p.returncode, p.stderr))

# A sweep under mpirun whose points use the iterative solver: each point's worker starts PETSc (and
# MPI) as a process of its own, not as a copy of its launcher's rank.
sweep = os.path.join(out, "sweep")
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
