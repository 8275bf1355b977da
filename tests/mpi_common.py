"""What the MPI tests share: their arguments, a fresh output folder, the environment for Open MPI
(root allowed, more processes than cores allowed) and the failures collected."""
import json
import os
import shutil
import subprocess
import sys

mpirun, program, case, out = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
# (LIGHTBODY_PRODUCT_PIECE: a product with K_G sends x and sums y in pieces of this many DoFs,
# 65 536 in a run; small here, so that the tests' small models cross the pieces' edges)
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", LIGHTBODY_PRODUCT_PIECE="1000")
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


def run(n, folder, extra=(), more_env=None):
    """`lightbody run CASE --out folder` (under `mpirun -np n` for n > 0, with `extra` options and
    the variables `more_env` added to the environment): the exit code, stderr and report.json
    (None when the run wrote none)."""
    command = ([mpirun, "-np", str(n)] if n else []) + [program, "run", case, "--out", folder]
    p = subprocess.run(command + list(extra), cwd=out, env=dict(env, **(more_env or {})),
                       capture_output=True, text=True, timeout=600)
    report = None
    if p.returncode in (0, 6):
        with open(os.path.join(out, folder, "report.json")) as f:
            report = json.load(f)
    return p.returncode, p.stderr, report


def close(a, b, tolerance, scale):
    return abs(a - b) <= tolerance * scale


def compare(one, many, label, displacement_tolerance, modes, reaction_tolerance=1e-6):
    """report.json `many` against `one`: the verdict; per load case the largest displacement and
    the probes' displacements to `displacement_tolerance` of the largest, the largest von Mises
    stress, the utilizations (where the case has criteria) and buckling factors to 1e-6, the
    reaction sums to `reaction_tolerance` of the largest applied load; `modes` natural
    frequencies and their vertical effective masses to 1e-6 (summed over a repeated frequency's
    modes)."""
    check(many["verdict"]["status"] == one["verdict"]["status"], label + ": the verdict")
    for a, b in zip(one["load_cases"], many["load_cases"]):
        name = "%s, %s: " % (label, a["name"])
        u = a["max_displacement_mm"]
        check(close(b["max_displacement_mm"], u, displacement_tolerance, u),
              name + "largest displacement %r against %r" % (b["max_displacement_mm"], u))
        for probe, value in a["probes"].items():
            for x, y in zip(value["displacement_mm"], b["probes"][probe]["displacement_mm"]):
                check(close(y, x, displacement_tolerance, u),
                      name + "probe %s displacement %r against %r" % (probe, y, x))
        s = a["max_von_mises_MPa"]["value"]
        check(close(b["max_von_mises_MPa"]["value"], s, 1e-6, s), name + "largest von Mises")
        if isinstance(a.get("utilization"), dict):
            # The design check's utilizations (criteria.stress: categories: the membrane and
            # membrane + bending stresses of each element column, whose integrals through the
            # thickness the processes add up from their bands of cells) and the peak von Mises's.
            ua, ub = a["utilization"], b.get("utilization") or {}
            m = ua["max"]
            check(close(ub.get("max", -1), m, 1e-6, m) and
                  close(ub.get("peak_max", -1), ua["peak_max"], 1e-6, ua["peak_max"]) and
                  ub.get("category") == ua["category"] and
                  set(ub.get("by_part", {})) == set(ua["by_part"]) and
                  all(close(ub["by_part"][p], v, 1e-6, m) for p, v in ua["by_part"].items()),
                  name + "utilizations %r against %r" % (ub, ua))
        applied = max(abs(v) for v in a["applied_sum_N"])
        for x, y in zip(a["reaction_sum_N"], b["reaction_sum_N"]):
            check(close(y, x, reaction_tolerance, applied),
                  name + "reaction sum %r against %r" % (y, x))
        if isinstance(a.get("buckling"), dict):
            fa, fb = a["buckling"]["load_factors"], b["buckling"]["load_factors"]
            check(len(fa) == len(fb) and len(fa) > 0 and
                  all(close(y, x, 1e-6, x) for x, y in zip(fa, fb)),
                  name + "buckling factors %r against %r" % (fb, fa))
    fa, fb = one["modal"]["frequencies_Hz"], many["modal"]["frequencies_Hz"]
    check(len(fa) == modes and len(fb) == modes and
          all(close(y, x, 1e-6, x) for x, y in zip(fa, fb)),
          "%s: natural frequencies %r against %r" % (label, fb, fa))
    # A repeated frequency's modes are any basis of its eigenspace: their effective masses are
    # compared summed over the frequencies equal to 1e-6 (a group), which is what the eigenspace
    # holds whatever the basis.
    groups = []
    for k, f in enumerate(fa):
        if groups and close(f, fa[groups[-1][0]], 1e-6, f):
            groups[-1].append(k)
        else:
            groups.append([k])
    ma = [sum(one["modal"]["modes"][k]["effective_mass_kg"][2] for k in g) for g in groups]
    mb = [sum(many["modal"]["modes"][k]["effective_mass_kg"][2] for k in g) for g in groups]
    total = sum(ma) + 1e-30
    check(all(close(y, x, 1e-6, total) for x, y in zip(ma, mb)),
          "%s: effective masses (summed over equal frequencies) %r against %r" % (label, mb, ma))
