#!/usr/bin/env bash
# Sets up (apt), builds and runs the default case: an 8 m3 aluminium tank with two surge baffles.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" --target lightbody >> build.log 2>&1 || { tail -50 build.log; exit 1; }
# A verdict is a result, not a failure of this script: FAIL (3) and CONDITIONAL (6) are reported.
rc=0
build/lightbody run cases/tank_8m3_elliptical.yaml --out results/tank_8m3_elliptical "$@" || rc=$?
case $rc in
  0) echo "verdict: PASS (or nothing to check); see results/tank_8m3_elliptical/report.md" ;;
  3) echo "verdict: FAIL; see results/tank_8m3_elliptical/report.md" ;;
  6) echo "verdict: CONDITIONAL; see results/tank_8m3_elliptical/report.md" ;;
  *) exit $rc ;;
esac
