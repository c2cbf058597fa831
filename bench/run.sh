#!/usr/bin/env bash
# The issue-3 benchmark: every figure measured against bench_upstream directly and through
# `rtmtap proxy`, printed as a markdown table (stdout; progress goes to stderr).
#
#   bench/run.sh                 full run (about a minute and a half)
#   QUICK=1 bench/run.sh         short versions of every mode
#   NO_BUILD=1 bench/run.sh      use the binaries already built
#   DIRECT_ONLY=1 bench/run.sh   no rtmtap: the direct (and relay) columns only
#   RELAY=0 bench/run.sh         skip the reference column (bench_relay, a bare TCP relay that
#                                records nothing: what any extra process in the path costs here)
# Other knobs (environment): LAT_N LAT_WARMUP TP_CONNS TP_WINDOW TP_SECS BURST_N BURST_SIZE
# CONN_K CONN_HOLD UPSTREAM_THREADS RELEASE_BUILD BENCH_BUILD JOBS KEEP=1 (keep the temp dir)
# PROXY_ARGS (more flags for rtmtap proxy, e.g. --no-text-index)
# RULES=FILE (run the proxy with --rules FILE, e.g. bench/rules-nomatch.jsonl: ten rules that
# match none of this traffic, the cost of checking rules on every frame)
# REPEAT=N (latency, throughput and burst N rounds each, direct and proxied interleaved; the best
# round of each is shown: on a shared machine noise only ever makes a run slower).
# Everything runs on 127.0.0.1 and every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RELEASE_BUILD=${RELEASE_BUILD:-$ROOT/build-release}
BENCH_BUILD=${BENCH_BUILD:-$ROOT/build-bench}
JOBS=${JOBS:-2}
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
    : "${LAT_N:=2000}" "${LAT_WARMUP:=200}" "${TP_SECS:=2}" "${BURST_N:=20000}" "${CONN_K:=200}" "${CONN_HOLD:=1}"
fi
LAT_N=${LAT_N:-20000}
LAT_WARMUP=${LAT_WARMUP:-1000}
MSG_SIZE=${MSG_SIZE:-300}
TP_CONNS=${TP_CONNS:-100}
TP_WINDOW=${TP_WINDOW:-8}
TP_SECS=${TP_SECS:-10}
BURST_N=${BURST_N:-100000}
BURST_SIZE=${BURST_SIZE:-500}
CONN_K=${CONN_K:-1000}
CONN_HOLD=${CONN_HOLD:-3}
UPSTREAM_THREADS=${UPSTREAM_THREADS:-1}
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-300}
REPEAT=${REPEAT:-1}

RELAY=${RELAY:-1}
RTMTAP=$RELEASE_BUILD/bin/rtmtap
RELAYBIN=$BENCH_BUILD/bin/bench_relay
UPSTREAM=$BENCH_BUILD/bin/bench_upstream
CLIENT=$BENCH_BUILD/bin/bench_client
TMP=$(mktemp -d /tmp/rtmtap-bench.XXXXXX)
DB=$TMP/bench.db
UP_PID=""
PX_PID=""
RL_PID=""

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
    stop_pid "$PX_PID"
    stop_pid "$RL_PID"
    stop_pid "$UP_PID"
    if [[ ${KEEP:-0} == 1 ]]; then
        log "logs and database kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

# Arguments of each mode, for a base URL ws://127.0.0.1:PORT
lat_args() { echo "latency ws://127.0.0.1:$1/echo -n $LAT_N --warmup $LAT_WARMUP --size $MSG_SIZE"; }
tp_args() { echo "throughput ws://127.0.0.1:$1/echo -c $TP_CONNS -w $TP_WINDOW -d $TP_SECS --size $MSG_SIZE"; }
burst_args() { echo "burst ws://127.0.0.1:$1/burst?n=$BURST_N&size=$BURST_SIZE"; }
conn_args() { echo "connect ws://127.0.0.1:$1/idle -c $CONN_K --hold $CONN_HOLD"; }

# --- set-up -----------------------------------------------------------------------------------
build_release_and_bench
[[ -x $UPSTREAM && -x $CLIENT && -x $RELAYBIN ]] || die "bench tools missing in $BENCH_BUILD/bin"
PROXIED=1
if [[ ${DIRECT_ONLY:-0} == 1 ]]; then
    PROXIED=0
elif [[ ! -x $RTMTAP ]]; then
    die "$RTMTAP is missing (build it, or run with DIRECT_ONLY=1)"
fi
command -v sqlite3 >/dev/null || [[ $PROXIED == 0 ]] || die "the sqlite3 shell is needed to count recorded frames"
# 1,000 sessions take 2,000 descriptors in the proxy and 1,000 in each of the others.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= CONN_K * 2 + 100)) || die "open-file limit $(ulimit -n) is too low for $CONN_K connections"

UP_PORT=$(free_port)
"$UPSTREAM" --listen "127.0.0.1:$UP_PORT" --threads "$UPSTREAM_THREADS" --lifetime 3600 >"$TMP/upstream.log" 2>&1 &
UP_PID=$!
wait_port "$UP_PORT" "$UP_PID" || { cat "$TMP/upstream.log" >&2; die "bench_upstream did not start"; }
log "bench_upstream pid $UP_PID on port $UP_PORT"

if [[ $RELAY == 1 ]]; then
    RL_PORT=$(free_port)
    while [[ $RL_PORT == "$UP_PORT" ]]; do RL_PORT=$(free_port); done
    "$RELAYBIN" --listen "127.0.0.1:$RL_PORT" --upstream "127.0.0.1:$UP_PORT" --lifetime 3600 >"$TMP/relay.log" 2>&1 &
    RL_PID=$!
    wait_port "$RL_PORT" "$RL_PID" || { cat "$TMP/relay.log" >&2; die "bench_relay did not start"; }
    log "bench_relay pid $RL_PID on port $RL_PORT"
fi

if [[ $PROXIED == 1 ]]; then
    PX_PORT=$(free_port)
    while [[ $PX_PORT == "$UP_PORT" || $PX_PORT == "${RL_PORT:-}" ]]; do PX_PORT=$(free_port); done
    RULE_ARGS=()
    if [[ -n ${RULES:-} ]]; then
        [[ -r $RULES ]] || die "RULES=$RULES: no such file"
        RULE_ARGS=(--rules "$RULES")
    fi
    "$RTMTAP" proxy --listen "127.0.0.1:$PX_PORT" --upstream "ws://127.0.0.1:$UP_PORT" --db "$DB" "${RULE_ARGS[@]}" ${PROXY_ARGS:-} >"$TMP/proxy.log" 2>&1 &
    PX_PID=$!
    wait_port "$PX_PORT" "$PX_PID" || { cat "$TMP/proxy.log" >&2; die "rtmtap proxy did not start"; }
    sleep 0.5
    RSS_IDLE=$(kib "$PX_PID" VmRSS)
    log "rtmtap proxy pid $PX_PID on port $PX_PORT, idle RSS $RSS_IDLE KiB"
fi
CLK_TCK=$(getconf CLK_TCK)
RUN_FAILURES=0
count_failure() { [[ $(field ok "$1") == 1 ]] || RUN_FAILURES=$((RUN_FAILURES + 1)); }
FRAMES_EXPECTED=0
add_frames() {
    local s r
    s=$(field frames_sent "$1")
    r=$(field frames_received "$1")
    FRAMES_EXPECTED=$((FRAMES_EXPECTED + ${s:-0} + ${r:-0}))
}
proxy_cpu_us() { calc "%.0f" "($(cpu_ticks "$PX_PID") - $1) * 1000000 / $CLK_TCK"; }

# --- connect: direct, then proxied with the memory read while all are held open ---------------
log "connect: $CONN_K connections, direct"
# shellcheck disable=SC2046
C_D=$(run_client "$TMP/connect-direct.out" $(conn_args "$UP_PORT"))
C_R=""
if [[ $RELAY == 1 ]]; then
    log "connect: $CONN_K connections, through bench_relay"
    # shellcheck disable=SC2046
    C_R=$(run_client "$TMP/connect-relay.out" $(conn_args "$RL_PORT"))
fi
if [[ $PROXIED == 1 ]]; then
    log "connect: $CONN_K connections, through rtmtap"
    # shellcheck disable=SC2046
    timeout "$CLIENT_TIMEOUT" "$CLIENT" $(conn_args "$PX_PORT") --timeout 120 >"$TMP/connect-proxy.out" 2>&1 &
    CLIENT_PID=$!
    for ((i = 0; i < 1300; i++)); do
        grep -q '^ALL_CONNECTED' "$TMP/connect-proxy.out" 2>/dev/null && break
        kill -0 "$CLIENT_PID" 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.3  # let the ws_auth frames reach the proxy before reading its memory
    RSS_CONN=$(kib "$PX_PID" VmRSS)
    wait "$CLIENT_PID" || { cat "$TMP/connect-proxy.out" >&2; log "connect through rtmtap failed"; }
    C_P=$(grep '^RESULT' "$TMP/connect-proxy.out" | tail -1 || true)
    HWM_CONN=$(kib "$PX_PID" VmHWM)
    add_frames "$C_P"
fi

# --- latency, throughput and burst: direct, then proxied with the proxy's CPU time -----------
better() {  # better NEW OLD KEY OP: NEW is ok and beats OLD (or OLD is empty) on KEY by OP (< or >)
    local n o
    [[ -z $2 ]] && return 0
    [[ $(field ok "$1") == 1 ]] || return 1
    [[ $(field ok "$2") == 1 ]] || return 0
    n=$(field "$3" "$1")
    o=$(field "$3" "$2")
    awk -v n="${n:-0}" -v o="${o:-0}" -v op="$4" 'BEGIN { exit !(op == "<" ? n < o : n > o) }'
}

# Waits (bounded) until the proxy's writer has caught up with every frame relayed so far, so a
# round is not slowed by backpressure left over from the round before it (the throughput run
# relays more than SQLite can take in 10 s; its backlog would otherwise land on the next round).
drain() {
    local n last="" same=0
    for ((i = 0; i < 600; i++)); do
        n=$(sqlite3 "$DB" "SELECT count(*) FROM frames" 2>/dev/null || echo "")
        [[ -n $n && $n -ge $FRAMES_EXPECTED ]] && return 0
        if [[ $n == "$last" ]]; then same=$((same + 1)); else same=0; fi
        ((same >= 10)) && { log "drain: stuck at $n of $FRAMES_EXPECTED frames"; return 0; }
        last=$n
        sleep 0.5
    done
}

# measure NAME ARGS_FUNCTION KEY OP: REPEAT rounds of direct, relay and proxied (interleaved, so
# drift in the machine's speed hits all alike); keeps the best round of each by KEY. Sets
# <NAME>_D, <NAME>_R, <NAME>_P and <NAME>_CPU (proxy CPU µs during the kept proxied round).
measure() {
    local name=$1 fn=$2 key=$3 op=$4 rep r cpu0 cpu bestD="" bestR="" bestP="" bestCpu=""
    for ((rep = 1; rep <= REPEAT; rep++)); do
        log "$name: direct (round $rep of $REPEAT)"
        # shellcheck disable=SC2046
        r=$(run_client "$TMP/$name-direct-$rep.out" $($fn "$UP_PORT"))
        count_failure "$r"
        if better "$r" "$bestD" "$key" "$op"; then bestD=$r; fi
        if [[ $RELAY == 1 ]]; then
            log "$name: through bench_relay (round $rep of $REPEAT)"
            # shellcheck disable=SC2046
            r=$(run_client "$TMP/$name-relay-$rep.out" $($fn "$RL_PORT"))
            count_failure "$r"
            if better "$r" "$bestR" "$key" "$op"; then bestR=$r; fi
        fi
        if [[ $PROXIED == 1 ]]; then
            drain
            log "$name: through rtmtap (round $rep of $REPEAT)"
            cpu0=$(cpu_ticks "$PX_PID")
            # shellcheck disable=SC2046
            r=$(run_client "$TMP/$name-proxy-$rep.out" $($fn "$PX_PORT"))
            cpu=$(proxy_cpu_us "$cpu0")
            add_frames "$r"
            count_failure "$r"
            if better "$r" "$bestP" "$key" "$op"; then
                bestP=$r
                bestCpu=$cpu
            fi
        fi
    done
    printf -v "${name}_D" '%s' "$bestD"
    printf -v "${name}_R" '%s' "$bestR"
    printf -v "${name}_P" '%s' "$bestP"
    printf -v "${name}_CPU" '%s' "$bestCpu"
}
measure LAT lat_args p50_us "<"
measure BURST burst_args events_per_s ">"
measure TP tp_args msgs_per_s ">"

# --- shutdown and the recording check ---------------------------------------------------------
RECORDED="n/a"
if [[ $PROXIED == 1 ]]; then
    HWM_END=$(kib "$PX_PID" VmHWM)
    log "stopping rtmtap (SIGTERM) and counting the recorded frames"
    kill -TERM "$PX_PID"
    PX_STATUS=0
    for ((i = 0; i < 600; i++)); do kill -0 "$PX_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PX_PID" 2>/dev/null; then
        log "rtmtap did not exit within 60 s of SIGTERM: killing it"
        kill -KILL "$PX_PID"
    fi
    wait "$PX_PID" || PX_STATUS=$?
    PX_PID=""
    RECORDED=$(sqlite3 "$DB" 'SELECT count(*) FROM frames' 2>&1) || log "sqlite3: $RECORDED"
fi

# --- the table --------------------------------------------------------------------------------
na() { [[ -n $1 ]] && echo "$1${2:+ $2}" || echo "n/a"; }
ratio() { [[ -n $1 && -n $2 && $1 != 0 ]] && calc "%.2fx" "$2 / $1" || echo "n/a"; }
delta() { [[ -n $1 && -n $2 ]] && calc "%+.0f µs" "$2 - $1" || echo "n/a"; }
mib() { [[ -n $1 ]] && calc "%.1f MiB" "$1 / 1024" || echo "n/a"; }
per() { [[ -n $1 && -n $2 && $2 != 0 ]] && calc "%.2f µs" "$1 / $2" || echo "n/a"; }
get() { na "$(field "$1" "$2")" "${3:-}"; }

row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
# figure_row LABEL KEY UNIT TARGET DIRECT RELAY PROXIED: a figure with both comparisons
figure_row() {
    local d r p
    d=$(field "$2" "$5")
    r=$(field "$2" "$6")
    p=$(field "$2" "$7")
    row "$1" "$(na "$d" "$3")" "$(na "$r" "$3")" "$(na "$p" "$3")" "$(ratio "$d" "$p")" "$(ratio "$r" "$p")" "$4"
}
lat_row() {  # lat_row LABEL KEY TARGET
    local d r p
    d=$(field "$2" "$LAT_D")
    r=$(field "$2" "$LAT_R")
    p=$(field "$2" "$LAT_P")
    row "$1" "$(na "$d" µs)" "$(na "$r" µs)" "$(na "$p" µs)" "$(delta "$d" "$p")" "$(delta "$r" "$p")" "$3"
}
proxy_row() { row "$1" "" "" "$2" "" "" "$3"; }

MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT with local changes"
echo "### rtmtap benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($MODEL), Linux $(uname -r), rtmtap $COMMIT."
echo "Client, bench_upstream ($UPSTREAM_THREADS thread(s)) and the proxy share the machine; best of $REPEAT round(s)"
echo "for latency, throughput and burst. \"TCP relay\" is bench_relay, a bare epoll byte relay recording nothing."
if [[ -n ${RULES:-} ]]; then
    echo "The proxy ran with --rules $(basename "$RULES") ($(grep -cv '^[[:space:]]*\(#\|$\)' "$RULES") rules)."
fi
echo
row "Figure" "Direct" "TCP relay" "rtmtap" "rtmtap vs direct" "rtmtap vs relay" "Target (vs direct)"
row "---" "---:" "---:" "---:" "---:" "---:" "---"
lat_row "Latency p50 (1 conn, window 1, ${MSG_SIZE} B)" p50_us "≤ +40 µs"
lat_row "Latency p90" p90_us ""
lat_row "Latency p99" p99_us "≤ +100 µs"
lat_row "Latency max" max_us ""
figure_row "Round trips/s ($TP_CONNS conns × $TP_WINDOW in flight, ${TP_SECS} s)" msgs_per_s "" "≥ 0.9x" "$TP_D" "$TP_R" "$TP_P"
figure_row "… their latency p50" p50_us µs "" "$TP_D" "$TP_R" "$TP_P"
figure_row "… their latency p99" p99_us µs "" "$TP_D" "$TP_R" "$TP_P"
figure_row "Burst events/s ($BURST_N × ${BURST_SIZE} B, 1 conn)" events_per_s "" "≥ 0.8x" "$BURST_D" "$BURST_R" "$BURST_P"
figure_row "Burst MB/s" mb_per_s "" "" "$BURST_D" "$BURST_R" "$BURST_P"
figure_row "Connect $CONN_K authenticated sessions" connect_ms ms "" "$C_D" "$C_R" "${C_P:-}"
if [[ $PROXIED == 1 ]]; then
    proxy_row "rtmtap RSS idle" "$(mib "$RSS_IDLE")" ""
    proxy_row "rtmtap RSS with $CONN_K sessions" "$(mib "$RSS_CONN")" "< 48 MiB"
    proxy_row "rtmtap peak RSS (VmHWM) after connect / at end" "$(mib "$HWM_CONN") / $(mib "$HWM_END")" ""
    proxy_row "rtmtap CPU per round trip (throughput run)" "$(per "$TP_CPU" "$(field round_trips "$TP_P")")" "< 8 µs"
    proxy_row "rtmtap CPU per round trip (latency run)" "$(per "$LAT_CPU" "$(field round_trips "$LAT_P")")" ""
    proxy_row "rtmtap CPU per burst event" "$(per "$BURST_CPU" "$(field events "$BURST_P")")" ""
    proxy_row "Frames recorded / sent+received by the clients" "$RECORDED / $FRAMES_EXPECTED" "all"
    proxy_row "rtmtap exit status after SIGTERM" "$PX_STATUS" "0"
fi
echo
count_failure "$C_D"
[[ $RELAY == 0 ]] || count_failure "$C_R"
[[ $PROXIED == 0 ]] || count_failure "${C_P:-}"
if ((RUN_FAILURES > 0)); then
    echo "$RUN_FAILURES client run(s) failed: see the messages above (KEEP=1 keeps the logs)."
    exit 1
fi
if [[ $PROXIED == 1 && $RECORDED != "$FRAMES_EXPECTED" ]]; then
    echo "The database holds $RECORDED frames, the clients sent and received $FRAMES_EXPECTED."
    exit 1
fi
