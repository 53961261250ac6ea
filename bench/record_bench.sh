#!/usr/bin/env bash
# Times, in one run, each workload natively, under `strace -f -o /dev/null`, under `profilegen record` with each
# CPU placement (--cpus all, the default: no pinning; same: tracer and command on one CPU) and under
# `record --known` (default placement), and prints ratios of the medians of REPS runs.
# Workloads: a syscall-heavy loop (dd bs=1), tar, a 4-thread sample, and parallel ones that size themselves by
# the CPUs they see: a thread pool, `xz -T0` and `make -j$(nproc)` of a few C files.
# Ratios, not absolute times: these machines are noisy. ONLY=regex picks workloads by label.
set -euo pipefail
bin=$(realpath "${1:-build/profilegen}")
samples=$(dirname "$bin")/samples
reps=${REPS:-5}
dd_count=${DD_COUNT:-200000}
only=${ONLY:-.}
tmp=$(mktemp -d /var/tmp/profilegen-bench-XXXXXX)
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
  [[ $label =~ $only ]] || return 0
  "$bin" record -q -o "$tmp/known.json" -- "$@" >/dev/null 2>&1
  local native strace all same known
  native=$(time_ms "$@")
  strace=$(time_ms strace -f -qq -o /dev/null "$@")
  all=$(time_ms "$bin" record -q --cpus all -o "$tmp/t.json" -- "$@")
  same=$(time_ms "$bin" record -q --cpus same -o "$tmp/t.json" -- "$@")
  known=$(time_ms "$bin" record -q --known "$tmp/known.json" -o "$tmp/t.json" -- "$@")
  printf '%-30s native %6s ms | strace -f %5s x | record --cpus all %5s x (%s x strace) | same %5s x (%s x strace) | --known %5s x\n' \
    "$label" "$native" "$(ratio "$strace" "$native")" \
    "$(ratio "$all" "$native")" "$(ratio "$all" "$strace")" \
    "$(ratio "$same" "$native")" "$(ratio "$same" "$strace")" "$(ratio "$known" "$native")"
}

# Inputs for the parallel workloads: a 4 MB file for xz (cut into 1 MB blocks, one per thread at a time), and a
# few C files with a Makefile.
for i in $(seq 10); do head -c 225000 /dev/urandom | base64 -w 76; seq 1 20000; done >"$tmp/xz.in"
mkdir -p "$tmp/build"
for i in 1 2 3 4 5 6; do
  {
    for f in $(seq 60); do
      echo "static double f$f(double x) { for (int i = 0; i < 10; ++i) x = x * 1.0001 + $f; return x; }"
    done
    echo "double unit$i(double x) { return 0"
    for f in $(seq 60); do echo " + f$f(x)"; done
    echo "; }"
  } >"$tmp/build/unit$i.c"
done
printf 'OBJS = %s\nall: $(OBJS)\n%%.o: %%.c\n\tcc -O2 -c $< -o $@\n' "$(echo unit{1..6}.o)" >"$tmp/build/Makefile"

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "profilegen record benchmark: $(nproc) CPUs, median of $reps runs, $(uname -r), load average $load"
echo "(each record ratio is against native; in brackets against strace -f)"
bench "dd bs=1 count=$dd_count" dd if=/dev/zero of=/dev/null bs=1 count="$dd_count"
bench "tar of /usr/include" tar cf /dev/null /usr/include
bench "4 threads (samples/threads)" "$samples/threads"
bench "thread pool on all CPUs" "$samples/thread_pool" 100000
bench "xz -T0 -1 of 4 MB, 1 MB blocks" xz -T0 -1 --block-size=1MiB -c "$tmp/xz.in"
bench "make -j\$(nproc), 6 C files" sh -c "cd '$tmp/build' && rm -f *.o && make -s -j\$(nproc)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
