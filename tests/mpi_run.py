"""`lightbody run` under mpirun (issue 16): the factorisations shared by the processes (MUMPS
through PETSc) give the single-process results: displacements to 1e-8 relative (the largest
displacement and the probes' displacements against the largest), the reported maxima, reactions
and buckling factors to 1e-6, the same verdict, for N = 1, 2 and 4 processes (more processes than
cores: Open MPI's oversubscription). The case has three support sets, one with a buckling
analysis, and natural frequencies: the eigen solver runs on the shared factor in the stiffness's
inner product (no triangular halves), one process on CHOLMOD's halves.

usage: python3 mpi_run.py MPIRUN LIGHTBODY CASE OUT_DIR
"""
import os

from mpi_common import check, compare, finish, out, run




rc, _, one = run(0, "one")
check(rc in (0, 6) and one is not None, "the single-process run: exit %d" % rc)
for n in (1, 2, 4):
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
    compare(one, many, "-np %d" % n, 1e-8, 3)

finish()
