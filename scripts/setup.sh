#!/usr/bin/env bash
# Installs lightbody's build dependencies from Debian 12 packages. Non-interactive and idempotent:
# packages already present are left alone.
set -euo pipefail
packages=(cmake g++ make libdeal.ii-dev libeigen3-dev libsuitesparse-dev libmetis-dev libopenblas-dev
          libvtk9-dev libyaml-cpp-dev libgtest-dev nlohmann-json3-dev libspectra-dev
          calculix-ccx  # the reference peer of the CalculiX cross-checks in the tests
          openmpi-bin  # mpirun: sweeps spread over the processes of an MPI launch
          xvfb xauth  # off-screen rendering of report.md's picture on a headless machine
          pybind11-dev python3-dev python3-matplotlib)  # the Python module and its example study
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
