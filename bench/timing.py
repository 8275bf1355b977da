"""One timed run of a program for the bench scripts: exit code, whole-process wall time, peak
memory and what it wrote to stderr; and a core kept busy beside the runs."""
import argparse, contextlib, os, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def busy_core(busy=True):
    """Keeps one core busy (a shell loop) while the block runs, when busy is true."""
    loop = subprocess.Popen(["sh", "-c", "while :; do :; done"]) if busy else None
    try:
        yield
    finally:
        if loop:
            loop.kill()
            loop.wait()


def timed(cmd, cwd=None, env=None):
    """Runs cmd (stdout discarded) and returns (exit code, wall time in s, peak resident set in
    MB: the largest of the run's own processes, from wait4, stderr text). stderr goes to a file,
    so a talkative run cannot fill a pipe and stall."""
    with tempfile.TemporaryFile() as errors:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        errors.seek(0)
        text = errors.read().decode(errors="replace")
    return os.waitstatus_to_exitcode(status), wall, usage.ru_maxrss / 1024.0, text


def mpi_env(**extra):
    """The environment of an mpirun here, extra added: Open MPI run as root, more processes than
    cores allowed (N > 2 share the two cores)."""
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                OMPI_MCA_rmaps_base_oversubscribe="1", **extra)


def mpirun(processes, exported=()):
    """The start of an `mpirun -np N` command line, the named environment variables passed on.
    (Open MPI binds each process to one core when there are no more processes than cores:
    lightbody's threads would then share that core; --bind-to none.)"""
    command = ["mpirun", "--bind-to", "none", "-np", str(processes)]
    for name in exported:
        command += ["-x", name]
    return command


def each_rank(script, argument):
    """A shell script run by every rank (its rank in $OMPI_COMM_WORLD_RANK), argument as $0."""
    return ["sh", "-c", script, argument]


def run_summary(exe, case, out, env_extra):
    """`lightbody run CASE --output summary` with the convergence check off and env_extra added to
    the environment; exits naming the code when the run fails. Returns (report.json as read, wall
    time in s, peak resident set in MB, stderr text)."""
    import json, sys
    cmd = [exe, "run", case, "--out", out, "--output", "summary", "--set",
           "criteria.convergence=off"]
    code, wall, peak_mb, err = timed(cmd, env=dict(os.environ, **env_extra))
    if code not in (0, 3, 6):
        sys.exit(f"lightbody failed ({code}): {err[-2000:]}")
    return json.load(open(os.path.join(out, "report.json"))), wall, peak_mb, err


def case_parser(doc, repeat):
    """The arguments of a benchmark of one example body: --build, --case (default: the tank) and
    --repeat (default: repeat); the description is doc's first line."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--repeat", type=int, default=repeat)
    return ap
