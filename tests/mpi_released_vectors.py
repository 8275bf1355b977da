"""What the processes of the SPMD run hold after the solve, under `mpirun -np 1, 2, 3` with the
direct solver and `-np 2` with the iterative one: tests/mpi_released_vectors.cc (its comment says
what it checks) on the case, each launch exiting 0 when its checks hold, within a time limit.

usage: python3 mpi_released_vectors.py MPIRUN LIGHTBODY CASE OUT_DIR PROGRAM
"""
import os
import signal
import subprocess
import sys

from mpi_common import case, check, env, finish, mpirun

program = sys.argv[5]
for n, solver in ((1, "direct"), (2, "direct"), (3, "direct"), (2, "iterative")):
    p = subprocess.Popen([mpirun, "-np", str(n), program, case, solver], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        text, _ = p.communicate(timeout=120)
        print(text)
        check(p.returncode == 0, "-np %d %s: exit %d" % (n, solver, p.returncode))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        check(False, "-np %d %s: still running after 120 s" % (n, solver))
finish()
