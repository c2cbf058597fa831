#!/usr/bin/env bash
# Issue 11's benchmark: the latency of a healthy echo session through `rtmtap proxy` with no attack,
# then during each attack on the same proxy (bench_client attack, see bench/README.md), as a
# markdown table on stdout (progress on stderr). A probe that cannot connect or finish, and what
# each attacker saw (503s, connect errors, ...), are reported in the table, not fatal.
#
#   bench/attack.sh                    every attack (about three minutes)
#   NO_BUILD=1 bench/attack.sh         use the binaries already built
#   ATTACKS="idle garbage" bench/...   only these, in this order (names as in the table)
# Knobs: CONNS (10000: idle, slowloris and garbage sockets), NOREAD_CONNS (1), BLACKHOLE_CONNS (1),
# FRAGMENT_SIZE (16 MiB), LAT_N (5000) and LAT_WARMUP (500) round trips of MSG_SIZE (300) bytes
# per probe, SETTLE (2: seconds an attack runs before its probe starts), COOLDOWN (3: seconds after
# it), PROXY_ARGS (more flags for rtmtap proxy), RELEASE_BUILD BENCH_BUILD JOBS KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RELEASE_BUILD=${RELEASE_BUILD:-$ROOT/build-release}
BENCH_BUILD=${BENCH_BUILD:-$ROOT/build-bench}
JOBS=${JOBS:-2}
ATTACKS=${ATTACKS:-idle slowloris garbage noread blackhole fragments}
CONNS=${CONNS:-10000}
NOREAD_CONNS=${NOREAD_CONNS:-1}
BLACKHOLE_CONNS=${BLACKHOLE_CONNS:-1}
FRAGMENT_SIZE=${FRAGMENT_SIZE:-16777216}
LAT_N=${LAT_N:-5000}
LAT_WARMUP=${LAT_WARMUP:-500}
MSG_SIZE=${MSG_SIZE:-300}
SETTLE=${SETTLE:-2}
COOLDOWN=${COOLDOWN:-3}
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-300}

RTMTAP=$RELEASE_BUILD/bin/rtmtap
UPSTREAM=$BENCH_BUILD/bin/bench_upstream
CLIENT=$BENCH_BUILD/bin/bench_client
TMP=$(mktemp -d /tmp/rtmtap-attack.XXXXXX)
UP_PID=""
PX_PID=""
AT_PID=""

log() { echo "attack-bench: $*" >&2; }
die() { echo "attack-bench: error: $*" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
    stop_pid "$AT_PID"
    stop_pid "$PX_PID"
    stop_pid "$UP_PID"
    if [[ ${KEEP:-0} == 1 ]]; then
        log "logs and database kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

build_release_and_bench
[[ -x $RTMTAP && -x $UPSTREAM && -x $CLIENT ]] || die "binaries missing in $RELEASE_BUILD/bin or $BENCH_BUILD/bin"
# The attacker holds CONNS sockets, the proxy up to two per session: every process inherits this.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= CONNS + 1000)) || die "open-file limit $(ulimit -n) is too low for $CONNS connections (raise the hard limit)"

UP_PORT=$(free_port)
"$UPSTREAM" --listen "127.0.0.1:$UP_PORT" --lifetime 3600 >"$TMP/upstream.log" 2>&1 &
UP_PID=$!
wait_port "$UP_PORT" "$UP_PID" || { cat "$TMP/upstream.log" >&2; die "bench_upstream did not start"; }
PX_PORT=$(free_port)
while [[ $PX_PORT == "$UP_PORT" ]]; do PX_PORT=$(free_port); done
# shellcheck disable=SC2086
"$RTMTAP" proxy --listen "127.0.0.1:$PX_PORT" --upstream "ws://127.0.0.1:$UP_PORT" --db "$TMP/attack.db" \
    ${PROXY_ARGS:-} >"$TMP/proxy.log" 2>&1 &
PX_PID=$!
wait_port "$PX_PORT" "$PX_PID" || { cat "$TMP/proxy.log" >&2; die "rtmtap proxy did not start"; }
log "bench_upstream pid $UP_PID on port $UP_PORT, rtmtap proxy pid $PX_PID on port $PX_PORT"

# probe NAME: a fresh healthy session's round trips; sets PROBE (its RESULT line) and PROBE_ERROR.
probe() {
    local out="$TMP/probe-$1.out"
    PROBE=$(run_client "$out" latency "ws://127.0.0.1:$PX_PORT/echo" -n "$LAT_N" --warmup "$LAT_WARMUP" \
        --size "$MSG_SIZE" 2>/dev/null)
    PROBE_ERROR=""
    if [[ $(field ok "$PROBE") != 1 ]]; then
        # "latency run incomplete (0 of 5500 round trips): upgrade refused: HTTP/1.1 503 ..." becomes
        # "upgrade refused: HTTP/1.1 503 ... (0 of 5500 round trips)"
        PROBE_ERROR=$(sed -n 's/^bench_client: latency run incomplete (\(.*\)): \(.*\)$/\2 (\1)/p; s/^bench_client: //p' \
            "$out" | head -1)
        PROBE_ERROR=${PROBE_ERROR:-no result}
        PROBE=""  # its percentiles are of nothing
    fi
}

attack_args() {  # attack_args NAME: bench_client's arguments for that attack
    local base="ws://127.0.0.1:$PX_PORT"
    case $1 in
    idle | slowloris | garbage) echo "attack $base/idle --kind $1 -c $CONNS" ;;
    noread) echo "attack $base/burst?n=1000000000&size=1000 --kind noread -c $NOREAD_CONNS" ;;
    blackhole) echo "attack $base/blackhole --kind blackhole -c $BLACKHOLE_CONNS" ;;
    fragments) echo "attack $base/idle --kind fragments -c 1 --size $FRAGMENT_SIZE" ;;
    *) die "unknown attack '$1' (idle slowloris garbage noread blackhole fragments)" ;;
    esac
}

label() {
    case $1 in
    none) echo "no attack" ;;
    idle) echo "$CONNS idle sockets" ;;
    slowloris) echo "$CONNS slowloris sockets (1 byte/s)" ;;
    garbage) echo "$CONNS sockets sending junk, closing, again" ;;
    noread) echo "$NOREAD_CONNS client(s) never reading a flood" ;;
    blackhole) echo "$BLACKHOLE_CONNS session(s) to a black-hole upstream" ;;
    fragments) echo "$(calc "%.0f" "$FRAGMENT_SIZE / 1048576") MiB messages in 1-byte fragments" ;;
    esac
}

# seen RESULT: what an attacker saw, its non-zero counters.
seen() {
    local out="" key
    for key in connects connect_errors closed_by_peer cycles status_400 status_503 status_504 status_other \
        messages; do
        local v
        v=$(field "$key" "$1")
        [[ -n $v && $v != 0 ]] && out+="${out:+, }${key//_/ } $v"
    done
    echo "${out:-nothing}"
}

declare -A P50 P99 ERR SEEN RSS
run_phase() {  # run_phase NAME
    local name=$1 result
    if [[ $name != none ]]; then
        log "$name: starting the attack"
        # shellcheck disable=SC2046
        "$CLIENT" $(attack_args "$name") >"$TMP/attack-$name.out" 2>&1 &
        AT_PID=$!
        for ((i = 0; i < 600; i++)); do
            grep -q '^ATTACK_READY' "$TMP/attack-$name.out" 2>/dev/null && break
            kill -0 "$AT_PID" 2>/dev/null || break
            sleep 0.1
        done
        sleep "$SETTLE"
    fi
    log "$name: probe ($LAT_N round trips)"
    probe "$name"
    P50[$name]=$(field p50_us "$PROBE")
    P99[$name]=$(field p99_us "$PROBE")
    ERR[$name]=$PROBE_ERROR
    RSS[$name]=$(kib "$PX_PID" VmRSS 2>/dev/null || echo "")
    if [[ $name != none ]]; then
        stop_pid "$AT_PID"
        AT_PID=""
        result=$(grep '^RESULT' "$TMP/attack-$name.out" | tail -1 || true)
        SEEN[$name]=$( [[ -n $result ]] && seen "$result" || echo "no result: $(tail -1 "$TMP/attack-$name.out")")
        kill -0 "$PX_PID" 2>/dev/null || { ERR[$name]="the proxy died"; return 1; }
        sleep "$COOLDOWN"
    fi
}

run_phase none
DONE=(none)
for name in $ATTACKS; do
    attack_args "$name" >/dev/null
    DONE+=("$name")
    run_phase "$name" || { log "rtmtap died during $name: see $TMP/proxy.log (KEEP=1)"; break; }
done

HWM=$(kib "$PX_PID" VmHWM 2>/dev/null || echo "")
PX_STATUS="died"
if kill -0 "$PX_PID" 2>/dev/null; then
    kill -TERM "$PX_PID"
    PX_STATUS=0
    wait "$PX_PID" || PX_STATUS=$?
    PX_PID=""
fi

us() { [[ -n $1 ]] && echo "$1 µs" || echo "-"; }
ratio() { [[ -n $1 && -n $2 && $1 != 0 ]] && calc "%.2fx" "$2 / $1" || echo "-"; }
mib() { [[ -n $1 ]] && calc "%.1f MiB" "$1 / 1024" || echo "-"; }
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT with local changes"
echo "### rtmtap under attack"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($MODEL), Linux $(uname -r), rtmtap $COMMIT, load $(cut -d' ' -f1 /proc/loadavg)."
echo "Each probe: a new session, $LAT_N echo round trips of $MSG_SIZE B after $LAT_WARMUP, one in flight, started"
echo "${SETTLE} s into the attack. Attackers, upstream and proxy share the machine."
echo
echo "| Attack | p50 | p99 | p99 vs no attack | Probe | Attacker saw | Proxy RSS |"
echo "| --- | ---: | ---: | ---: | --- | --- | ---: |"
for name in "${DONE[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(label "$name")" "$(us "${P50[$name]:-}")" \
        "$(us "${P99[$name]:-}")" "$(ratio "${P99[none]:-}" "${P99[$name]:-}")" "${ERR[$name]:-ok}" \
        "${SEEN[$name]:--}" "$(mib "${RSS[$name]:-}")"
done
echo
echo "Proxy peak RSS (VmHWM) $(mib "$HWM"); exit status after SIGTERM: $PX_STATUS."
