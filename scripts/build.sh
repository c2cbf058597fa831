#!/usr/bin/env bash
# Configures and builds rtmtap into build/ (or $RTMTAP_BUILD_DIR). Arguments are build targets
# (default: everything, tests included), e.g. `scripts/build.sh rtmtap` for the binary alone.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${RTMTAP_BUILD_DIR:-build}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="${RTMTAP_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
