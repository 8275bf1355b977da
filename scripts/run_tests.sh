#!/usr/bin/env bash
# Sets up (apt), builds and runs the whole test suite. CI calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
cd build
ctest --output-on-failure -j"$(nproc)"
