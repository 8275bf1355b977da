#!/usr/bin/env bash
# Fuzzes the case reader with libFuzzer for a given time (default 600 s):
#   bash scripts/run_fuzz.sh [SECONDS]
# Crashes, leaks and slow inputs are written to build-fuzz/findings/; the exit code is non-zero
# when libFuzzer found something.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
bash scripts/setup.sh
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
CXX=clang++ cmake -S . -B build-fuzz -DLIGHTBODY_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build-fuzz -j"$(nproc)" > /dev/null
mkdir -p build-fuzz/corpus build-fuzz/findings
cp cases/*.yaml cases/verification/*.yaml tests/bad_cases/*.yaml build-fuzz/corpus/ 2>/dev/null || true
cd build-fuzz
./case_reader_fuzz corpus -dict=../tests/fuzz/case.dict -max_total_time="$seconds" -max_len=4096 \
  -timeout=10 -rss_limit_mb=2048 -artifact_prefix=findings/ -print_final_stats=1
