#!/usr/bin/env bash
# The soak: SESSIONS simulated AirSend clients at a time through `rtmtap proxy` (API and
# WebSocket) for MINUTES minutes, while readers follow the database (`rtmtap tail`) and query it
# (`rtmtap query`, `rtmtap stats`) the whole time. Sessions come and go (each client stays
# CYCLE seconds, then a new one logs in), so a leak per session shows as growth.
#
#   bench/soak.sh [MINUTES]       default 30
#   SESSIONS=100 CYCLE=60 PING_S=1 CHATTER=600 SAMPLE_S=60 bench/soak.sh 30
#   NO_BUILD=1                    use build-release/bin/rtmtap as it is
#
# Every SAMPLE_S seconds it prints the proxy's RSS, open descriptors and threads, the frames
# recorded so far and the readers' progress. At the end it checks, and fails (exit 1) when one
# does not hold:
#   - RSS, descriptors and threads are flat: the last third of the samples is no higher than the
#     first third plus a margin (RSS_MARGIN_MB, default 32; FD_MARGIN and THREAD_MARGIN 10);
#   - every frame a client printed (each text frame it got and each command it sent) is in the
#     database: per direction, recorded >= printed (the database may hold more: frames that
#     arrived after a client sent its close and stopped printing);
#   - every session that began has ended, and PRAGMA integrity_check says ok;
#   - the proxy exits 0 on SIGTERM and no client failed to connect.
# Everything runs on 127.0.0.1; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINUTES=${1:-30}
SESSIONS=${SESSIONS:-100}
CYCLE=${CYCLE:-60}
PING_S=${PING_S:-1}
CHATTER=${CHATTER:-600}
SAMPLE_S=${SAMPLE_S:-60}
RSS_MARGIN_MB=${RSS_MARGIN_MB:-32}
FD_MARGIN=${FD_MARGIN:-10}
THREAD_MARGIN=${THREAD_MARGIN:-10}
RELEASE_BUILD=${RELEASE_BUILD:-$ROOT/build-release}
RTMTAP=$RELEASE_BUILD/bin/rtmtap
TMP=$(mktemp -d /tmp/rtmtap-soak.XXXXXX)
DB=$TMP/soak.db
SIM_PID="" PX_PID="" TAIL_PID=""
SLOT_PIDS=()

log() { echo "soak: $*" >&2; }
die() { echo "soak: error: $*" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
    local p
    for p in "${SLOT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    pkill -TERM -P $$ 2>/dev/null || true
    [[ -n $TAIL_PID ]] && kill "$TAIL_PID" 2>/dev/null || true
    stop_pid "$PX_PID"
    stop_pid "$SIM_PID"
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

if [[ ${NO_BUILD:-0} != 1 ]]; then
    log "building $RTMTAP (Release)"
    cmake -S "$ROOT" -B "$RELEASE_BUILD" -DCMAKE_BUILD_TYPE=Release -DRTMTAP_TESTS=OFF >/dev/null
    cmake --build "$RELEASE_BUILD" -j"${JOBS:-2}" --target rtmtap >/dev/null
fi
[[ -x $RTMTAP ]] || die "$RTMTAP is missing (build it or unset NO_BUILD)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# wait_line FILE PATTERN: up to 20 s for a line matching PATTERN; prints it.
wait_line() {
    local i line
    for ((i = 0; i < 200; i++)); do
        line=$(grep -m1 -E "$2" "$1" 2>/dev/null || true)
        if [[ -n $line ]]; then echo "$line"; return 0; fi
        sleep 0.1
    done
    return 1
}

"$RTMTAP" simulate --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --users "$SESSIONS" --channels 10 \
    --chatter "$CHATTER" --seed 11 >"$TMP/sim.out" 2>&1 &
SIM_PID=$!
line=$(wait_line "$TMP/sim.out" 'simulating AirSend') || die "simulator did not start: $(cat "$TMP/sim.out")"
SIM_API=$(sed -E 's/.*api (http:[^ ]+).*/\1/' <<<"$line")

"$RTMTAP" proxy --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --api-upstream "$SIM_API" --db "$DB" \
    >"$TMP/proxy.out" 2>"$TMP/proxy.err" &
PX_PID=$!
line=$(wait_line "$TMP/proxy.err" 'listening on') || line=$(wait_line "$TMP/proxy.out" 'listening on') ||
    die "proxy did not start: $(cat "$TMP/proxy.err")"
PX_API=$(sed -E 's/.*API (http:[^ ]+).*/\1/' <<<"$line")
log "simulator api $SIM_API, proxy api $PX_API, db $DB, $SESSIONS sessions for $MINUTES min"

# One command a PING_S seconds for the whole cycle: ws_ping (answered with a pong event).
script=$TMP/client.jsonl
n=$(awk -v c="$CYCLE" -v p="$PING_S" 'BEGIN { print int(c / p) + 1 }')
for ((i = 0; i < n; i++)); do
    echo "{\"after_ms\":$(awk -v p="$PING_S" 'BEGIN { print int(p * 1000) }'),\"command\":\"ws_ping\"}"
done >"$script"

end_at=$((SECONDS + $(awk -v m="$MINUTES" 'BEGIN { print int(m * 60) }')))
# slot K: user K logs in again and again, CYCLE seconds a session, until the soak ends.
slot() {
    local k=$1 round=0
    sleep "$(awk -v k="$k" -v s="$SESSIONS" -v c="$CYCLE" 'BEGIN { printf "%.2f", k * c / s / 4 }')"
    while ((SECONDS + 5 < end_at)); do
        local left=$((end_at - SECONDS)) dur=$CYCLE
        ((left < dur)) && dur=$left
        if ! "$RTMTAP" client --api "$PX_API" --user "user$k@example.test" --password password --jsonl \
            --script "$script" --duration "$dur" >"$TMP/c$k.$round.jsonl" 2>"$TMP/c$k.$round.err"; then
            echo "slot $k round $round: $(head -1 "$TMP/c$k.$round.err")" >>"$TMP/failures"
            sleep 1
        fi
        round=$((round + 1))
    done
}
for ((k = 1; k <= SESSIONS; k++)); do
    slot "$k" &
    SLOT_PIDS+=($!)
done

"$RTMTAP" tail --db "$DB" --jsonl >"$TMP/tail.out" 2>"$TMP/tail.err" &
TAIL_PID=$!

sample() {
    local st rss thr fds frames q
    st=/proc/$PX_PID/status
    rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' "$st")
    thr=$(awk '/^Threads/ { print $2 }' "$st")
    fds=$(ls /proc/"$PX_PID"/fd | wc -l)
    frames=$(sqlite3 -readonly "file:$DB?mode=ro" 'SELECT count(*) FROM frames' 2>/dev/null || echo '?')
    echo "$1 $rss $fds $thr $frames $(wc -l <"$TMP/tail.out") $(cat "$TMP/queries" 2>/dev/null || echo 0)"
}
# A reader that queries while the proxy writes: a query and the stats of everything, in turn.
(
    q=0
    while ((SECONDS < end_at)); do
        "$RTMTAP" query --db "$DB" --command ws_ping --since 1m --limit 100 >/dev/null 2>>"$TMP/query.err" &&
            "$RTMTAP" stats --db "$DB" >/dev/null 2>>"$TMP/query.err" && q=$((q + 2))
        echo "$q" >"$TMP/queries"
        sleep 5
    done
) &

printf '%-7s %8s %6s %8s %10s %10s %8s\n' elapsed rss_mb fds threads frames tailed queries
start=$SECONDS
while ((SECONDS < end_at)); do
    sleep "$SAMPLE_S"
    kill -0 "$PX_PID" 2>/dev/null || die "the proxy died: $(tail -3 "$TMP/proxy.err")"
    s=$(sample "$(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s")
    echo "$s" >>"$TMP/samples"
    printf '%-7s %8s %6s %8s %10s %10s %8s\n' $s
done
for p in "${SLOT_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
sleep 2
kill "$TAIL_PID" 2>/dev/null || true
wait "$TAIL_PID" 2>/dev/null || true
TAIL_PID=""
kill -TERM "$PX_PID"
px_status=0
wait "$PX_PID" || px_status=$?
PX_PID=""

fail=0
check() { if eval "$2"; then log "ok: $1"; else log "FAILED: $1"; fail=1; fi; }
# Flat: compare the mean of the first and the last third of the samples (the first minute warms up).
read -r rss0 fds0 thr0 rss1 fds1 thr1 < <(awk '{ r[NR] = $2; f[NR] = $3; t[NR] = $4 }
    END { k = int(NR / 3); if (k < 1) k = 1
          for (i = 1; i <= k; i++) { a += r[i]; b += f[i]; c += t[i]; x += r[NR - k + i]; y += f[NR - k + i]; z += t[NR - k + i] }
          printf "%d %d %d %d %d %d\n", a / k, b / k, c / k, x / k, y / k, z / k }' "$TMP/samples")
check "RSS flat (first third ${rss0} MB, last third ${rss1} MB, margin ${RSS_MARGIN_MB} MB)" "((rss1 <= rss0 + RSS_MARGIN_MB))"
check "descriptors flat (${fds0} -> ${fds1})" "((fds1 <= fds0 + FD_MARGIN))"
check "threads flat (${thr0} -> ${thr1})" "((thr1 <= thr0 + THREAD_MARGIN))"

printed_s2c=$(cat "$TMP"/c*.jsonl | grep -c '"dir":"s2c","op":"text"' || true)
printed_c2s=$(cat "$TMP"/c*.jsonl | grep -c '"dir":"c2s","op":"text"' || true)
db_s2c=$(sqlite3 "$DB" 'SELECT count(*) FROM frames WHERE dir = 1 AND op = 1')
# ws_auth is sent by every client but not printed.
db_c2s=$(sqlite3 "$DB" "SELECT count(*) FROM frames f JOIN names n ON n.id = f.name_id WHERE f.dir = 0 AND f.op = 1 AND n.name <> 'ws_auth'")
sessions=$(sqlite3 "$DB" 'SELECT count(*) FROM sessions')
open=$(sqlite3 "$DB" 'SELECT count(*) FROM sessions WHERE ended_us IS NULL' 2>/dev/null || echo '?')
integrity=$(sqlite3 "$DB" 'PRAGMA integrity_check')
failures=0; [[ -f $TMP/failures ]] && failures=$(wc -l <"$TMP/failures")
log "sessions $sessions; s2c text printed $printed_s2c recorded $db_s2c; c2s commands printed $printed_c2s recorded $db_c2s; tail printed $(wc -l <"$TMP/tail.out") lines"
check "every frame a client saw is recorded (s2c)" "((db_s2c >= printed_s2c && printed_s2c > 0))"
check "every command a client sent is recorded (c2s)" "((db_c2s >= printed_c2s && printed_c2s > 0))"
check "every session ended ($open open)" "[[ \$open == 0 ]]"
check "integrity_check: $integrity" "[[ \$integrity == ok ]]"
check "proxy exit status $px_status" "((px_status == 0))"
check "client failures: $failures" "((failures == 0))"
[[ -s $TMP/failures ]] && head -5 "$TMP/failures" >&2
[[ -s $TMP/query.err ]] && { log "reader errors:"; head -5 "$TMP/query.err" >&2; }
exit $fail
