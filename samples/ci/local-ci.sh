#!/usr/bin/env bash
# The CI recipe of github-actions.yml and gitlab-ci.yml, run locally with a built profilegen:
#   1. test stage: run the test suites under `profilegen record` (on the host, inside a podman container, or
#      with --engine: `profilegen record -- docker run IMAGE` on an image built from samples/ci/app.Dockerfile)
#   2. generate the profile from every trace
#   3. validate it
#   4. diff it against the committed profile with --fail-on risky, writing the markdown comment
#   5. "post" the comment (print it; CI posts it to the pull/merge request) and exit with diff's status
# Exit 0: nothing risky changed; 1: the gate failed (the comment says why); 2: a step could not run.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
profilegen=${PROFILEGEN:-$here/../../build/profilegen}
committed=$here/seccomp-profile.json
work=""
in_container=false
engine=""
risky_change=false
update=false

usage() {
  cat <<USAGE
usage: samples/ci/local-ci.sh [options]
  --profilegen PATH  the binary (default: build/profilegen, or \$PROFILEGEN)
  --committed FILE   the committed profile to diff against (default: samples/ci/seccomp-profile.json)
  --work DIR         keep traces, profile and comment here (default: a temporary folder, removed)
  --in-container     record inside a podman container (root; the host's / as a read-only rootfs)
  --engine E         record the app's image with `profilegen record -- E run IMAGE` (docker or podman; root;
                     the image is built offline from samples/ci/app.Dockerfile on a static busybox)
  --risky-change     simulate a change to the tests that makes the app call chroot(2): the gate must fail
  --update           after the diff, copy the new profile over the committed one (accept the change)
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --profilegen) profilegen=$2; shift 2 ;;
    --committed) committed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --in-container) in_container=true; shift ;;
    --engine) engine=$2; shift 2 ;;
    --risky-change) risky_change=true; shift ;;
    --update) update=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "local-ci.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "local-ci.sh: $*" >&2; exit 2; }
step() { printf '\n== %s\n' "$*"; }

[ -x "$profilegen" ] || die "$profilegen is not executable: build it first (cmake --build build --target profilegen)"
profilegen=$(cd "$(dirname "$profilegen")" && pwd)/$(basename "$profilegen")
busybox=""
for candidate in /bin/busybox /usr/bin/busybox; do
  if [ -x "$candidate" ] && file -L "$candidate" | grep -q 'statically linked'; then busybox=$candidate; break; fi
done
[ -n "$busybox" ] || die "a static busybox is needed (apt-get install busybox-static)"

cleanup_work=false
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/pg-local-ci.XXXXXX)
  cleanup_work=true
fi
mkdir -p "$work/traces" "$work/app"
rm -f "$work"/traces/*.json
rootfs=""
image="" base_image=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$rootfs" ] && mountpoint -q "$rootfs"; then umount "$rootfs"; fi
  if [ -n "$image" ]; then "$engine" rmi -f "$image" "$base_image" >/dev/null 2>&1; fi
  if $cleanup_work; then rm -rf "$work"; fi
}
trap cleanup EXIT

# The app's tests; --risky-change adds what a careless change might: a test that chroots.
cp "$here/app/run-tests.sh" "$work/app/run-tests.sh"
if $risky_change; then
  # chroot(2) is made (and recorded) even when it fails for lack of CAP_SYS_CHROOT.
  # shellcheck disable=SC2016
  sed -i 's|^echo "\$suite: ok"$|busybox chroot / busybox true 2>/dev/null \|\| true\n&|' "$work/app/run-tests.sh"
  grep -q chroot "$work/app/run-tests.sh" || die "could not apply --risky-change"
fi

record_host() {  # suite
  (cd "$work/app" && "$profilegen" record -q -o "$work/traces/$1.json" -- "$busybox" sh "$work/app/run-tests.sh" "$1")
}

record_in_podman() {  # suite
  # Recording needs the engine's own filter off (a call it denies never reaches the tracer) and, for --pid
  # or Yama hosts, CAP_SYS_PTRACE. The rootfs is the host's / read-only; the bind mounts go below a tmpfs.
  if [ -z "$rootfs" ]; then
    command -v podman >/dev/null || die "--in-container needs podman"
    [ "$(id -u)" = 0 ] || die "--in-container needs root (it bind-mounts / as the rootfs)"
    rootfs=$work/rootfs
    mkdir -p "$rootfs"
    if ! { mount --bind / "$rootfs" && mount -o remount,bind,ro "$rootfs"; }; then
      die "cannot bind-mount / on $rootfs"
    fi
    printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$work/containers.conf"
  fi
  CONTAINERS_CONF=$work/containers.conf podman run --rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
    --network none --tmpfs /run:notmpcopyup --tmpfs /tmp:notmpcopyup --tmpfs /opt:notmpcopyup --workdir /tmp \
    --cap-add SYS_PTRACE --security-opt seccomp=unconfined \
    -v "$profilegen:/opt/profilegen/profilegen:ro" -v "$work/app:/opt/app:ro" -v "$work/traces:/opt/traces" \
    --rootfs "$rootfs" \
    /opt/profilegen/profilegen record -q -o "/opt/traces/$1.json" -- /bin/busybox sh /opt/app/run-tests.sh "$1"
}

engine_opts=()
build_image() {  # the app image from app.Dockerfile, on a base made offline from the static busybox
  case "$engine" in
    docker) docker info >/dev/null 2>&1 || die "--engine docker: no Docker daemon answers (start dockerd, or set DOCKER_HOST)" ;;
    podman)
      printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$work/containers.conf"
      export CONTAINERS_CONF=$work/containers.conf
      engine_opts=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768) ;;
    *) die "--engine wants docker or podman, got '$engine'" ;;
  esac
  base_image=profilegen-ci-base:$$ image=profilegen-ci-app:$$
  mkdir -p "$work/base/bin" "$work/base/tmp"
  cp "$busybox" "$work/base/bin/busybox" && "$work/base/bin/busybox" --install -s "$work/base/bin" 2>/dev/null
  ln -sf /bin/busybox "$work/base/bin/sh"
  tar -C "$work/base" -c . | "$engine" import - "$base_image" >/dev/null || die "$engine import failed"
  "$engine" build -q -f "$here/app.Dockerfile" --build-arg "BASE=$base_image" -t "$image" "$here" >/dev/null 2>&1 ||
    die "$engine build -f samples/ci/app.Dockerfile failed"
}

record_engine() {  # suite: the container is the unit of recording; unit is the image's own CMD
  local cmd=()
  [ "$1" = unit ] || cmd=(sh /app/run-tests.sh "$1")
  echo "\$ profilegen record -o traces/$1.json -- $engine run --rm --network none $image ${cmd[*]}"
  "$profilegen" record -q -o "$work/traces/$1.json" -- "$engine" run --rm --network none "${engine_opts[@]}" \
    "$image" "${cmd[@]}"
}

step "1. test stage: run the test suites under profilegen record$($in_container && echo ' (inside podman)')${engine:+ -- $engine run}"
[ -z "$engine" ] || build_image
for suite in unit integration; do
  if [ -n "$engine" ]; then
    record_engine "$suite"
  else
    echo "\$ profilegen record -o traces/$suite.json -- busybox sh run-tests.sh $suite"
    if $in_container; then record_in_podman "$suite"; else record_host "$suite"; fi
  fi
  rc=$?
  [ "$rc" = 0 ] || die "the $suite tests failed under the recorder (exit $rc)"
done

step "2. generate the profile from every trace"
# A container trace says which runtime ran it; host traces need --runtime.
runtime_flag=(--runtime runc)
[ -z "$engine" ] || runtime_flag=()
echo "\$ profilegen generate ${runtime_flag[*]}${runtime_flag[*]:+ }-o profile.json traces/*.json"
"$profilegen" generate "${runtime_flag[@]}" -o "$work/profile.json" "$work"/traces/*.json || die "generate failed"

step "3. validate it"
echo "\$ profilegen validate profile.json"
"$profilegen" validate "$work/profile.json" || die "the generated profile does not validate"

step "4. diff against the committed profile (gate: --fail-on risky)"
if [ ! -f "$committed" ]; then
  $update || die "no committed profile at $committed (run once with --update to create it)"
  cp "$work/profile.json" "$committed"
  echo "created $committed: commit it"
  exit 0
fi
# Run from the repository root so that the comment names the committed profile as the pull request shows it.
repo=$(cd "$here/../.." && pwd)
committed=$(cd "$(dirname "$committed")" && pwd)/$(basename "$committed")
shown=${committed#"$repo/"}
echo "\$ profilegen diff --format markdown --fail-on risky $shown profile.json > comment.md"
(cd "$repo" && "$profilegen" diff --format markdown --fail-on risky "$shown" "$work/profile.json") >"$work/comment.md"
gate=$?
[ "$gate" -le 1 ] || die "diff could not compare the profiles (exit $gate)"
(cd "$repo" && "$profilegen" diff "$shown" "$work/profile.json")

step "5. the comment CI posts on the pull request (comment.md)"
cat "$work/comment.md"

if $update; then
  cp "$work/profile.json" "$committed"
  echo "updated $committed"
fi
if [ "$gate" = 1 ]; then
  echo "local-ci.sh: the gate failed: the change adds or widens a risky syscall; review comment.md" >&2
fi
exit "$gate"
