#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for SECONDS (default 30) on its seed
# corpus (fuzz/corpus/<name>), new inputs going to build-fuzz/fuzz/corpus-<name> (never to the committed seeds).
# Prints each target's executions and coverage; exits 1 if any target crashed, leaked, hung or aborted (the
# reproducer is left as build-fuzz/fuzz/crash-* / leak-* / timeout-*).
# Usage: scripts/fuzz.sh [SECONDS]       (make fuzz; FUZZ_SECONDS=N make fuzz)
#        scripts/fuzz.sh --build-only    (scripts/test_all.sh builds beside the suite, runs after it)
#        scripts/fuzz.sh --no-build [SECONDS]
set -uo pipefail
step=all
case "${1:-}" in
  --build-only) step=build; shift ;;
  --no-build) step=run; shift ;;
esac
seconds=${1:-${FUZZ_SECONDS:-30}}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
jobs=${JOBS:-$(nproc)}
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }

targets=(profile_parse_fuzz:profile trace_parse_fuzz:trace merge_fuzz:merge)
names=()
for t in "${targets[@]}"; do names+=("${t%%:*}"); done
if [ "$step" != run ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DPROFILEGEN_FUZZ=ON -DPROFILEGEN_TESTS=OFF \
    -DPROFILEGEN_BENCH=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" >/dev/null || exit 2
  cmake --build "$build" -j "$jobs" --target "${names[@]}" >/dev/null || { echo "fuzz.sh: build failed" >&2; exit 2; }
  [ "$step" = build ] && exit 0
fi

# The targets run side by side (each is one process; the machine has cores to spare while they run).
for t in "${targets[@]}"; do
  name=${t%%:*} seeds=${t##*:}
  scratch=$build/fuzz/corpus-$seeds
  mkdir -p "$scratch"; rm -f "$build/fuzz/$name.rc"
  (cd "$build/fuzz" && "./$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    "$scratch" "$root/fuzz/corpus/$seeds" >"$name.log" 2>&1; echo $? >"$name.rc") &
done
wait

failed=0
printf '%-20s %8s %12s %10s %8s %8s  %s\n' target seconds executions "exec/s" cov ft result
for t in "${targets[@]}"; do
  name=${t%%:*}
  log=$build/fuzz/$name.log
  rc=$(cat "$build/fuzz/$name.rc" 2>/dev/null || echo 99)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc, see $log)"
    failed=1
  fi
  printf '%-20s %8s %12s %10s %8s %8s  %s\n' "$name" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit "$failed"
