#!/usr/bin/env bash
# Times, in one run, a container start unconfined (`ENGINE run --rm IMAGE CMD`) against the same start under
# `profilegen record -- ENGINE run --rm IMAGE CMD`, for docker and podman, and prints the ratios (medians of
# REPS runs, interleaved so that load changes hit both alike). Ratios, not absolute times: the machine is noisy.
#
#   bench/container_bench.sh [build/profilegen]        (root; starts its own dockerd when none answers)
#   REPS=9 ENGINES="docker podman" bench/container_bench.sh
#   BEFORE=/path/to/older/profilegen bench/container_bench.sh build/profilegen   (both, interleaved, one run)
#   RUN_SECONDS=1 bench/container_bench.sh          (the container runs 1 s longer: `; sleep 1`)
#
# The image is made offline: FROM scratch with a static busybox. The command is the busybox test command of
# tests/e2e/container_record.sh. The recorded start includes what record adds: the engine's facts (`docker
# info`; podman's from record's cache, or on a miss read from the run: conmon, `RUNTIME --version`, `podman
# --version`), the image's config (`image inspect`; podman's read from its store on disk when certain, else
# cached or asked), and the tracer inside the container. "cold" times record
# with an empty facts cache (a fresh XDG_CACHE_HOME per sample: a configuration's first recording, e.g. every
# recording on a fresh CI machine); docker is never cached, so it has no cold line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-build/profilegen}")
before=${BEFORE:+$(realpath "$BEFORE")}
reps=${REPS:-7}
engines=${ENGINES:-docker podman}
work=$(mktemp -d /var/tmp/profilegen-bench.XXXXXX)
tag=bench$$
ENG_WORK=$work
# shellcheck source=../scripts/engines.sh
. "$here/../scripts/engines.sh"
cleanup() {
  for e in $engines; do "$e" rmi -f "profilegen-bench-busybox:$tag" >/dev/null 2>&1 || true; done
  eng_stop_dockerd
  rm -rf "$work"
}
trap cleanup EXIT
case " $engines " in *" docker "*) eng_start_dockerd >&2 ;; esac
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$work/containers.conf"
# record's podman facts cache (engines/facts_cache.h) in this run's own folder: the first recording fills it.
export CONTAINERS_CONF=$work/containers.conf
mkdir -p "$work/img/bin" "$work/img/tmp" "$work/out"
cp "$(command -v busybox)" "$work/img/bin/busybox" && ln -s busybox "$work/img/bin/sh"
for e in $engines; do tar -C "$work/img" -c . | "$e" import - "profilegen-bench-busybox:$tag" >/dev/null 2>&1; done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

# RUN_SECONDS=N: the container also sleeps N s (a longer container hides the facts question asked during its run).
cmd=(sh -c "echo hi; mkdir /tmp/d && ls -a /tmp/d${RUN_SECONDS:+; sleep $RUN_SECONDS}")
names=(after) bins=("$bin")
[ -n "$before" ] && names+=(before) bins+=("$before")
for e in $engines; do
  opts=(--rm --network none)
  [ "$e" = podman ] && opts+=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
  img=profilegen-bench-busybox:$tag
  plain=()
  declare -A warm=() cold=()
  "$e" run "${opts[@]}" "$img" "${cmd[@]}" >/dev/null 2>&1  # warm-up
  for i in $(seq "$reps"); do
    plain+=("$(ms "$e" run "${opts[@]}" "$img" "${cmd[@]}")")
    # The binaries' order alternates between samples: a recording's leftovers (podman's --rm cleanup) slow
    # whatever runs next, so a fixed order would favour one of them.
    order=("${!names[@]}")
    [ $((i % 2)) = 0 ] && [ ${#names[@]} = 2 ] && order=(1 0)
    for k in "${order[@]}"; do
      n=${names[$k]} b=${bins[$k]}
      # One cache per binary, filled by its first recording.
      warm[$n]+=" $(XDG_CACHE_HOME=$work/cache-$n ms "$b" record -q -o "$work/out/t.json" -- "$e" run "${opts[@]}" "$img" "${cmd[@]}")"
      [ "$e" = podman ] &&
        cold[$n]+=" $(XDG_CACHE_HOME=$work/cold-$n-$i ms "$b" record -q -o "$work/out/t.json" -- "$e" run "${opts[@]}" "$img" "${cmd[@]}")"
    done
  done
  p=$(printf '%s\n' "${plain[@]}" | median)
  printf '%-7s busybox start, unconfined %5s ms (median of %s; load %s)\n' "$e" "$p" "$reps" "$(cut -d' ' -f1-3 /proc/loadavg)"
  for n in "${names[@]}"; do
    # shellcheck disable=SC2086
    w=$(printf '%s\n' ${warm[$n]} | median)
    printf '%-7s   record (%-6s) warm %5s ms = %s x' "$e" "$n" "$w" "$(ratio "$w" "$p")"
    if [ -n "${cold[$n]:-}" ]; then
      # shellcheck disable=SC2086
      c=$(printf '%s\n' ${cold[$n]} | median)
      printf ' | cold (empty facts cache) %5s ms = %s x' "$c" "$(ratio "$c" "$p")"
    fi
    printf '\n'
  done
  unset warm cold
done
