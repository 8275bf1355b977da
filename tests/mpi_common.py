"""What the MPI tests share: their arguments, a fresh output folder, the environment for Open MPI
(root allowed, more processes than cores allowed) and the failures collected."""
import os
import shutil
import subprocess
import sys

mpirun, program, case, out = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
failures = []

# A machine where MPI itself cannot start two processes (a container without shared memory or
# network) skips the test (ctest's SKIP_RETURN_CODE 77) rather than fail it: lightbody's part is
# what the tests check, not the machine's MPI.
_probe = subprocess.run([mpirun, "-np", "2", "true"], env=env, capture_output=True, text=True,
                        timeout=120)
if _probe.returncode != 0:
    print("SKIPPED: mpirun -np 2 cannot start processes here (exit %d):\n%s%s" %
          (_probe.returncode, _probe.stdout, _probe.stderr))
    sys.exit(77)
# Rank 0 alone answers: two answers would be two processes that did not join one MPI world.
_probe = subprocess.run([mpirun, "-np", "2", program, "--version"], env=env, capture_output=True,
                        text=True, timeout=120)
if _probe.returncode != 0 or _probe.stdout.count("lightbody") != 1:
    sys.exit("FAILED: mpirun -np 2 lightbody --version: exit %d\n%s%s" %
             (_probe.returncode, _probe.stdout, _probe.stderr))


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def finish():
    sys.exit(1 if failures else 0)
