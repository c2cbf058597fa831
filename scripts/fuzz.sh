#!/usr/bin/env bash
# Runs each libFuzzer target (tests/fuzz/<Name>Fuzz.cpp, ASan+UBSan) for SECONDS (default 60), one
# after the other, and prints per target the executions, executions a second and crashes.
#   scripts/fuzz.sh [SECONDS]        every target
#   FUZZ_TARGETS="Relay Utf8" scripts/fuzz.sh 600
# Installs Debian's clang-14 and libclang-rt-14-dev when missing (only this script needs them),
# builds into build-fuzz/ with clang, and starts each target from tests/fuzz/corpus/<Name>. New
# inputs go to a scratch folder ($FUZZ_WORK, default build-fuzz/work/<Name>), never into the repo;
# crashes to build-fuzz/work/crashes/. A crash worth keeping: minimise it (the target's
# -minimize_crash=1 -runs=10000 <file>), add it to the corpus and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "rtmtap: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/install-deps

dir=build-fuzz
targets=(${FUZZ_TARGETS:-$(sed -n 's/^rtmtap_fuzz_target(\([A-Za-z0-9]*\).*/\1/p' tests/fuzz/CMakeLists.txt)})
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTMTAP_FUZZ=ON -DRTMTAP_TESTS=OFF >/dev/null
build=()
for t in "${targets[@]}"; do build+=(--target "fuzz_$t"); done
cmake --build "$dir" -j"$(nproc)" "${build[@]}" >/dev/null

work="${FUZZ_WORK:-$dir/work}"
mkdir -p "$work/crashes"
printf '%-12s %12s %10s %8s\n' target executions exec/s crashes
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  before=$(ls "$work/crashes" | grep -c "^$t-" || true)
  # The scratch folder first: libFuzzer writes new inputs into the first corpus folder only.
  "$dir/bin/fuzz_$t" "$work/$t" "tests/fuzz/corpus/$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/crashes/$t-" -max_len=65536 -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1 || status=1
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  after=$(ls "$work/crashes" | grep -c "^$t-" || true)
  printf '%-12s %12s %10s %8s\n' "$t" "${runs:-?}" "${rate:-?}" "$((after - before))"
done
if [ $status -ne 0 ]; then
  echo "rtmtap: a target crashed: see $work/<target>.log and $work/crashes/" >&2
fi
exit $status
