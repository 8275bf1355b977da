#!/usr/bin/env python3
"""A gauge study with the Python module: the clamped verification plate at several gauges, its
mass against the largest utilization, saved as a plot (matplotlib).

usage: /usr/bin/python3 bench/thickness_study.py [BUILD_DIR] [OUT_DIR]
Prints the table and writes OUT_DIR/thickness_study.png and OUT_DIR/thickness_study.csv.
"""
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "results", "thickness-study")
sys.path.insert(0, os.path.join(build, "python"))
import lightbody  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

case = os.path.join(root, "cases", "verification", "clamped_plate.yaml")
gauges = [4, 5, 6, 8, 10]  # the case probes the top face 2.5 mm above the mid-plane
rows = lightbody.sweep(case, vary={"parts.plate.thickness": ["%g mm" % g for g in gauges]},
                       set={"criteria": "{allowable: proof, convergence: off}"},
                       out=os.path.join(out, "sweep"))
failed = [r for r in rows if r["status"] != "ok"]
for r in failed:
    print("point %d (%s) failed: %s" % (r["point"], r["parts.plate.thickness"], r["error"]))
rows = [r for r in rows if r["status"] == "ok"]
print("%8s %10s %12s %8s" % ("gauge", "mass kg", "utilization", "verdict"))
for row in rows:
    print("%8s %10.2f %12.3f %8s" % (row["parts.plate.thickness"], row["total_mass_kg"],
                                     row["pressure_max_utilization"], row["verdict"]))
try:
    import pandas
    pandas.DataFrame(rows).to_csv(os.path.join(out, "thickness_study.csv"), index=False)
except ImportError:
    pass  # pandas is optional here: sweep.csv in the sweep folder has the same table

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot([r["total_mass_kg"] for r in rows], [r["pressure_max_utilization"] for r in rows], "o-")
for r in rows:
    ax.annotate(r["parts.plate.thickness"], (r["total_mass_kg"], r["pressure_max_utilization"]),
                textcoords="offset points", xytext=(5, 5))
ax.axhline(1.0, color="red", linestyle="--", label="utilization 1")
ax.set_xlabel("mass (kg)")
ax.set_ylabel("largest utilization")
ax.set_title("Clamped plate 1000 x 1000 mm, 0.01 MPa: gauge study")
ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(out, "thickness_study.png"), dpi=120)
print("plot:", os.path.join(out, "thickness_study.png"))
