#!/usr/bin/env bash
# The issue-9 replay benchmark: `rtmtap replay` serving a generated recording (bench/gen: about
# 2,000 AirSend server frames over 20 s, bursts included, written to a database and exported to
# JSONL as a user would) to 1 and to 100 clients at once (bench_replay_client, one epoll thread),
# at --speed 1 and 10, then with --no-timing. Prints a markdown table on stdout (progress on
# stderr): the scheduling error the clients see (arrival - (ws_auth sent + offset / speed)), the
# replay's own figure (its Scheduler's lateness, taken as each frame's send starts: per client
# p50 and p99 from --json), frames/s, and the replay's CPU time. Then, if perf works here, a
# profile of the replay during one 100-client run at speed 1.
#
#   bench/replay.sh              everything (about three minutes)
#   QUICK=1 bench/replay.sh      a 4-second recording (400 frames), no profile
#   NO_BUILD=1 bench/replay.sh   use the binaries already built
#   PERF=0 bench/replay.sh       no profile
# Other knobs (environment): FRAMES (all frames of the recorded session, both directions; the
# server's are about 90%) SPAN (seconds) BURST_EVERY (seconds) BURST_FRAMES SEED CLIENTS ("1 100")
# SPEEDS ("1 10") STEADY_CLIENTS (100: one more run at speed 1 of a recording without bursts; "": none)
# REPEAT (rounds of each timed case; every round is shown) BUILD JOBS
# RTMTAP (another rtmtap binary, to compare builds) REPLAY_ARGS (more flags for rtmtap replay) KEEP=1 (keep the temp dir: logs, JSON, perf data).
# Everything runs on 127.0.0.1 and every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-replay}
JOBS=${JOBS:-2}
if [[ ${QUICK:-0} == 1 ]]; then
    : "${FRAMES:=440}" "${SPAN:=4}" "${PERF:=0}"
fi
FRAMES=${FRAMES:-2200}
SPAN=${SPAN:-20}
BURST_EVERY=${BURST_EVERY:-4}
BURST_FRAMES=${BURST_FRAMES:-60}
SEED=${SEED:-1}
CLIENTS=${CLIENTS:-"1 100"}
SPEEDS=${SPEEDS:-"1 10"}
REPEAT=${REPEAT:-1}
PERF=${PERF:-1}
PERF_CLIENTS=${PERF_CLIENTS:-100}
STEADY_CLIENTS=${STEADY_CLIENTS-100}  # speed 1 once more with a recording without bursts ("": not)
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-60}

RTMTAP=${RTMTAP:-$BUILD/bin/rtmtap}  # another build of rtmtap to compare: RTMTAP=path NO_BUILD=1
GENBIN=$BUILD/bin/rtmtap_gen
CLIENT=$BUILD/bin/bench_replay_client
TMP=$(mktemp -d /tmp/rtmtap-replay-bench.XXXXXX)
REC=$TMP/recording.jsonl
STEADY_REC=$TMP/steady.jsonl
RP_PID=""

log() { echo "replay-bench: $*" >&2; }
die() { echo "replay-bench: error: $*" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

cleanup() {
    stop_pid "$RP_PID"
    if [[ ${KEEP:-0} == 1 ]]; then
        log "logs, JSON and perf data kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT


loadavg() { cut -d' ' -f1 /proc/loadavg; }

# The recording: one session of FRAMES frames over SPAN seconds with bursts, through the database
# and `rtmtap export`, as a user's recording reaches `rtmtap replay`. It ends with the client's
# close: a session the recorded server dropped is replayed with a drop, and today that drop can
# reset the connection and lose frames still queued to a slow client (bench/README.md).
make_recording() {  # make_recording FILE BURST_FRAMES
    local name
    name=$(basename "$1" .jsonl)
    log "generating $name: $FRAMES frames over $SPAN s, a burst of $2 server events every $BURST_EVERY s"
    "$GENBIN" --db "$TMP/$name.db" --force --sessions 1 --frames "$FRAMES" --big-session "$FRAMES" \
        --big-span "$SPAN" --burst-every "$BURST_EVERY" --burst-frames "$2" --big-client-closes --seed "$SEED" \
        >"$TMP/$name-gen.json" 2>"$TMP/$name-gen.log" || { cat "$TMP/$name-gen.log" >&2; die "rtmtap_gen failed"; }
    "$RTMTAP" export 1 --db "$TMP/$name.db" -o "$1" 2>"$TMP/$name-export.log" ||
        { cat "$TMP/$name-export.log" >&2; die "rtmtap export failed"; }
}

# replay_case NAME CLIENTS MODE [PERF]: MODE is a speed or "none" (--no-timing). Starts a fresh
# replay, runs the clients, stops the replay (its --json report comes at the end), and sets
# RESULT (the client's RESULT line), SERVER ("p50_us=.. p99_us=.." over the clients: the median
# of their p50s, the largest of their p99s), CPU_MS (the replay's CPU time) and LOAD.
replay_case() {
    local name=$1 n=$2 mode=$3 profile=${4:-0} port args=() cargs=() t0 perf_pid=""
    port=$(free_port)
    if [[ $mode == none ]]; then
        args=(--no-timing)
        cargs=(--no-timing)
    else
        args=(--speed "$mode")
        cargs=(--speed "$mode")
    fi
    # shellcheck disable=SC2086 # REPLAY_ARGS is a list of flags
    "$RTMTAP" replay "${CASE_REC:-$REC}" --listen "127.0.0.1:$port" --json "${args[@]}" ${REPLAY_ARGS:-} \
        >"$TMP/$name.json" 2>"$TMP/$name.err" &
    RP_PID=$!
    wait_port "$port" "$RP_PID" || { cat "$TMP/$name.err" >&2; die "rtmtap replay did not start"; }
    t0=$(cpu_ticks "$RP_PID")
    if [[ $profile == 1 ]]; then
        perf record -e cpu-clock -F 999 -g -p "$RP_PID" -o "$TMP/perf.data" >"$TMP/perf-record.log" 2>&1 &
        perf_pid=$!
        sleep 0.5
    fi
    LOAD=$(loadavg)
    timeout $((CLIENT_TIMEOUT + SPAN * 2)) "$CLIENT" --recording "${CASE_REC:-$REC}" --url "ws://127.0.0.1:$port/" -c "$n" \
        "${cargs[@]}" --timeout "$CLIENT_TIMEOUT" >"$TMP/$name.out" 2>&1 ||
        { cat "$TMP/$name.out" >&2; log "bench_replay_client failed in $name (see above)"; }
    RESULT=$(grep '^RESULT' "$TMP/$name.out" | tail -1 || true)
    CPU_MS=$(calc "%.0f" "($(cpu_ticks "$RP_PID") - $t0) * 1000 / $(getconf CLK_TCK)")
    if [[ -n $perf_pid ]]; then
        kill -INT "$perf_pid" 2>/dev/null || true
        wait "$perf_pid" 2>/dev/null || true
    fi
    stop_pid "$RP_PID"
    RP_PID=""
    SERVER=$(grep '^{' "$TMP/$name.json" | tail -1 | jq -r '
        [.replays[] | select(.started)] as $r
        | if ($r | length) == 0 then "" else
            ([$r[].schedule_error_p50_ms] | sort | .[(length - 1) / 2 | floor]) as $p50
            | ([$r[].schedule_error_p99_ms] | max) as $p99
            | "p50_us=\($p50 * 1000 | round) p99_us=\($p99 * 1000 | round) replays=\($r | length)"
          end' 2>/dev/null || true)
}

# --- set-up -----------------------------------------------------------------------------------
command -v jq >/dev/null || die "jq is needed to read the replay's --json report"
build_targets rtmtap rtmtap_gen bench_replay_client
[[ -x $RTMTAP && -x $GENBIN && -x $CLIENT ]] || die "binaries missing in $BUILD/bin (run without NO_BUILD=1)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
make_recording "$REC" "$BURST_FRAMES"
[[ -z $STEADY_CLIENTS ]] || make_recording "$STEADY_REC" 0
PERF_NOTE=""
if [[ $PERF == 1 ]]; then
    if ! command -v perf >/dev/null; then
        PERF=0 PERF_NOTE="perf is not installed: no profile."
    elif ! perf record -e cpu-clock -g -o "$TMP/probe.data" true >/dev/null 2>&1; then
        PERF=0 PERF_NOTE="perf record does not work here (perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)): no profile."
    elif ! perf stat -e instructions true 2>&1 | grep -q '[0-9] *instructions'; then
        PERF_NOTE="No hardware counters in this VM (perf stat -e instructions: not supported): the profile samples cpu-clock."
    fi
fi

# --- the matrix -------------------------------------------------------------------------------
ROWS=()
FAILURES=0
PLANNED="?"
STEADY_PLANNED="?"
row() { printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
# timed_row LABEL CLIENTS: one row of the timed table from RESULT, SERVER, CPU_MS and LOAD.
timed_row() {
    row "$1" "$2" "$(us "$(field error_p50_us "$RESULT")") / $(us "$(field error_p99_us "$RESULT")")" \
        "$(us "$(field error_max_us "$RESULT")")" \
        "$(us "$(field start_median_us "$RESULT")") / $(us "$(field start_max_us "$RESULT")")" \
        "$(us "$(field spacing_p99_us "$RESULT")")" "$(us "$(field read_error_p99_us "$RESULT")")" \
        "$(us "$(field p50_us "$SERVER")") / $(us "$(field p99_us "$SERVER")")" "$CPU_MS ms" "$LOAD"
}
us() { [[ -n $1 ]] && echo "$1 µs" || echo "n/a"; }
for speed in $SPEEDS; do
    for n in $CLIENTS; do
        for ((r = 1; r <= REPEAT; r++)); do
            log "speed $speed, $n client(s), round $r"
            replay_case "speed$speed-c$n-r$r" "$n" "$speed"
            PLANNED=$(field frames "$RESULT")
            [[ $(field ok "$RESULT") == 1 ]] || FAILURES=$((FAILURES + 1))
            ROWS+=("$(timed_row "$speed" "$n")")
        done
    done
done
if [[ -n $STEADY_CLIENTS ]]; then
    for ((r = 1; r <= REPEAT; r++)); do
        log "speed 1, $STEADY_CLIENTS client(s), the recording without bursts, round $r"
        CASE_REC=$STEADY_REC replay_case "steady-c$STEADY_CLIENTS-r$r" "$STEADY_CLIENTS" 1
        STEADY_PLANNED=$(field frames "$RESULT")
        [[ $(field ok "$RESULT") == 1 ]] || FAILURES=$((FAILURES + 1))
        ROWS+=("$(timed_row "1, no bursts" "$STEADY_CLIENTS")")
    done
fi
TP_ROWS=()
for n in $CLIENTS; do
    for ((r = 1; r <= REPEAT; r++)); do
        log "--no-timing, $n client(s), round $r"
        replay_case "none-c$n-r$r" "$n" none
        [[ $(field ok "$RESULT") == 1 ]] || FAILURES=$((FAILURES + 1))
        TP_ROWS+=("$(printf '| %s | %s | %s | %s | %s |' "$n" "$(field received "$RESULT")" \
            "$(calc "%.0f" "$(field frames_per_s "$RESULT") + 0")" "$(calc "%.1f" "$(field seconds "$RESULT") * 1000") ms" "$CPU_MS ms")")
    done
done
PROFILE=""
if [[ $PERF == 1 ]]; then
    log "speed 1, $PERF_CLIENTS clients, under perf record"
    replay_case "perf-c$PERF_CLIENTS" "$PERF_CLIENTS" 1 1
    PERF_RESULT=$RESULT
    PERF_SERVER=$SERVER
    PROFILE=$(perf report -i "$TMP/perf.data" --stdio --no-children --sort comm,dso,sym --percent-limit 1.5 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -25 || true)
    perf report -i "$TMP/perf.data" --stdio --children --sort sym --percent-limit 3 >"$TMP/perf-children.txt" 2>/dev/null || true
fi

# --- the table --------------------------------------------------------------------------------
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT with local changes"
echo "### rtmtap replay benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($MODEL), Linux $(uname -r), rtmtap $COMMIT."
echo "Recording: bench/gen, one session of $FRAMES frames ($PLANNED server frames replayed) over about $SPAN s," \
    "a burst of $BURST_FRAMES server events every $BURST_EVERY s (seed $SEED), exported to JSONL. The replay, its" \
    "clients (bench_replay_client, one epoll thread) and whatever else runs on this machine share its CPUs;" \
    "\"load\" is the 1-minute load average as each run began."
if [[ -n $STEADY_CLIENTS ]]; then
    echo "\"No bursts\": the same with --burst-frames 0 ($STEADY_PLANNED server frames)."
fi
echo
echo "Scheduling error: \"clients\" is what a client sees, arrival - (its ws_auth sent + recorded offset / speed)," \
    "over every frame of every client, arrival being the kernel's receive stamp (SO_TIMESTAMPING) of the frame;" \
    "a client's start delay is its smallest error (its ws_auth's way in, the replay's start, one send), and" \
    "\"less the start\" takes it off each of its errors: the spacing of the frames alone;" \
    "\"as read\" takes the time bench_replay_client's read returned instead (its one thread serves every socket);" \
    "\"replay\" is the replay's own figure (its scheduler's lateness as a send starts), the median of the clients'" \
    "p50s and the largest of their p99s. Target: p99 < 1 ms at speed 1."
echo
row "Speed" "Clients" "Clients p50 / p99" "Clients max" "Start delay median / max" "p99 less the start" \
    "p99 as read" "Replay p50 / p99" "Replay CPU" "Load"
row "---:" "---:" "---:" "---:" "---:" "---:" "---:" "---:" "---:" "---:"
printf '%s\n' "${ROWS[@]}"
echo
echo "--no-timing (every frame at once): frames received by all the clients together, per second from the first" \
    "ws_auth to the last frame."
echo
printf '| %s | %s | %s | %s | %s |\n' "Clients" "Frames" "Frames/s" "Time" "Replay CPU"
printf '| %s | %s | %s | %s | %s |\n' "---:" "---:" "---:" "---:" "---:"
printf '%s\n' "${TP_ROWS[@]}"
echo
if [[ -n $PERF_NOTE ]]; then
    echo "$PERF_NOTE"
    echo
fi
if [[ $PERF == 1 ]]; then
    echo "Profile: \`perf record -e cpu-clock -g -p PID\` of the replay during one more run at speed 1 with" \
        "$PERF_CLIENTS clients (clients p99 $(us "$(field error_p99_us "$PERF_RESULT")"), replay p99" \
        "$(us "$(field p99_us "$PERF_SERVER")") under perf); self time by thread, object and symbol, above 1.5%:"
    echo
    echo '```'
    echo "$PROFILE"
    echo '```'
    echo
fi
if ((FAILURES > 0)); then
    echo "$FAILURES client run(s) failed (missing or out-of-place frames): see the messages above (KEEP=1 keeps the logs)."
    exit 1
fi
