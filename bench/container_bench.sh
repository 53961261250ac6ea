#!/usr/bin/env bash
# Times, in one run, a container start unconfined (`ENGINE run --rm IMAGE CMD`) against the same start under
# `profilegen record -- ENGINE run --rm IMAGE CMD`, for docker and podman, and prints the ratios (medians of
# REPS runs, interleaved so that load changes hit both alike). Ratios, not absolute times: the machine is noisy.
#
#   bench/container_bench.sh [build/profilegen]        (root; a Docker daemon answering `docker info`)
#   REPS=9 ENGINES="docker podman" bench/container_bench.sh
#
# The image is made offline: FROM scratch with a static busybox. The command is the busybox test command of
# tests/e2e/container_record.sh. The recorded start includes what record adds: `info` and `image inspect`
# queries to the engine (podman's from record's cache after the first run; a second line times podman with
# an empty cache), and the tracer inside the container.
set -euo pipefail
bin=$(realpath "${1:-build/profilegen}")
reps=${REPS:-7}
engines=${ENGINES:-docker podman}
case " $engines " in
  *" docker "*) docker info >/dev/null 2>&1 || { echo "container_bench: no Docker daemon answers (set DOCKER_HOST)" >&2; exit 2; } ;;
esac
work=$(mktemp -d /var/tmp/profilegen-bench.XXXXXX)
tag=bench$$
cleanup() {
  for e in $engines; do "$e" rmi -f "profilegen-bench-busybox:$tag" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$work/containers.conf"
# record's podman facts cache (engines/facts_cache.h) in this run's own folder: the first recording fills it.
export XDG_CACHE_HOME=$work/cache
export CONTAINERS_CONF=$work/containers.conf
mkdir -p "$work/img/bin" "$work/img/tmp" "$work/out"
cp "$(command -v busybox)" "$work/img/bin/busybox" && ln -s busybox "$work/img/bin/sh"
for e in $engines; do tar -C "$work/img" -c . | "$e" import - "profilegen-bench-busybox:$tag" >/dev/null 2>&1; done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'; }

cmd=(sh -c 'echo hi; mkdir /tmp/d && ls -a /tmp/d')
for e in $engines; do
  opts=(--rm --network none)
  [ "$e" = podman ] && opts+=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
  img=profilegen-bench-busybox:$tag
  plain=() rec=()
  "$e" run "${opts[@]}" "$img" "${cmd[@]}" >/dev/null 2>&1  # warm-up
  cold=()
  for i in $(seq "$reps"); do
    plain+=("$(ms "$e" run "${opts[@]}" "$img" "${cmd[@]}")")
    rec+=("$(ms "$bin" record -q -o "$work/out/t.json" -- "$e" run "${opts[@]}" "$img" "${cmd[@]}")")
    # podman with an empty cache (every recording's cost before the cache, and a first recording's now).
    [ "$e" = podman ] && cold+=("$(XDG_CACHE_HOME=$work/cold$i ms "$bin" record -q -o "$work/out/t.json" -- "$e" run "${opts[@]}" "$img" "${cmd[@]}")")
  done
  p=$(printf '%s\n' "${plain[@]}" | median) r=$(printf '%s\n' "${rec[@]}" | median)
  printf '%-7s busybox start: unconfined %5s ms | profilegen record %5s ms | %s x unconfined  (medians of %s)\n' \
    "$e" "$p" "$r" "$(ratio "$r" "$p")" "$reps"
  if [ "${#cold[@]}" -gt 0 ]; then
    c=$(printf '%s\n' "${cold[@]}" | median)
    printf '%-7s   with an empty facts cache: profilegen record %5s ms | %s x unconfined\n' "$e" "$c" "$(ratio "$c" "$p")"
  fi
done
