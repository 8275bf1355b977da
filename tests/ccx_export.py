#!/usr/bin/env python3
"""lightbody export --format ccx: the clamped plate's deck runs in CalculiX and its centre
deflection is within 1 % of lightbody's (both within 2 % of the plate-theory value, Timoshenko &
Woinowsky-Krieger, Theory of Plates and Shells, Table 35: w = 0.00126 q a^4 / D = 15.46 mm for
the case's E = 70 GPa, nu = 0.33, a = 1000 mm, t = 5 mm, q = 0.01 MPa).

usage: ccx_export.py LIGHTBODY CCX CASE WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

lightbody, ccx, case, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
deck_dir = os.path.join(work, "deck")
subprocess.run([lightbody, "export", case, "--format", "ccx", "--out", deck_dir, "--quiet"],
               check=True)
deck = os.path.join(deck_dir, "clamped_plate.inp")
text = open(deck).read()
for card in ("*NODE", "TYPE=C3D20R", "*MATERIAL", "*BOUNDARY", "*DLOAD", "*NODE PRINT"):
    assert card in text, card

# The deck in CalculiX.
subprocess.run([ccx, "clamped_plate"], cwd=deck_dir, check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
dat = open(os.path.join(deck_dir, "clamped_plate.dat")).read()
match = re.search(r"displacements \(vx,vy,vz\) for set PROBE_CENTRE.*?\n\s*\n\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)",
                  dat)
assert match, dat[:2000]
w_ccx = float(match.group(4))

# The same case in lightbody.
result = os.path.join(work, "run")
subprocess.run([lightbody, "run", case, "--out", result, "--output", "summary", "--quiet"],
               check=True)
report = json.load(open(os.path.join(result, "report.json")))
w_lb = report["load_cases"][0]["probes"]["centre"]["displacement_mm"][2]

reference = -15.46
print(f"centre deflection: CalculiX C3D20R {w_ccx:.4f} mm, lightbody {w_lb:.4f} mm, "
      f"plate theory {reference:.2f} mm")
assert abs(w_ccx - w_lb) <= 0.01 * abs(w_lb), (w_ccx, w_lb)
assert abs(w_ccx - reference) <= 0.02 * abs(reference), w_ccx
assert abs(w_lb - reference) <= 0.02 * abs(reference), w_lb

# Ties: a box beam of four plates, the webs' edges tied to the flanges' inner faces (*TIE),
# clamped at one end, under pressure on the top: the tip deflection agrees within 1 %.
box = os.path.join(work, "box.yaml")
plate = "{material: alu, thickness: 4 mm, quad: {corners: [%s]}}"
open(box, "w").write("""case: box
mesh: {size: 20 mm}
materials:
  alu: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 260 MPa}
parts:
  top: %s
  bottom: %s
  web_left: %s
  web_right: %s
supports:
  clamp: {edges: [top.edge4, bottom.edge4, web_left.edge4, web_right.edge4], fix: all}
load_cases:
  tip: {pressures: [{surface: top.top, value: 0.01 MPa}]}
probes:
  tip: [2000, 0, 50]
""" % (plate % "[0, -50, 48], [2000, -50, 48], [2000, 50, 48], [0, 50, 48]",
       plate % "[0, -50, -48], [2000, -50, -48], [2000, 50, -48], [0, 50, -48]",
       plate % "[0, 48, -46], [2000, 48, -46], [2000, 48, 46], [0, 48, 46]",
       plate % "[0, -48, -46], [2000, -48, -46], [2000, -48, 46], [0, -48, 46]"))


def both(case_file, name, probe, component):
    """The probe's displacement component in CalculiX (on the exported deck) and in lightbody."""
    deck_dir = os.path.join(work, name)
    subprocess.run([lightbody, "export", case_file, "--format", "ccx", "--out", deck_dir,
                    "--quiet"], check=True)
    subprocess.run([ccx, name], cwd=deck_dir, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    match = re.search(r"displacements \(vx,vy,vz\) for set PROBE_" + probe.upper() +
                      r".*?\n\s*\n\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)",
                      open(os.path.join(deck_dir, name + ".dat")).read())
    run = os.path.join(work, name + "_run")
    subprocess.run([lightbody, "run", case_file, "--out", run, "--output", "summary", "--quiet"],
                   check=True)
    report = json.load(open(os.path.join(run, "report.json")))
    return (float(match.group(2 + component)),
            report["load_cases"][0]["probes"][probe]["displacement_mm"][component])


w_ccx, w_lb = both(box, "box", "tip", 2)
# One *TIE per following part (each web on both flanges).
assert open(os.path.join(work, "box", "box.inp")).read().count("*TIE") == 2
print(f"tied box beam tip deflection: CalculiX {w_ccx:.4f} mm, lightbody {w_lb:.4f} mm")
assert abs(w_ccx - w_lb) <= 0.01 * abs(w_lb), (w_ccx, w_lb)

# An edge pressure (normal to the edge): a strip 1000 x 200 x 5 mm held at one end, pulled at
# the other by -10 MPa. Its end moves sigma L / E = 10 x 1000 / 70 000 = 0.1429 mm (less a
# little: the held end cannot contract); the deck's face pressure agrees within 1 %.
strip = os.path.join(work, "strip.yaml")
open(strip, "w").write("""case: strip
mesh: {size: 50 mm}
materials:
  alu: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 260 MPa}
parts:
  s: {material: alu, thickness: 5 mm, quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 200, 0], [0, 200, 0]]}}
supports:
  held: {edge: s.edge4, fix: all}
load_cases:
  pull: {edge_pressures: [{edge: s.edge2, value: -10 MPa}]}
probes:
  end: [1000, 100, 0]
""")
u_ccx, u_lb = both(strip, "strip", "end", 0)
print(f"strip under edge pressure, end displacement: CalculiX {u_ccx:.5f} mm, lightbody "
      f"{u_lb:.5f} mm, sigma L / E 0.14286 mm")
assert abs(u_ccx - u_lb) <= 0.01 * abs(u_lb), (u_ccx, u_lb)
assert 0.95 * 0.142857 <= u_lb <= 0.142857, u_lb

# Edge forces as the consistent nodal forces of the C3D20 faces (*CLOAD): the strip held at one
# end and loaded across its free end by 0.05 N/mm x 200 mm = 10 N; the forces sum to the load and
# the tip deflection agrees within 1 %, between the beam's P L^3 / 3 E I = 10 x 1000^3 / (3 x
# 70 000 x 200 x 5^3 / 12) = 22.86 mm and the plate strip's (1 - nu^2) times that, 20.80 mm (the
# strip is 40 gauges wide and held across its whole end).
bent = os.path.join(work, "bent.yaml")
open(bent, "w").write(open(strip).read().replace("case: strip", "case: bent").replace(
    "pull: {edge_pressures: [{edge: s.edge2, value: -10 MPa}]}",
    "bend: {edge_forces: [{edge: s.edge2, force_per_length: [0, 0, 0.05 N/mm]}]}"))
w_ccx, w_lb = both(bent, "bent", "end", 2)
cload = open(os.path.join(work, "bent", "bent.inp")).read().split("*CLOAD\n")[1].split("*")[0]
total = sum(float(line.split(",")[2]) for line in cload.split("\n") if line.strip())
print(f"strip under an edge force, tip deflection: CalculiX {w_ccx:.4f} mm, lightbody {w_lb:.4f} "
      f"mm, beam 22.86 mm, plate strip 20.80 mm; nodal forces {total:.6f} N")
assert abs(total - 10) <= 1e-6, total
assert abs(w_ccx - w_lb) <= 0.01 * abs(w_lb), (w_ccx, w_lb)
assert 20.80 <= w_lb <= 22.86, w_lb

# A liquid's pressure likewise: water 450 mm deep on the tied box beam's top.
liquid = os.path.join(work, "liquid.yaml")
open(liquid, "w").write(open(box).read().replace("case: box", "case: liquid").replace(
    "tip: {pressures: [{surface: top.top, value: 0.01 MPa}]}",
    "water: {hydrostatic: [{surface: top.top, density: 1000 kg/m^3, level: 500 mm}]}"))
w_ccx, w_lb = both(liquid, "liquid", "tip", 2)
print(f"tied box beam under water, tip deflection: CalculiX {w_ccx:.5f} mm, lightbody {w_lb:.5f} mm")
assert abs(w_ccx - w_lb) <= 0.01 * abs(w_lb), (w_ccx, w_lb)

# An elastic bedding as SPRING1 elements (each node's share of the bedded area times k): a strip
# 2000 x 100 x 10 mm on k = 0.05 N/mm^3 under 1000 N across its middle (a band 20 mm wide), a beam
# on an elastic foundation (Hetenyi 1946): w = P beta / (2 k b), beta = (k b / 4 E I)^(1/4),
# 0.680 mm as a beam, 0.665 mm as a plate strip (D b for E I); the two codes within 1 %.
bedded = os.path.join(work, "bedded.yaml")
open(bedded, "w").write("""case: bedded
mesh: {size: 25 mm}
materials:
  alu: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 240 MPa, Rm: 260 MPa}
parts:
  s: {material: alu, thickness: 10 mm, quad: {corners: [[0, 0, 0], [2000, 0, 0], [2000, 100, 0], [0, 100, 0]]}}
supports:
  ground: {surface: s.bottom, stiffness: 0.05 N/mm^3}
load_cases:
  band: {distributed_forces: [{surface: s.top, force: [0, 0, -1000 N], box: {min: [990, -1, -10], max: [1010, 101, 10]}}]}
probes:
  middle: [1000, 50, 0]
""")
w_ccx, w_lb = both(bedded, "bedded", "middle", 2)
beam = 1000 * (0.05 * 100 / (4 * 70000 * 100 * 10**3 / 12)) ** 0.25 / (2 * 0.05 * 100)
strip_w = beam * (1 - 0.3**2) ** 0.25
print(f"strip on a bedding, middle deflection: CalculiX {w_ccx:.4f} mm, lightbody {w_lb:.4f} mm, "
      f"beam on elastic foundation {beam:.4f} mm, as a plate strip {strip_w:.4f} mm")
assert "TYPE=SPRING1" in open(os.path.join(work, "bedded", "bedded.inp")).read()
assert abs(w_ccx - w_lb) <= 0.01 * abs(w_lb), (w_ccx, w_lb)
assert 0.99 * strip_w <= -w_lb <= 1.01 * beam, (w_lb, strip_w, beam)

# The van example at 300 mm: parts following parts (and each other, in places) tied in one deck.
# Written per pair of parts and face by face, CalculiX stopped on it ("zero coefficient on the
# dependent side of an equation": nodes depending on themselves, or a loop of tie equations);
# now it runs, and its side wall moves as lightbody's within 3 % (2026-12-03: 10.18 against
# 10.32 mm).
van = os.path.join(os.path.dirname(os.path.abspath(case)), "..", "van_body_6200.yaml")
van_sets = ["--set", "mesh.size=300 mm", "--set", "probes.wall=[3000, 1240, 1200]"]
van_deck = os.path.join(work, "van")
subprocess.run([lightbody, "export", van, "--format", "ccx", "--out", van_deck, "--quiet",
                "--load-cases", "en12642_side_wall"] + van_sets, check=True)
assert "left out of the ties" in open(os.path.join(van_deck, "van_body_6200.inp")).read()
run = subprocess.run([ccx, "van_body_6200"], cwd=van_deck, capture_output=True, text=True)
assert run.returncode == 0 and "*ERROR" not in run.stdout, run.stdout[-2000:]
match = re.search(r"displacements \(vx,vy,vz\) for set PROBE_WALL.*?\n\s*\n\s*(\d+)\s+(\S+)\s+(\S+)",
                  open(os.path.join(van_deck, "van_body_6200.dat")).read())
assert match, "no displacement of the van's probe"
van_run = os.path.join(work, "van_run")
subprocess.run([lightbody, "run", van, "--out", van_run, "--output", "summary", "--quiet", "--set",
                "criteria.convergence=off"] + van_sets)
report = json.load(open(os.path.join(van_run, "report.json")))
y_lb = next(l for l in report["load_cases"] if l["name"] == "en12642_side_wall")["probes"]["wall"][
    "displacement_mm"][1]
y_ccx = float(match.group(3))
print(f"van at 300 mm, side wall: CalculiX {y_ccx:.3f} mm, lightbody {y_lb:.3f} mm")
assert abs(y_ccx - y_lb) <= 0.03 * abs(y_lb), (y_ccx, y_lb)

# What a deck cannot say is refused, naming the key, and nothing is written: springs are elements
# and hold in every step, so a load case that leaves an elastic support out.
two_sets = os.path.join(work, "two_sets.yaml")
open(two_sets, "w").write(open(bedded).read().replace(
    "supports:\n", "supports:\n  end: {edge: s.edge4, fix: all}\n").replace(
    "load_cases:\n", "load_cases:\n  cantilever: {supports: [end], edge_forces: [{edge: s.edge2, "
    "force_per_length: [0, 0, 1 N/mm]}]}\n"))
bad = subprocess.run([lightbody, "export", two_sets, "--format", "ccx", "--out",
                      os.path.join(work, "bad"), "--quiet"], capture_output=True, text=True)
assert bad.returncode == 2, (bad.returncode, bad.stderr)
assert bad.stdout == "", bad.stdout  # no "deck:" line for a deck not written
assert "load_cases.cantilever.supports" in bad.stderr and "--load-cases" in bad.stderr, bad.stderr
assert not os.path.exists(os.path.join(work, "bad"))
# --load-cases writes only the cases named.
both_cases = os.path.join(work, "two.yaml")
open(both_cases, "w").write(open(liquid).read().replace(
    "load_cases:\n", "load_cases:\n  tip: {pressures: [{surface: top.top, value: 0.01 MPa}]}\n"))
subprocess.run([lightbody, "export", both_cases, "--format", "ccx", "--out",
                os.path.join(work, "two"), "--quiet", "--load-cases", "tip"], check=True)
deck = open(os.path.join(work, "two", "liquid.inp")).read()
assert deck.count("*STEP") == 1 and "** load case tip" in deck and "load case water" not in deck

bad = subprocess.run([lightbody, "export", case, "--format", "abaqus"], capture_output=True,
                     text=True)
assert bad.returncode == 1 and "--format must be ccx" in bad.stderr, bad.stderr
print("ok")
