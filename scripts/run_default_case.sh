#!/usr/bin/env bash
# Sets up (apt), builds and runs the default case: an 8 m3 aluminium tank with two surge baffles.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" --target lightbody >> build.log 2>&1 || { tail -50 build.log; exit 1; }
build/lightbody run cases/tank_8m3_elliptical.yaml --out results/tank_8m3_elliptical "$@"
