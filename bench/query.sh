#!/usr/bin/env bash
# The issue-5 query benchmark: on a generated database of 10 million frames (bench/gen,
# rtmtap_gen), the time each `rtmtap query`, `stats`, `export`, `import` and `lint` takes, as a markdown
# table on stdout (progress on stderr). Every command is timed as a whole process (start-up
# included), WARMUP runs first and not counted, then RUNS counted; the median is quoted. The page
# cache is warm: these are the figures of a database that is in use, not of a cold disk.
#
#   bench/query.sh               build (Release), generate the database once, time everything
#   GEN=1 bench/query.sh         generate the database again (it is kept in bench/data/)
#   QUICK=1 bench/query.sh       a 1,000,000-frame database of 200 sessions (a quick check)
#   NO_BUILD=1 bench/query.sh    use the binaries already built
#   NO_LINT=1 bench/query.sh    without the two lint rows (minutes on 10 million frames)
#   PG=1 bench/query.sh          the same table read from PostgreSQL (issue 16): the database is
#                                shipped (`rtmtap ship`, timed) into a throwaway local cluster
#                                (bench/lib.sh pg_cluster_start) and every command gets its URL
#   PG=1 PG_URL=URL bench/query.sh   read from a server that already holds the shipped file
# Other knobs (environment): FRAMES SESSIONS BIG (frames of the big session) SEED RUNS WARMUP
# BUILD (build directory, default build-bench-query: build-bench is bench/run.sh's build of
# bench/ alone) DATA (default bench/data) JOBS KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench-query}
DATA=${DATA:-$ROOT/bench/data}
JOBS=${JOBS:-2}
if [[ ${QUICK:-0} == 1 ]]; then
    : "${FRAMES:=1000000}" "${SESSIONS:=200}"
fi
FRAMES=${FRAMES:-10000000}
SESSIONS=${SESSIONS:-2000}
BIG=${BIG:-100000}
SEED=${SEED:-1}
RUNS=${RUNS:-7}
WARMUP=${WARMUP:-1}

RTMTAP=$BUILD/bin/rtmtap
GENBIN=$BUILD/bin/rtmtap_gen
NAME=rtmtap-${FRAMES}f-${SESSIONS}s-${BIG}b-seed${SEED}
DB=$DATA/$NAME.db
FACTS=$DATA/$NAME.json
TMP=$(mktemp -d /tmp/rtmtap-query-bench.XXXXXX)
FAILURES=0

log() { echo "query-bench: $*" >&2; }
die() { echo "query-bench: error: $*" >&2; exit 1; }

cleanup() {
    [[ ${PG:-0} == 1 ]] && pg_cluster_stop "$TMP/pg"
    if [[ ${KEEP:-0} == 1 ]]; then
        log "outputs kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"


# The database is made once and kept with its facts (the generator's JSON) beside it.
generate() {
    mkdir -p "$DATA"
    if [[ ${GEN:-0} != 1 && -s $DB && -s $FACTS ]]; then
        log "reusing $DB (GEN=1 makes it again)"
        return 0
    fi
    log "generating $DB: $FRAMES frames, $SESSIONS sessions, one of $BIG frames (takes minutes)"
    rm -f "$FACTS"
    "$GENBIN" --db "$DB" --force --frames "$FRAMES" --sessions "$SESSIONS" --big-session "$BIG" --seed "$SEED" \
        >"$FACTS.tmp" || die "rtmtap_gen failed"
    mv "$FACTS.tmp" "$FACTS"
}

# fact KEY: a top-level value of the facts object (numbers and plain strings only).
fact() {
    local v
    v=$(sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$FACTS")
    [[ -n $v ]] || die "no \"$1\" in $FACTS (GEN=1 makes the database and its facts again)"
    echo "$v"
}

now_us() {
    if [[ -n ${EPOCHREALTIME:-} ]]; then
        echo "${EPOCHREALTIME/[.,]/}"
    else
        echo $(($(date +%s%N) / 1000))
    fi
}

# measure CMD...: runs it WARMUP + RUNS times (BEFORE, if set, is run before each, untimed).
# Sets MED_MS MIN_MS MAX_MS (empty on failure) and RC (the first non-zero exit status, or 0).
measure() {
    local i t0 t1
    local -a times=()
    RC=0
    MED_MS="" MIN_MS="" MAX_MS=""
    for ((i = 0; i < WARMUP + RUNS; i++)); do
        [[ -z ${BEFORE:-} ]] || eval "$BEFORE"
        t0=$(now_us)
        "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
        t1=$(now_us)
        if ((RC != 0)); then
            log "exit $RC: $*"
            sed 's/^/    /' "$TMP/err" | head -5 >&2
            return 0
        fi
        ((i < WARMUP)) || times+=($((t1 - t0)))
    done
    read -r MIN_MS MED_MS MAX_MS < <(printf '%s\n' "${times[@]}" | sort -n | awk '
        { t[NR] = $1 }
        END {
            m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.1f %.1f %.1f\n", t[1] / 1000, m / 1000, t[NR] / 1000
        }')
}

row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

# timed LABEL MATCHES TARGET_MS CMD...: one row of the table (TARGET_MS "-": no target).
timed() {
    local label=$1 matches=$2 target=$3 met=""
    shift 3
    log "timing: $label"
    measure "$@"
    if [[ -z $MED_MS ]]; then
        FAILURES=$((FAILURES + 1))
        row "\`$label\`" "$matches" "exit $RC" "" "${target/#[0-9]*/< $target ms}" "failed"
        return 0
    fi
    if [[ $target != - ]]; then
        met=$(awk -v m="$MED_MS" -v t="$target" 'BEGIN { print (m < t) ? "yes" : "**no**" }')
        target="< $target ms"
    fi
    row "\`$label\`" "$matches" "$MED_MS" "$MIN_MS–$MAX_MS" "$target" "$met"
}

# --- set-up -----------------------------------------------------------------------------------
build_targets rtmtap rtmtap_gen
[[ -x $RTMTAP && -x $GENBIN ]] || die "rtmtap or rtmtap_gen missing in $BUILD/bin (run without NO_BUILD=1)"
generate

BIG_ID=$(fact big_session)
BIG_FRAMES=$(fact big_session_frames)
RARE_EVENT=$(fact rare_event)
RARE_CHANNEL=$(fact rare_channel)
COMMON_CHANNEL=$(fact common_channel)
MESSAGE=$(fact message_id)
USER=$(fact user_id)
RARE_WORD=$(fact rare_word)
COMMON_WORD=$(fact common_word)
SINCE=$(fact since)
UNTIL=$(fact until)
typed() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$FACTS"; }  # a count of frames_by_type
POSTS=$(($(typed 'chat.postMessage') + $(typed 'chat.postMessage (bot)')))
BYTES=$(stat -c %s "$DB")

# --- the table --------------------------------------------------------------------------------
MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT with local changes"
echo "### rtmtap query benchmark$([[ ${PG:-0} == 1 ]] && echo ", read from PostgreSQL")"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($MODEL), Linux $(uname -r), rtmtap $COMMIT."
echo "Database: $(commas "$(fact frames)") frames in $(commas "$(fact sessions)") sessions over 7 days" \
    "(bench/gen, seed $SEED), $(calc "%.2f" "$BYTES / 1073741824") GiB; generated in $(fact seconds) s" \
    "($(commas "$(fact frames_per_s)") frames/s). Each command is a whole process, median of $RUNS runs" \
    "after $WARMUP warm-up (warm page cache); \"frames matching\" counts all the frames the filter matches."
echo
row "Command" "Frames matching" "Median ms" "Min–max ms" "Target" "Met"
row "---" "---:" "---:" "---:" "---" "---"

D=(--db "$DB")
if [[ ${PG:-0} == 1 && -n ${PG_URL:-} ]]; then
    D=(--db "$PG_URL")
elif [[ ${PG:-0} == 1 ]]; then
    pg_cluster_start "$TMP/pg"
    "$RTMTAP" ship --init --to "$PG_URL" >/dev/null || die "ship --init failed"
    log "shipping $DB into PostgreSQL"
    t0=$(now_us)
    "$RTMTAP" ship --db "$DB" --to "$PG_URL" --proxy-name bench 2>"$TMP/ship.err" || { cat "$TMP/ship.err" >&2; die "ship failed"; }
    t1=$(now_us)
    SHIP_MS=$(calc "%.0f" "($t1 - $t0) / 1000")
    row "\`ship\` (the whole file into an empty server, once)" "$(commas "$(fact frames)")" "$SHIP_MS" "" "-" \
        "$(commas "$(calc "%.0f" "$(fact frames) / ($SHIP_MS / 1000)")") frames/s"
    D=(--db "$PG_URL")
fi
timed "query --event chat.postMessage --limit 50 --jsonl" "$(commas "${POSTS:-0}")" 100 \
    "$RTMTAP" query "${D[@]}" --event chat.postMessage --limit 50 --jsonl
timed "query --event $RARE_EVENT --limit 50" "$(commas "$(fact rare_event_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --event "$RARE_EVENT" --limit 50
timed "query --channel $RARE_CHANNEL --limit 50" "$(commas "$(fact rare_channel_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --channel "$RARE_CHANNEL" --limit 50
timed "query --channel $COMMON_CHANNEL --limit 50" "$(commas "$(fact common_channel_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --channel "$COMMON_CHANNEL" --limit 50
timed "query --session $BIG_ID --limit 50" "$(commas "$BIG_FRAMES")" 100 \
    "$RTMTAP" query "${D[@]}" --session "$BIG_ID" --limit 50
timed "query --since $SINCE --until $UNTIL --limit 50" "$(commas "$(fact window_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --since "$SINCE" --until "$UNTIL" --limit 50
timed "query --message $MESSAGE --limit 50" "$(commas "$(fact message_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --message "$MESSAGE" --limit 50
timed "query --user $USER --limit 50" "$(commas "$(fact user_frames)")" 100 \
    "$RTMTAP" query "${D[@]}" --user "$USER" --limit 50
timed "query --text $RARE_WORD --limit 50" "$(commas "$(fact rare_word_frames)")" 500 \
    "$RTMTAP" query "${D[@]}" --text "$RARE_WORD" --limit 50
timed "query --text $COMMON_WORD --limit 50" "$(commas "$(fact common_word_frames)")" 500 \
    "$RTMTAP" query "${D[@]}" --text "$COMMON_WORD" --limit 50
# Combined and whole-result figures (no target in the issue): a common word narrowed by a rare
# channel (the blocks are read, not the word's millions of matches), and counting every match.
MIXED=$("$RTMTAP" query "${D[@]}" --text "$COMMON_WORD" --channel "$RARE_CHANNEL" --count || true)
timed "query --text $COMMON_WORD --channel $RARE_CHANNEL --limit 50" "$(commas "${MIXED:-0}")" - \
    "$RTMTAP" query "${D[@]}" --text "$COMMON_WORD" --channel "$RARE_CHANNEL" --limit 50
timed "query --event chat.postMessage --count" "$(commas "${POSTS:-0}")" - \
    "$RTMTAP" query "${D[@]}" --event chat.postMessage --count
timed "stats $BIG_ID" "$(commas "$BIG_FRAMES")" 1000 "$RTMTAP" stats "${D[@]}" "$BIG_ID"

# Export the big session once (timed, no target), then import it into a fresh database per run.
JSONL=$TMP/big.jsonl
FRESH=$TMP/fresh.db
timed "export $BIG_ID -o big.jsonl" "$(commas "$BIG_FRAMES")" - "$RTMTAP" export "${D[@]}" "$BIG_ID" -o "$JSONL"
if [[ -s $JSONL ]]; then
    log "timing: import"
    # shellcheck disable=SC2016 # expanded by measure's eval, before each run
    BEFORE='rm -f "$FRESH" "$FRESH-wal" "$FRESH-shm"' measure "$RTMTAP" import "$JSONL" --db "$FRESH"
    if [[ -n $MED_MS ]]; then
        RATE=$(calc "%.0f" "$BIG_FRAMES / ($MED_MS / 1000)")
        MET=$(awk -v r="$RATE" 'BEGIN { print (r >= 200000) ? "yes" : "**no**" }')
        row "\`import big.jsonl\` (fresh database)" "$(commas "$BIG_FRAMES")" "$MED_MS" "$MIN_MS–$MAX_MS" \
            "≥ 200,000 frames/s" "$MET: $(commas "$RATE") frames/s"
        if command -v sqlite3 >/dev/null; then
            GOT=$(sqlite3 "$FRESH" 'SELECT count(*) FROM frames')
            [[ $GOT == "$BIG_FRAMES" ]] || { log "import wrote $GOT frames, not $BIG_FRAMES"; FAILURES=$((FAILURES + 1)); }
        fi
    else
        FAILURES=$((FAILURES + 1))
        row "\`import big.jsonl\` (fresh database)" "$(commas "$BIG_FRAMES")" "exit $RC" "" "≥ 200,000 frames/s" "failed"
    fi
fi

# lint reads every frame of every session and parses each payload once for all its rules
# (issue 13: under 10 s for 1,000,000 frames, i.e. QUICK=1). The second row runs one trivial
# rule: reading and parsing alone, so the rules' own share is the difference. Exit 1 means
# findings were printed, which generated traffic has: only 2 is a failure here.
lint_ok() { local rc=0; "$@" || rc=$?; ((rc <= 1)); }
if [[ ${NO_LINT:-0} == 1 ]]; then
    echo
    exit $((FAILURES > 0))
fi
LINT_TARGET=-
[[ $(fact frames) == 1000000 ]] && LINT_TARGET=10000
timed "lint --json (every rule, every session)" "$(commas "$(fact frames)")" "$LINT_TARGET" \
    lint_ok "$RTMTAP" lint "${D[@]}" --json
timed "lint --rules invalid-json --json (reading and parsing only)" "$(commas "$(fact frames)")" - \
    lint_ok "$RTMTAP" lint "${D[@]}" --rules invalid-json --json
echo
if ((FAILURES > 0)); then
    echo "$FAILURES command(s) failed: see the messages above."
    exit 1
fi
