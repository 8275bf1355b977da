#!/usr/bin/env bash
# Builds the project and its tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
# whole test suite; any finding fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIGHTBODY_SANITIZE=ON > build-asan.log 2>&1 || { cat build-asan.log; exit 1; }
cmake --build build-asan -j"$(nproc)" >> build-asan.log 2>&1 || { tail -50 build-asan.log; exit 1; }
cd build-asan
# OpenBLAS and TBB keep thread pools alive until exit: not leaks of ours.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/../tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --output-on-failure -j"$(nproc)" --timeout 1200 -E '^mpi_|^IterativeSolver\.'
# Under mpirun, and wherever the iterative solver starts PETSc (and with it MPI, as a world of one
# process): Open MPI keeps its start-up allocations and unloads components whose frames the leak
# checker then cannot name (no suppression can match them); addresses and undefined behaviour are
# still checked, leaks not.
ASAN_OPTIONS=halt_on_error=1:detect_leaks=0:abort_on_error=1 \
  ctest --output-on-failure -j"$(nproc)" --timeout 1200 -R '^mpi_|^IterativeSolver\.'

