#!/usr/bin/env bash
# Scan speed: the whole of glibc (and the loader) analysed from scratch, then the same scan from the cache, and
# python3 with all its libraries both ways. Prints wall-clock times (best of 3) and the cached/uncached ratio,
# for profilegen (Zydis) and profilegen-static (Capstone, the decoder inside containers), and the ratio of the
# two decoders' uncached times.
# Usage: bench/reach_bench.sh [BUILD_DIR]
set -u
build=$(realpath "${1:-build}")
cache=$(mktemp -d /var/tmp/profilegen-reach-bench.XXXXXX)
trap 'rm -rf "$cache"' EXIT
libc=$(realpath /lib/x86_64-linux-gnu/libc.so.6)
best() {  # best of 3 wall-clock seconds of "$@"; a cold run first empties the cache when $cold is set
  local b=999
  for _ in 1 2 3; do
    [ -n "${cold:-}" ] && rm -rf "${cache:?}"/*
    local t0 t1
    t0=$(date +%s.%N)
    PROFILEGEN_CACHE_DIR=$cache "$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s.%N)
    b=$(echo "$t1 - $t0" | bc -l | awk -v b="$b" '{print ($1 < b) ? $1 : b}')
  done
  echo "$b"
}
for target in "$libc" /usr/bin/python3; do
  zydis=""
  for pg in "$build/profilegen" "$build/profilegen-static"; do
    [ -x "$pg" ] || { echo "$pg is not built: skipped"; continue; }
    uncached=$(cold=1 best "$pg" scan "$target")
    cached=$(best "$pg" scan "$target")
    printf '%-18s %-40s analysed %6.3f s   cached %6.3f s   ratio %5.1fx\n' "$(basename "$pg")" "$target" \
      "$uncached" "$cached" "$(echo "$uncached / $cached" | bc -l)"
    if [ -z "$zydis" ]; then
      zydis=$uncached
    else
      printf '%-18s %-40s Capstone / Zydis uncached: %5.2fx\n' "" "$target" "$(echo "$uncached / $zydis" | bc -l)"
    fi
  done
done
