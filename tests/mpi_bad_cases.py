"""The broken models of tests/bad_cases (those refused with exit 4: a mechanism, a free body,
parts crossing, loads beyond what the arithmetic holds, a thin wall far outside a linear
analysis, ...) are refused the same way under `mpirun -np 2` and by the iterative solver: the same
exit code and message as one process with the direct solver (the case file's first line,
"# expect: CODE MESSAGE"), nothing written, no process left waiting for another (each run has a
time limit). Before 2026-12-06 the iterative solver stopped a load of 1e300 MPa at once with
"did not converge in 0 iterations (relative residual -nan)" (its norms overflowed) where the
direct solver's results were refused as "the stresses are not finite"; it now solves for the
load divided by its largest value.

Under mpirun the iterative solver's smoother takes other subdomains (each process's rows), a
different preconditioner: on the plate of 0.5 mm moving 300 gauges its conjugate gradients
diverge, and the refusal names the iterative solver and the direct one; that refusal is also
accepted there.

usage: python3 mpi_bad_cases.py MPIRUN LIGHTBODY BAD_CASES_DIR OUT_DIR
"""
import glob
import os
import re
import subprocess

from mpi_common import case as folder, check, env, finish, mpirun, out, program

cases = []
for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
    with open(path, errors="replace") as f:
        m = re.match(r"^# expect: ([0-9]+) (.*)$", f.readline().rstrip("\n"))
    if m and m.group(1) == "4":
        cases.append((path, m.group(2)))
check(len(cases) >= 10, "the broken models of %s: %d found" % (folder, len(cases)))

for path, message in cases:
    name = os.path.basename(path)[:-len(".yaml")]
    for label, launch, extra in (("mpirun -np 2", [mpirun, "-np", "2"], []),
                                 ("iterative", [], ["--solver", "iterative"]),
                                 ("mpirun -np 2, iterative", [mpirun, "-np", "2"],
                                  ["--solver", "iterative"])):
        result = os.path.join(out, name + "." + label.replace(" ", "_").replace(",", ""))
        try:
            p = subprocess.run(launch + [program, "run", path, "--out", result, "--quiet"] + extra,
                               env=env, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            check(False, "%s (%s): still running after 300 s" % (name, label))
            continue
        said = message in p.stderr or (
            label.startswith("mpirun") and "iterative" in label and
            "the iterative solver" in p.stderr and "use the direct solver" in p.stderr)
        check(p.returncode == 4 and said,
              "%s (%s): exit 4 and \"%s\" expected, got exit %d:\n%s" %
              (name, label, message, p.returncode, p.stderr[-1500:]))
        check(not os.path.exists(result), "%s (%s): a refused run wrote %s" % (name, label, result))
finish()
