#!/usr/bin/env bash
# Builds rtmtap's Debian package: installs what is missing (scripts/install-deps), configures a
# Release build in build-package/ (or $RTMTAP_PACKAGE_DIR) without the tests, builds what the
# package holds (the binary, its man page and completions), runs cpack -G DEB and prints the
# .deb's path. Install it with: apt-get install ./build-package/rtmtap_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
dir="${RTMTAP_PACKAGE_DIR:-build-package}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DRTMTAP_TESTS=OFF -DRTMTAP_BENCH=OFF >/dev/null
echo "rtmtap: building $dir/bin/rtmtap (Release; first time: a few minutes)" >&2
cmake --build "$dir" -j"$(nproc)" >/dev/null
rm -f "$dir"/rtmtap_*.deb
# cpack's progress goes to a log, shown only when it fails.
if ! (cd "$dir" && cpack -G DEB >cpack.log 2>&1); then
  cat "$dir/cpack.log" >&2
  exit 1
fi
ls "$PWD/$dir"/rtmtap_*.deb
