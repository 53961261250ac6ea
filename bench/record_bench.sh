#!/usr/bin/env bash
# Times, in one run, the native command, `profilegen record`, `strace -f -o /dev/null` and `record --known`
# on a syscall-heavy loop and on a realistic workload, and prints the ratios (medians of REPS runs).
# Ratios, not absolute times: these machines are noisy.
set -euo pipefail
bin=${1:-build/profilegen}
reps=${REPS:-5}
dd_count=${DD_COUNT:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

time_ms() {  # median wall time in ms of REPS runs of "$@"
  local times=()
  for _ in $(seq "$reps"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

bench() {
  local label=$1
  shift
  "$bin" record -q -o "$tmp/known.json" -- "$@" >/dev/null 2>&1
  local native record record_free strace known
  native=$(time_ms "$@")
  record=$(time_ms "$bin" record -q -o "$tmp/t.json" -- "$@")
  record_free=$(time_ms "$bin" record -q --cpus all -o "$tmp/t.json" -- "$@")
  strace=$(time_ms strace -f -qq -o /dev/null "$@")
  known=$(time_ms "$bin" record -q --known "$tmp/known.json" -o "$tmp/t.json" -- "$@")
  printf '%-34s native %6s ms | record %6s ms (%s x native, %s x strace) | record --cpus all %6s ms (%s x strace) | strace -f %6s ms (%s x native) | record --known %6s ms (%s x native)\n' \
    "$label" "$native" "$record" "$(ratio "$record" "$native")" "$(ratio "$record" "$strace")" \
    "$record_free" "$(ratio "$record_free" "$strace")" "$strace" "$(ratio "$strace" "$native")" \
    "$known" "$(ratio "$known" "$native")"
}

echo "profilegen record benchmark: $(nproc) CPUs, median of $reps runs, $(uname -r)"
bench "dd bs=1 count=$dd_count" dd if=/dev/zero of=/dev/null bs=1 count="$dd_count"
bench "tar of /usr/include" tar cf /dev/null /usr/include
bench "4 threads (samples/threads)" "$(dirname "$bin")/samples/threads"
