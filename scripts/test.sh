#!/usr/bin/env bash
# Quick start 2/2: installs what is missing, builds, and runs every test through ctest.
# RTMTAP_SANITIZE=1 builds into build-san/ with AddressSanitizer and UBSan instead of build/;
# RTMTAP_SANITIZE=thread builds into build-tsan/ with ThreadSanitizer, where a data race or a
# lock-order inversion fails the test that met it (tests/CMakeLists.txt, tests/tsan.supp).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps --tests
dir=build
extra=()
case "${RTMTAP_SANITIZE:-0}" in
  0) ;;
  1|address) dir=build-san; extra=(-DRTMTAP_SANITIZE=ON) ;;
  thread) dir=build-tsan; extra=(-DRTMTAP_SANITIZE=thread) ;;
  *) echo "RTMTAP_SANITIZE=$RTMTAP_SANITIZE: expected 1 or address (ASan+UBSan), or thread" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
exec ctest --test-dir "$dir" --output-on-failure
