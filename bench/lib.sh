# Shared by the bench scripts (sourced after they define log() and die()).

stop_pid() {  # stop_pid PID: SIGTERM, up to 30 s, then SIGKILL
    local pid=$1 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid ignored SIGTERM for 30 s: killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {  # a port nothing listens on (racy, but only we start servers here)
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 30000))
        port_open "$p" || { echo "$p"; return 0; }
    done
    die "no free port found"
}

wait_port() {  # wait_port PORT PID: up to 20 s for the port to accept, while PID lives
    local i
    for ((i = 0; i < 200; i++)); do
        kill -0 "$2" 2>/dev/null || return 1
        port_open "$1" && return 0
        sleep 0.1
    done
    return 1
}

kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }  # kib PID VmRSS
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }  # utime + stime
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }  # field KEY "RESULT k=v ...": v
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# run_client OUTFILE MODE URL ARGS...: runs $CLIENT (bench_client) for at most $CLIENT_TIMEOUT s,
# returns its RESULT line on stdout (empty when it printed none).
run_client() {
    local out=$1
    shift
    if ! timeout "$CLIENT_TIMEOUT" "$CLIENT" "$@" --timeout 120 >"$out" 2>&1; then
        cat "$out" >&2
        log "bench_client $1 failed (see above)"
    fi
    grep '^RESULT' "$out" | tail -1 || true
}

# Builds rtmtap (Release, RELEASE_BUILD; not with DIRECT_ONLY=1) and the bench tools (BENCH_BUILD),
# logs in TMP; NO_BUILD=1 skips it all.
build_release_and_bench() {
    [[ ${NO_BUILD:-0} == 1 ]] && return 0
    if [[ ${DIRECT_ONLY:-0} != 1 ]]; then
        log "building rtmtap (Release) in $RELEASE_BUILD"
        cmake -S "$ROOT" -B "$RELEASE_BUILD" -DCMAKE_BUILD_TYPE=Release -DRTMTAP_TESTS=OFF >"$TMP/build.log" 2>&1 ||
            { cat "$TMP/build.log" >&2; die "cmake configure of rtmtap failed"; }
        cmake --build "$RELEASE_BUILD" -j"$JOBS" --target rtmtap >>"$TMP/build.log" 2>&1 ||
            { tail -40 "$TMP/build.log" >&2; die "building rtmtap failed"; }
    fi
    log "building the bench tools (Release) in $BENCH_BUILD"
    cmake -S "$ROOT/bench" -B "$BENCH_BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/build-bench.log" 2>&1 ||
        { cat "$TMP/build-bench.log" >&2; die "cmake configure of bench/ failed"; }
    cmake --build "$BENCH_BUILD" -j"$JOBS" >>"$TMP/build-bench.log" 2>&1 ||
        { tail -40 "$TMP/build-bench.log" >&2; die "building the bench tools failed"; }
}

# build_targets TARGET...: a Release build of rtmtap with bench/ (RTMTAP_BENCH, no tests) in
# $BUILD, only the targets named; skipped with NO_BUILD=1. Its log goes to $TMP/build.log.
build_targets() {
    [[ ${NO_BUILD:-0} == 1 ]] && return 0
    log "building $* (Release) in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRTMTAP_BENCH=ON -DRTMTAP_TESTS=OFF >"$TMP/build.log" 2>&1 ||
        { cat "$TMP/build.log" >&2; die "cmake configure failed"; }
    cmake --build "$BUILD" -j"${JOBS:-2}" --target "$@" >>"$TMP/build.log" 2>&1 ||
        { tail -40 "$TMP/build.log" >&2; die "building $* failed"; }
}

# A throwaway PostgreSQL cluster for the benchmarks that ship or read there (issue 16), on a Unix
# socket in DIR. As root, initdb and postgres refuse to run: the cluster then belongs to `nobody`.
# Settings are a modest server's (2 GiB of shared buffers, WAL room for a 10M-frame load); fsync
# stays on, so the figures are those of a durable server.
pg_bin() {  # pg_bin NAME: the server binary, from PATH or Debian's /usr/lib/postgresql/*/bin
    local d
    command -v "$1" 2>/dev/null && return 0
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [[ -x $d/$1 ]] && { echo "$d/$1"; return 0; }
    done
    die "PostgreSQL's $1 not found: apt-get install postgresql-15"
}

pg_as_owner() {  # runs a command as the cluster's owner
    if [[ $(id -u) == 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pg_cluster_start() {  # pg_cluster_start DIR: sets PG_URL (database "bench")
    local dir=$1
    mkdir -p "$dir"
    # nobody must reach the folder: the temp folder above it is 0700 root
    [[ $(id -u) == 0 ]] && { chown nobody "$dir"; chmod o+x "$(dirname "$dir")"; }
    pg_as_owner "$(pg_bin initdb)" -D "$dir/data" -A trust -E UTF8 --no-locale -U rtmtap >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    pg_as_owner "$(pg_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w start -o \
        "-k $dir -c listen_addresses='' -c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min \
         -c maintenance_work_mem=512MB -c work_mem=64MB -c dynamic_shared_memory_type=mmap" >/dev/null ||
        { tail -20 "$dir/server.log" >&2; die "the PostgreSQL server did not start"; }
    "$(pg_bin createdb)" -h "$dir" -U rtmtap bench || die "createdb failed"
    PG_URL="postgresql:///bench?host=$dir&user=rtmtap"
}

pg_cluster_stop() {  # pg_cluster_stop DIR
    [[ -d $1/data ]] || return 0
    pg_as_owner "$(pg_bin pg_ctl)" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}
