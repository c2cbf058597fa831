#!/usr/bin/env bash
# Quick start 1/2: installs what is missing, builds, and runs rtmtap's main job on its embedded
# default: the recording proxy in front of a built-in upstream, a scripted client through it,
# then what was recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
echo "rtmtap: building build/bin/rtmtap (first time: a few minutes)" >&2
scripts/build.sh rtmtap >/dev/null
rm -f rtmtap-demo.db rtmtap-demo.db-wal rtmtap-demo.db-shm
exec build/bin/rtmtap demo --db rtmtap-demo.db
