"""One timed run of a program for the bench scripts: exit code, whole-process wall time, peak
memory and what it wrote to stderr."""
import os, subprocess, tempfile, time


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
