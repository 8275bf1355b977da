"""`lightbody run` under mpirun (issue 16): the factorisations shared by the processes (MUMPS
through PETSc) give the single-process results: displacements to 1e-8 relative (the largest
displacement and the probes' displacements against the largest), the reported maxima, reactions
and buckling factors to 1e-6, the same verdict, for N = 1, 2 and 4 processes (more processes than
cores: Open MPI's oversubscription). The case has three support sets, one with a buckling
analysis, and natural frequencies: the eigen solver runs on the shared factor in the stiffness's
inner product (no triangular halves), one process on CHOLMOD's halves.

Since every process runs the pipeline (each builds the model and assembles its share of the
elements, the rows sent to the processes that own them), a second case covers what the shares must
add up to: tied parts of different meshes (the condensed assembly), straight fibres, a prescribed
displacement (the right-hand side's share), springs and a bedding (rank 0's share).

The tied case is a cantilevered thin wall, ill-conditioned: MUMPS and CHOLMOD differ by the
round-off the condition number amplifies, 1.1e-8 of the largest displacement even with every
element on one process (the same matrix, measured 2026-12-03), so it is compared to 5e-8.

usage: python3 mpi_run.py MPIRUN LIGHTBODY CASE OUT_DIR [N,N,... [TOLERANCE]]
       (default 1,2,4 and 1e-8)
"""
import sys
import os

from mpi_common import check, compare, finish, out, run




rc, _, one = run(0, "one")
check(rc in (0, 6) and one is not None, "the single-process run: exit %d" % rc)
counts = [int(n) for n in sys.argv[5].split(",")] if len(sys.argv) > 5 else [1, 2, 4]
tolerance = float(sys.argv[6]) if len(sys.argv) > 6 else 1e-8
for n in counts:
    rc, text, many = run(n, "np%d" % n)
    check(rc in (0, 6) and many is not None, "mpirun -np %d: exit %d\n%s" % (n, rc, text))
    if many is None or one is None:
        continue
    if n > 1:
        check("MUMPS over %d processes" % n in text, "-np %d: the factor is shared:\n%s" % (n, text))
    solver = (many["factorisation"]["solver"], many["factorisation"]["processes"])
    check(solver == (("MUMPS", n) if n > 1 else ("CHOLMOD", 1)),
          "-np %d: report.json names the solver: %r" % (n, solver))
    with open(os.path.join(out, "np%d" % n, "report.md")) as f:
        note = f.read()
    check(("MUMPS over %d MPI processes" % n if n > 1 else "sparse direct (CHOLMOD)") in note,
          "-np %d: report.md names the solver" % n)
    compare(one, many, "-np %d" % n, tolerance, 3)

finish()
