#!/usr/bin/env bash
# rtmtap ui's API on a big recording: how long the requests the page makes take (curl, warm page
# cache), each RUNS times after one warm-up, the median quoted, as a markdown table on stdout.
# The database is bench/query.sh's (QUICK=1: 1,000,000 frames in 200 sessions, one of them of
# 100,000 frames); make it first with `QUICK=1 bench/query.sh` (or pass DB=FILE).
#
#   bench/ui.sh                  DB=bench/data/rtmtap-1000000f-200s-100000b-seed1.db
#   RUNS=9 BIN=build/bin/rtmtap bench/ui.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=${DB:-$ROOT/bench/data/rtmtap-1000000f-200s-100000b-seed1.db}
BIN=${BIN:-$ROOT/build/bin/rtmtap}
RUNS=${RUNS:-7}
log() { echo "ui.sh: $*" >&2; }
die() { log "$*"; exit 2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

[[ -f $DB ]] || die "no database $DB: make it with QUICK=1 bench/query.sh, or pass DB=FILE"
[[ -x $BIN ]] || die "no $BIN: build first (scripts/build.sh)"
command -v curl >/dev/null || die "curl is needed"

out=$(mktemp)
"$BIN" ui --db "$DB" --listen 127.0.0.1:0 >"$out" 2>&2 &
pid=$!
trap 'stop_pid $pid; rm -f "$out"' EXIT
for ((i = 0; i < 100; i++)); do
    url=$(grep -o 'http://[^ ]*' "$out" || true)
    [[ -n $url ]] && break
    kill -0 "$pid" 2>/dev/null || die "rtmtap ui did not start"
    sleep 0.1
done
[[ -n $url ]] || die "rtmtap ui printed no URL"
big=$(curl -s "${url}api/sessions" | python3 -c 'import json,sys; print(max(json.load(sys.stdin), key=lambda s: s["frames"])["id"])')
frames=$(curl -s "${url}api/frames?session=$big&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
log "session $big holds $frames frames"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_request() {  # time_request LABEL PATH
    local t
    curl -s -o /dev/null "$url$2"  # warm-up
    t=$(for ((r = 0; r < RUNS; r++)); do curl -s -o /dev/null -w '%{time_total}\n' "$url$2"; done | median)
    printf '| %s | `%s` | %.3f |\n' "$1" "$2" "$t"
}

echo "| what the page asks | request | median s |"
echo "|---|---|---|"
time_request "sessions list (200)" "api/sessions"
time_request "first page of 200 frames" "api/frames?session=$big&offset=0&limit=200"
time_request "last page (scrolled to the end)" "api/frames?session=$big&offset=$((frames - 200))&limit=200"
time_request "a frame in context (at=)" "api/frames?session=$big&at=$((frames - 10))&limit=200"
time_request "filtered page (one event name)" "api/frames?session=$big&event=chat.postMessage&offset=2000&limit=200"
time_request "timeline (600 buckets)" "api/stats?session=$big&buckets=600"
time_request "search all sessions (--text)" "api/frames?text=meeting&limit=200"
time_request "export JSONL of the big session" "api/export?session=$big&format=jsonl"
