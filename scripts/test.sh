#!/usr/bin/env bash
# Quick start 2/2: installs what is missing, builds, and runs every test through ctest.
# RTMTAP_SANITIZE=1 builds into build-san/ with AddressSanitizer and UBSan instead of build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps --tests
dir=build
extra=()
if [ "${RTMTAP_SANITIZE:-0}" = "1" ]; then
  dir=build-san
  extra=(-DRTMTAP_SANITIZE=ON)
fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
exec ctest --test-dir "$dir" --output-on-failure
