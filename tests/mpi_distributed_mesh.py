"""The model's mesh spread over the processes (solver/distributed_mesh.h) under `mpirun -np 1, 2,
3`: tests/mpi_distributed_mesh.cc (its comment says what it checks) on the case, each launch
exiting 0 when its checks hold, within a time limit.

usage: python3 mpi_distributed_mesh.py MPIRUN LIGHTBODY CASE OUT_DIR PROGRAM [KEY=VALUE ...]
"""
import os
import signal
import subprocess
import sys

from mpi_common import case, check, env, finish, mpirun

program, overrides = sys.argv[5], sys.argv[6:]
for n in (1, 2, 3):
    p = subprocess.Popen([mpirun, "-np", str(n), program, case] + overrides, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        text, _ = p.communicate(timeout=120)
        print(text)
        check(p.returncode == 0, "-np %d: exit %d" % (n, p.returncode))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        check(False, "-np %d: still running after 120 s" % n)
finish()
