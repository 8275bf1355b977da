"""`lightbody run` under mpirun (issue 16): the factorisations shared by the processes (MUMPS
through PETSc) give the single-process results: displacements to 1e-8 relative (the largest
displacement and the probes' displacements against the largest), the reported maxima, reactions
and buckling factors to 1e-6, the same verdict, for N = 1, 2 and 4 processes (more processes than
cores: Open MPI's oversubscription). The case has three support sets, one with a buckling
analysis, and natural frequencies: the eigen solver runs on the shared factor in the stiffness's
inner product (no triangular halves), one process on CHOLMOD's halves.

usage: python3 mpi_run.py MPIRUN LIGHTBODY CASE OUT_DIR
"""
import json
import os
import subprocess

from mpi_common import case, check, env, finish, mpirun, out, program


def run(n, folder):
    command = ([mpirun, "-np", str(n)] if n else []) + [program, "run", case, "--out", folder]
    p = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, timeout=600)
    report = None
    if p.returncode in (0, 6):
        with open(os.path.join(out, folder, "report.json")) as f:
            report = json.load(f)
    return p.returncode, p.stderr, report


def close(a, b, tolerance, scale):
    return abs(a - b) <= tolerance * scale


rc, _, one = run(0, "one")
check(rc in (0, 6) and one is not None, "the single-process run: exit %d" % rc)
for n in (1, 2, 4):
    rc, text, many = run(n, "np%d" % n)
    check(rc in (0, 6) and many is not None, "mpirun -np %d: exit %d\n%s" % (n, rc, text))
    if many is None or one is None:
        continue
    if n > 1:
        check("MUMPS over %d processes" % n in text, "-np %d: the factor is shared:\n%s" % (n, text))
    check(many["verdict"]["status"] == one["verdict"]["status"], "-np %d: the verdict" % n)
    solver = (many["factorisation"]["solver"], many["factorisation"]["processes"])
    check(solver == (("MUMPS", n) if n > 1 else ("CHOLMOD", 1)),
          "-np %d: report.json names the solver: %r" % (n, solver))
    with open(os.path.join(out, "np%d" % n, "report.md")) as f:
        note = f.read()
    check(("MUMPS over %d MPI processes" % n if n > 1 else "sparse direct (CHOLMOD)") in note,
          "-np %d: report.md names the solver" % n)
    for a, b in zip(one["load_cases"], many["load_cases"]):
        name = "-np %d, %s: " % (n, a["name"])
        u = a["max_displacement_mm"]
        check(close(b["max_displacement_mm"], u, 1e-8, u),
              name + "largest displacement %r against %r" % (b["max_displacement_mm"], u))
        for probe, value in a["probes"].items():
            for x, y in zip(value["displacement_mm"], b["probes"][probe]["displacement_mm"]):
                check(close(y, x, 1e-8, u), name + "probe %s displacement %r against %r" % (probe, y, x))
        s = a["max_von_mises_MPa"]["value"]
        check(close(b["max_von_mises_MPa"]["value"], s, 1e-6, s), name + "largest von Mises")
        applied = max(abs(v) for v in a["applied_sum_N"])
        for x, y in zip(a["reaction_sum_N"], b["reaction_sum_N"]):
            check(close(y, x, 1e-6, applied), name + "reaction sum %r against %r" % (y, x))
        if isinstance(a.get("buckling"), dict):
            fa, fb = a["buckling"]["load_factors"], b["buckling"]["load_factors"]
            check(len(fa) == len(fb) and len(fa) > 0 and
                  all(close(y, x, 1e-6, x) for x, y in zip(fa, fb)),
                  name + "buckling factors %r against %r" % (fb, fa))
    fa, fb = one["modal"]["frequencies_Hz"], many["modal"]["frequencies_Hz"]
    check(len(fa) == 3 and len(fb) == 3 and all(close(y, x, 1e-6, x) for x, y in zip(fa, fb)),
          "-np %d: natural frequencies %r against %r" % (n, fb, fa))
    ma = [m["effective_mass_kg"][2] for m in one["modal"]["modes"]]
    mb = [m["effective_mass_kg"][2] for m in many["modal"]["modes"]]
    total = sum(ma) + 1e-30
    check(all(close(y, x, 1e-6, total) for x, y in zip(ma, mb)),
          "-np %d: effective masses %r against %r" % (n, mb, ma))

finish()
