#!/usr/bin/env bash
# Runs every published profile in tests/validator/published/ through an engine -- podman (default) or Docker --
# with runc and with crun, no-new-privileges off and on, on a static busybox rootfs (`busybox echo hi`), and
# prints one line per run:
#   PROFILE RUNTIME NNP started|failed RC
# "started" means the container printed "hi" and exited 0. The lines are what published/RESULTS.txt (podman) and
# published/RESULTS.docker.txt record and what the validator test checks `validate` against.
# Docker: the machine's daemon when one answers (crun only if it has a runtime named crun), else one of our own
# with crun added as a runtime (through the same hybrid-cgroup wrapper podman gets, scripts/engines.sh).
# Usage: published_engines.sh [--engine podman|docker] [--only NAME.json]...
# Exit: 0 done, 77 skipped (no root or engine, and CI is not true).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../../scripts/engines.sh
. "$src/scripts/engines.sh"
only=()
engine=podman
while [ $# -gt 0 ]; do
  case $1 in
    --only) only+=("$2"); shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    *) echo "published_engines.sh: error: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $engine in
  podman) eng_require root runc crun podman busybox unshare ;;
  docker) eng_require root runc crun docker dockerd busybox unshare ;;
  *) echo "published_engines.sh: error: --engine podman or docker, not $engine" >&2; exit 2 ;;
esac
export TMPDIR=/var/tmp
eng_init
# Container names carry this helper's prefix (other sessions run containers on the same machine).
eng_new_id() {
  ENG_SEQ=$(( ${ENG_SEQ:-0} + 1 ))
  echo "profilegen-core-$BASHPID-$ENG_SEQ-$RANDOM"
}
rootfs=$(eng_rootfs_busybox)
runtimes=(runc crun)
# remove_image: the imported image goes at any exit (a failed run too), before a dockerd of ours stops.
remove_image() { [ -n "${image:-}" ] && docker rmi "$image" >/dev/null 2>&1; return 0; }
if [ "$engine" = docker ]; then
  eng_on_exit remove_image
  ENG_DOCKERD_ARGS="--add-runtime crun=$ENG_WORK/crun-hybrid" eng_start_dockerd >&2
  if ! docker info --format '{{json .Runtimes}}' | grep -q '"crun"'; then
    echo "published_engines.sh: the running dockerd has no runtime named crun: runc only" >&2
    runtimes=(runc)
  fi
  image=profilegen-published-busybox:$$
  tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
fi
# run_docker PROFILE RUNTIME NNP: `busybox echo hi` under the profile with Docker.
run_docker() {
  local opts=(--rm --network none --runtime "$2" --security-opt "seccomp=$1")
  [ "$3" = true ] && opts+=(--security-opt no-new-privileges)
  docker run "${opts[@]}" "$image" /bin/busybox echo hi
}
for f in "$here"/published/*.json; do
  name=$(basename "$f")
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then continue; fi
  for runtime in "${runtimes[@]}"; do
    for nnp in false true; do
      out=$ENG_WORK/out.txt
      if [ "$engine" = docker ]; then
        rc=$(eng_capture "$out" run_docker "$f" "$runtime" "$nnp")
      else
        rc=$(eng_capture "$out" eng_podman --rootfs "$rootfs" --profile "$f" --nnp "$nnp" --runtime "$runtime" -- \
          /bin/busybox echo hi)
      fi
      if [ "$rc" = 0 ] && grep -qx hi "$out"; then state=started; else state=failed; fi
      echo "$name $runtime $nnp $state $rc"
      [ "$state" = failed ] && sed 's/^/    | /' "$out" | head -3 >&2
    done
  done
done
exit 0
