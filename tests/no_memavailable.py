"""A /proc/meminfo without MemAvailable (kernels before 3.14, some containers), for the tests of a
machine that does not say what memory it has available: written to a file that a command
bind-mounts over /proc/meminfo in a mount namespace of its own (`unshare -m`, root)."""
import os
import subprocess

# Runs a command with the meminfo: ["unshare", "-m", "sh", "-c", WITHOUT_AVAILABLE, meminfo,
# program, args...].
WITHOUT_AVAILABLE = 'mount --bind "$0" /proc/meminfo && exec "$@"'


def fake_meminfo(folder):
    """The path of the meminfo without MemAvailable, written in `folder`, and None where it can be
    mounted here, else why not."""
    fake = os.path.join(folder, "meminfo")
    with open("/proc/meminfo") as f, open(fake, "w") as g:
        g.writelines(line for line in f if not line.startswith("MemAvailable:"))
    probe = subprocess.run(["unshare", "-m", "sh", "-c", 'mount --bind "$0" /proc/meminfo', fake],
                           capture_output=True, text=True)
    return fake, None if probe.returncode == 0 else probe.stderr


def available():
    """This machine's MemAvailable in bytes (0 where it does not say)."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    return 0.0
