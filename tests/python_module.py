"""The Python module against the command line: lightbody.run returns the same report.json as
`lightbody run`, lightbody.sweep the rows of sweep.csv, and bad keys raise lightbody.InputError.

usage: python3 python_module.py MODULE_DIR LIGHTBODY CASE OUT_DIR
"""
import json
import os
import shutil
import subprocess
import sys

module_dir, program, case, out = sys.argv[1:5]
sys.path.insert(0, module_dir)
import lightbody  # noqa: E402

shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)


def without_times(report):
    """report.json less what differs between two runs of the same case: times, folders."""
    report = dict(report)
    for key in ("time_s", "result_folder"):
        report.pop(key, None)
    if isinstance(report.get("ordering"), dict):
        report["ordering"] = {k: v for k, v in report["ordering"].items() if k != "time_s"}
    if isinstance(report.get("factorisation"), dict):
        report["factorisation"] = {k: v for k, v in report["factorisation"].items()
                                   if k not in ("time_s", "gflop_per_s", "dgemm_gflop_per_s")}
    for lc in report.get("load_cases", []):
        b = lc.get("buckling")
        if isinstance(b, dict):
            for key in ("geometric_stiffness_time_s", "time_s"):
                b.pop(key, None)
    return report


settings = {"mesh.size": "50 mm", "parts.plate.thickness": "6 mm",
            "criteria": "{allowable: proof, convergence: off}"}
r = lightbody.run(case, set=settings, output="summary", out=os.path.join(out, "module"))
assert r["result_folder"] == os.path.join(out, "module"), r["result_folder"]
cli = subprocess.run([program, "run", case, "--out", os.path.join(out, "cli"), "--quiet",
                      "--output", "summary"] +
                     sum([["--set", k + "=" + v] for k, v in settings.items()], []),
                     capture_output=True, text=True)
assert cli.returncode in (0, 3, 6), cli.stderr
with open(os.path.join(out, "cli", "report.json")) as f:
    from_cli = json.load(f)
a, b = without_times(r), without_times(from_cli)
assert a == b, "module and command line differ:\n%s\n%s" % (
    sorted(k for k in a if a[k] != b.get(k)), sorted(k for k in b if b[k] != a.get(k)))
assert r["parts"][0]["thickness_mm"] == 6.0
assert sorted(os.listdir(os.path.join(out, "module"))) == [".lightbody", "case.yaml", "report.json",
                                                            "report.md"]

# Unknown keys and values: the case file's errors, as a ValueError.
for bad in ({"parts.plate.thicknes": "6 mm"}, {"parts.plate.thickness": "six"}):
    try:
        lightbody.run(case, set=bad, out=os.path.join(out, "bad"))
        raise AssertionError("no error for %s" % bad)
    except lightbody.InputError as e:
        assert isinstance(e, ValueError)
        assert "parts.plate.thick" in str(e), str(e)
assert not os.path.exists(os.path.join(out, "bad"))
# None removes a key, as --set KEY=null does (it was the text "None": not a length).
r = lightbody.run(case, set=dict(settings, **{"mesh.size": None}), out=os.path.join(out, "none"))
assert r["elements"] != 0 and r["parts"][0]["thickness_mm"] == 6.0
try:
    lightbody.run(case, set={"mesh.sizes": None}, out=os.path.join(out, "bad"))
    raise AssertionError("no error for removing a key the case does not give")
except lightbody.InputError as e:
    assert "is not in the case" in str(e), str(e)
try:
    lightbody.run(case, output="everything")
    raise AssertionError("no error for output=everything")
except ValueError as e:
    assert "summary" in str(e)

# A sweep's rows, numbers as numbers; an unknown --vary key is an InputError.
rows = lightbody.sweep(case, vary={"parts.plate.thickness": [5, 6]},
                       set={"mesh.size": "50 mm", "criteria": settings["criteria"]},
                       out=os.path.join(out, "sweep"))
assert [row["point"] for row in rows] == [1.0, 2.0], rows
assert [row["parts.plate.thickness"] for row in rows] == [5.0, 6.0]
assert all(row["status"] == "ok" for row in rows)
assert abs(rows[1]["total_mass_kg"] - r["mass"]["total_kg"]) < 1e-3, (rows[1], r["mass"])
util = r["load_cases"][0]["utilization"]["max"]
assert abs(rows[1]["pressure_max_utilization"] - util) < 1e-3, (rows[1], util)
try:
    lightbody.sweep(case, vary={"parts.plate.thicknes": [5, 6]}, out=os.path.join(out, "sweep2"))
    raise AssertionError("no error for an unknown --vary key")
except lightbody.InputError as e:
    assert "thicknes" in str(e)
# A text or a number where a list of values belongs is a TypeError, not a sweep over the text's
# characters ("4 mm" as 4, space, m, m).
for bad in ("4 mm", 5):
    try:
        lightbody.sweep(case, vary={"parts.plate.thickness": bad}, out=os.path.join(out, "sweep3"))
        raise AssertionError("no error for vary values " + repr(bad))
    except TypeError as e:
        assert "give a list of values" in str(e), e
    assert not os.path.exists(os.path.join(out, "sweep3"))
print("python module: run equals the command line, sweep rows, errors: ok")
