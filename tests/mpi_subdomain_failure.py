"""The iterative solver's set-up under `mpirun -np 2` when one process's subdomain cannot be
factorised: tests/mpi_subdomain_failure.cc (its comment says what it checks) run on two
processes, each exiting 0 when its checks hold; a time limit catches a process left waiting in a
collective call for the one that failed (without the failure's reduction over the processes
this test ran into the limit: measured 2026-12-06), and stops the launch's processes.

usage: python3 mpi_subdomain_failure.py MPIRUN LIGHTBODY CASE OUT_DIR PROGRAM
"""
import os
import signal
import subprocess
import sys

from mpi_common import check, env, finish, mpirun

program = sys.argv[5]
p = subprocess.Popen([mpirun, "-np", "2", program], env=env, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
try:
    text, _ = p.communicate(timeout=60)
    print(text)
    check(p.returncode == 0, "exit %d" % p.returncode)
except subprocess.TimeoutExpired:
    os.killpg(p.pid, signal.SIGKILL)
    p.communicate()
    check(False, "still running after 60 s (a process waiting for another)")
finish()
