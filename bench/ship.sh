#!/usr/bin/env bash
# Issue 16's shipping benchmark: frames/s `rtmtap ship` moves from local SQLite files into one
# PostgreSQL server on this machine, from one file alone and from COPIES files at once (each its
# own process, as a fleet of proxies would), as a markdown table on stdout (progress on stderr).
# Each local file is a bench/gen database of FRAMES frames (seeds 1..COPIES, kept in bench/data/);
# the server is a throwaway cluster (bench/lib.sh pg_cluster_start: fsync on) in a temp folder,
# a fresh database per measurement, schema made by `ship --init` beforehand (not timed).
#
#   bench/ship.sh                 1,000,000 frames per file, 1 and 4 files
#   FRAMES=200000 bench/ship.sh   a quick check
#   PROFILE=1 bench/ship.sh       also `perf record -g` the one-file ship (rtmtap and the server)
# Other knobs: COPIES (4) SESSIONS (200) BATCH (ship --batch, default rtmtap's) BUILD (default
# build-bench-query, shared with bench/query.sh) DATA NO_BUILD=1 KEEP=1 JOBS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-query}
DATA=${DATA:-$ROOT/bench/data}
JOBS=${JOBS:-2}
FRAMES=${FRAMES:-1000000}
SESSIONS=${SESSIONS:-200}
COPIES=${COPIES:-4}
RTMTAP=$BUILD/bin/rtmtap
GENBIN=$BUILD/bin/rtmtap_gen
TMP=$(mktemp -d /tmp/rtmtap-ship-bench.XXXXXX)

log() { echo "ship-bench: $*" >&2; }
die() { echo "ship-bench: error: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
    pg_cluster_stop "$TMP/pg"
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

build_targets rtmtap rtmtap_gen

# local SEED: the generated file of that seed (made once; a big session of a tenth of the frames).
local_db() {
    local db="$DATA/rtmtap-${FRAMES}f-${SESSIONS}s-$((FRAMES / 10))b-seed$1.db"
    if [[ ! -s $db ]]; then
        log "generating $db"
        "$GENBIN" --db "$db" --force --frames "$FRAMES" --sessions "$SESSIONS" --big-session $((FRAMES / 10)) \
            --seed "$1" >"${db%.db}.json" || die "rtmtap_gen failed"
    fi
    echo "$db"
}

mkdir -p "$DATA"
DBS=()
for ((i = 1; i <= COPIES; i++)); do DBS+=("$(local_db "$i")"); done
pg_cluster_start "$TMP/pg"
BASE_URL=$PG_URL
PSQL=$(pg_bin psql)

# fresh NAME: a new empty database with rtmtap's schema; sets URL.
fresh() {
    "$PSQL" "$BASE_URL" -q -c "CREATE DATABASE $1" >/dev/null || die "CREATE DATABASE $1 failed"
    URL=${BASE_URL/\/bench\?//$1?}
    "$RTMTAP" ship --init --to "$URL" >/dev/null 2>"$TMP/init.err" || { cat "$TMP/init.err" >&2; die "ship --init failed"; }
}
BATCH_ARGS=()
[[ -n ${BATCH:-} ]] && BATCH_ARGS=(--batch "$BATCH")

# ship_all N: ships the first N files at once; sets SECONDS_TAKEN and SHIPPED (rows in the server).
ship_all() {
    local n=$1 i t0 t1 rc=0
    local -a pids=()
    fresh "bench_$n"
    t0=$(date +%s%N)
    for ((i = 0; i < n; i++)); do
        "$RTMTAP" ship --db "${DBS[$i]}" --to "$URL" "${BATCH_ARGS[@]}" --proxy-name "bench-$i" \
            2>"$TMP/ship-$n-$i.err" &
        pids+=($!)
        if [[ ${PROFILE:-0} == 1 && $n == 1 ]] && command -v perf >/dev/null; then
            sleep 1
            perf record -g -o "$TMP/perf-rtmtap.data" -p "${pids[0]}" -- sleep 10 >/dev/null 2>&1 &
            perf record -g -o "$TMP/perf-postgres.data" -a -- sleep 10 >/dev/null 2>&1 &
        fi
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    t1=$(date +%s%N)
    ((rc == 0)) || { cat "$TMP"/ship-"$n"-*.err >&2; die "a ship failed"; }
    SECONDS_TAKEN=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    SHIPPED=$("$PSQL" "$URL" -At -c "SELECT count(*) FROM rtmtap.frames")
    SIZE=$("$PSQL" "$URL" -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
}

MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
echo "### rtmtap ship benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($MODEL), Linux $(uname -r), rtmtap $COMMIT," \
    "$("$PSQL" "$BASE_URL" -At -c 'SHOW server_version') on the same machine (Unix socket, fsync on)."
echo "Each local file: $FRAMES frames in $SESSIONS sessions (bench/gen)."
echo
echo "| local files shipping at once | frames shipped | seconds | frames/s | server database size |"
echo "|---:|---:|---:|---:|---:|"
for n in 1 "$COPIES"; do
    log "shipping $n file(s)"
    ship_all "$n"
    expected=$((FRAMES * n))
    [[ $SHIPPED == "$expected" ]] || die "the server holds $SHIPPED frames, not $expected"
    echo "| $n | $SHIPPED | $SECONDS_TAKEN | $(awk -v f="$SHIPPED" -v s="$SECONDS_TAKEN" 'BEGIN { printf "%.0f", f / s }') | $SIZE |"
done
if [[ ${PROFILE:-0} == 1 && -f $TMP/perf-rtmtap.data ]]; then
    echo
    echo "perf (rtmtap, top symbols):"
    perf report -i "$TMP/perf-rtmtap.data" --no-children --stdio --percent-limit 2 2>/dev/null | grep -E '^ +[0-9]' | head -15
    echo "perf (whole machine, by command):"
    perf report -i "$TMP/perf-postgres.data" --no-children --stdio --sort comm 2>/dev/null | grep -E '^ +[0-9]' | head -8
fi
