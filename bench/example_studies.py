#!/usr/bin/env python3
"""A sweep and a sizing run of each example body from Python (the `lightbody` module), end to end:
the tank, the van and the tipper. Each sweep varies one gauge over two values; each sizing run
sizes the body's main parts on a catalogue. Prints per body the sweep's rows (mass, largest
utilization, verdict, whether the matrix structure was reused) and the sizing result (start and
final mass, pass, solves), with the time of each.

usage: /usr/bin/python3 bench/example_studies.py [--build build] [--out DIR] [--mesh MM]
           [--only tank van tipper]
--mesh: the element size of every study (default: each case's own); a coarser mesh shortens the
studies (sizing the tipper at its own mesh takes about 20 minutes on 2 cores).
"""
import argparse, os, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

STUDIES = {
    "tank": {
        "case": "tank_8m3_elliptical.yaml",
        "vary": {"parts.baffle_*.thickness": ["4 mm", "5 mm"]},
        "parts": ["shell_*", "head_*", "baffle_*"],
        "gauges": [4, 5, 6, 8, 10],
    },
    "van": {
        "case": "van_body_6200.yaml",
        "vary": {"parts.roof.thickness": ["2 mm", "3 mm"]},
        "parts": ["side_*", "roof", "front_wall", "floor", "post_left_*", "post_right_*",
                  "post_front_*", "roof_bow_*", "crossmember_*", "sill_*", "rear_*"],
        "gauges": [1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20],
    },
    "tipper": {
        "case": "tipper_12m3.yaml",
        "vary": {"parts.floor.thickness": ["6 mm", "8 mm"]},
        "parts": ["floor", "side_*", "front_wall", "tailgate", "post_front_*", "post_rear_*",
                  "post_left_*", "post_right_*", "canopy", "top_rail_*", "sill_*",
                  "crossmember_*", "ram_*", "hinge_*"],
        "gauges": [3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30],
    },
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "example-studies"))
    ap.add_argument("--mesh", type=float, default=0)
    ap.add_argument("--only", nargs="*", default=list(STUDIES))
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    import lightbody

    for name in args.only:
        study = STUDIES[name]
        case = os.path.join(ROOT, "cases", study["case"])
        common = {"mesh.size": f"{args.mesh} mm"} if args.mesh else {}
        start = time.monotonic()
        rows = lightbody.sweep(case, vary=study["vary"],
                               set={**common, "criteria.convergence": "off"}, jobs=1,
                               out=os.path.join(args.out, name + "-sweep"))
        print(f"{name}: sweep of {list(study['vary'])[0]}, {len(rows)} points in "
              f"{time.monotonic() - start:.0f} s", flush=True)
        key = list(study["vary"])[0]
        for r in rows:
            if r["status"] != "ok":
                print(f"  point {r['point']} ({r[key]}) failed: {r['error']}")
                continue
            utilizations = [v for k, v in r.items()
                            if k.endswith("_max_utilization") and isinstance(v, float)]
            print(f"  {r[key]:>6}: {r['total_mass_kg']:.1f} kg, largest utilization "
                  f"{max(utilizations):.3f}, {r['verdict']}, structure reused "
                  f"{r['structure_reused']}, {r['run_time_s']:.0f} s")
        start = time.monotonic()
        s = lightbody.size(case, parts=study["parts"], gauges=study["gauges"], set=common,
                           out=os.path.join(args.out, name + "-size"))
        best = s["results"][s["best"]] if s["best"] >= 0 else s["results"][0]
        print(f"{name}: size, {best['start_mass_kg']:.1f} kg -> {best['final_mass_kg']:.1f} kg, "
              f"{'passes' if best['passed'] else 'no passing design: ' + best.get('note', '')}, "
              f"{best['solves']} solves in {time.monotonic() - start:.0f} s", flush=True)
        for g in best["groups"]:
            print(f"  {g['parts']}: {g['start_mm']:g} -> {g['final_mm']:g} mm "
                  f"({g['utilization']:.3f} in {g['governing_load_case']}; {g['governed_by']})")


if __name__ == "__main__":
    main()
