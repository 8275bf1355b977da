#!/usr/bin/env python3
"""What one process of a run holds at its peak, by the code that allocated it.

Runs `lightbody run CASE --output summary` (criteria.convergence off) under valgrind's heap
profiler (massif), in one process or, with --processes N, as one rank (--rank, default the last)
of `mpirun -np N` (the other ranks run unprofiled and wait for it), and prints the heap at the
profiled process's peak grouped by the innermost lightbody function on each allocation's stack
(or the library call lightbody made, when the allocation is a library's: MUMPS's factor under
DistributedCholesky::factorise), in MB and in bytes per DoF, largest first. Under mpirun the
groups that do not shrink with N (the model, its DoF numbering, the whole vectors every process
holds) are what a distributed model would spread; the script prints what it measured, nothing
is assumed. valgrind makes the profiled process 20-60 times slower: use a coarse mesh
(`--set mesh.size=300mm`); the figures per DoF hold at finer meshes for the model's part, not for
the factor's (its fill grows faster than the DoFs).

usage: python3 bench/heap_profile.py [--build build] [--case cases/tank_8m3_elliptical.yaml]
                                     [--processes 1] [--rank R] [--top 25] [--set KEY=VALUE ...]
"""
import argparse, collections, json, os, re, shutil, subprocess, sys, tempfile

from timing import each_rank, mpi_env, mpirun

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# lightbody's own allocation functions (the libraries' memory hooks): the frame that called the
# library is the one named.
ALLOCATORS = ("huge_malloc", "huge_calloc", "huge_realloc", "allocate", "{anonymous}::block")


def peak_tree(path):
    """The (depth, bytes, description) nodes of the massif file's peak snapshot, in order."""
    lines = open(path, errors="replace").read().split("\n")
    for i, line in enumerate(lines):
        if line == "heap_tree=peak":
            nodes = []
            for l in lines[i + 1:]:
                m = re.match(r"^( *)n\d+: (\d+) (.*)$", l)
                if not m:
                    break
                nodes.append((len(m.group(1)), int(m.group(2)), m.group(3)))
            return nodes
    sys.exit("heap_profile: no peak snapshot in " + path)


def name(description):
    """The function of a massif stack line, without its address, arguments and library."""
    text = re.sub(r"^0x[0-9A-Fa-f]+: ", "", description)
    text = re.sub(r" \(in /.*\)$", "", text).replace("(anonymous namespace)", "{anonymous}")
    depth, out = 0, ""
    for ch in text:  # drop the argument lists and template arguments
        if ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        elif depth == 0:
            out += ch
    return out.strip()


def group(nodes):
    """Bytes by the innermost lightbody frame of each path (the library's frame just below it
    named beside it), and the bytes of paths with no lightbody frame."""
    totals = collections.Counter()
    stack = []  # (depth, function) of the path to the current node
    claimed = []  # whether a node above already counted its bytes
    for depth, size, description in nodes[1:]:
        while stack and stack[-1][0] >= depth:
            stack.pop()
            claimed.pop()
        function = name(description)
        above = claimed[-1] if claimed else False
        mine = False
        ours = (function.startswith("lightbody::") or function == "main") and \
            not function.endswith(ALLOCATORS)
        if not above and ours:
            library = stack[-1][1] if stack else ""
            label = function if library.startswith("lightbody::") or not library else \
                function + " > " + library
            totals[label] += size
            mine = True
        stack.append((depth, function))
        claimed.append(above or mine)
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--case", default=os.path.join(ROOT, "cases", "tank_8m3_elliptical.yaml"))
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--rank", type=int, help="the rank profiled (default: the last)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--set", action="append", default=[], help="passed to lightbody run")
    ap.add_argument("--massif", help="print the groups of this massif file instead of running")
    ap.add_argument("--dofs", type=int, help="with --massif: the run's DoFs")
    args = ap.parse_args()
    if args.massif:
        return print_groups(peak_tree(args.massif), args.dofs or 1, args.top,
                            "the peak of " + args.massif)
    if not shutil.which("valgrind"):
        sys.exit("heap_profile: valgrind is not installed (apt install valgrind)")
    binary = os.path.join(args.build, "lightbody")
    rank = args.processes - 1 if args.rank is None else args.rank
    work = tempfile.mkdtemp(prefix="heap_profile_")
    massif = os.path.join(work, "massif.out")
    profiled = ["valgrind", "--tool=massif", "--max-snapshots=200", "--detailed-freq=1000000",
                "--threshold=0.2", "--massif-out-file=" + massif]
    run = [binary, "run", args.case, "--out", os.path.join(work, "out"), "--output", "summary",
           "--set", "criteria.convergence=off"]
    for s in args.set:
        run += ["--set", s]
    env = mpi_env()
    if args.processes > 1:
        # (every rank ends with 0: mpirun would stop the profiled one at rank 0's exit 3)
        wrapper = ('if [ "${OMPI_COMM_WORLD_RANK:-0}" = "%d" ]; then %s "$@"; else "$@"; fi; '
                   'exit 0' % (rank, " ".join(profiled)))
        cmd = mpirun(args.processes) + each_rank(wrapper, work) + run
    else:
        cmd = profiled + run
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, errors="replace")
    report = os.path.join(work, "out", "report.json")
    if not os.path.exists(massif) or not os.path.exists(report):
        sys.exit("heap_profile: the run failed:\n" + proc.stderr[-3000:])
    dofs = json.load(open(report))["dofs"]
    print_groups(peak_tree(massif), dofs, args.top, "case %s, %d DoFs, %s, the peak of %s" % (
        os.path.basename(args.case), dofs,
        "one process" if args.processes == 1 else "mpirun -np %d" % args.processes,
        "the process" if args.processes == 1 else "rank %d" % rank))
    shutil.rmtree(work, ignore_errors=True)


def print_groups(nodes, dofs, top, title):
    total = nodes[0][1]
    print("%s: %.1f MB of heap (%.0f B per DoF)" % (title, total / 1e6, total / dofs))
    print("| allocated in | MB | B per DoF |")
    print("|---|---|---|")
    totals = group(nodes)
    for label, size in totals.most_common(top):
        print("| %s | %.1f | %.0f |" % (label, size / 1e6, size / dofs))
    rest = total - sum(totals.values())
    print("| (no lightbody frame: start-up, libraries' own, below massif's threshold) | %.1f | %.0f |"
          % (rest / 1e6, rest / dofs))


if __name__ == "__main__":
    main()
