#!/usr/bin/env bash
# End-to-end test of `profilegen record -- docker run ... IMAGE` and `-- podman run ... IMAGE` with the real
# engines and real images made offline: FROM scratch + static busybox, FROM scratch + a static musl program,
# and Debian 12 with nginx, redis and curl (mmdebstrap, cached under /var/tmp/profilegen-images).
#
# For each engine and image, with and without no-new-privileges: record, generate (no runtime flags: the trace
# says what ran it), then --runs runs under the profile, each with the same output and exit status as the
# unconfined run; the profile without mkdir/mkdirat fails with EPERM. `record --reachable` per image: the
# reachable section describes the image's files and holds every observed syscall. Then (busybox): the image's own CMD
# recorded when no command is given, -d with `stop`, SIGTERM and SIGUSR1 to profilegen, the error cases, and a docker
# (runc) trace merged with a podman-crun trace getting both runtime layers.
#
# Starts its own dockerd when none answers (own socket and data folder) and stops it after.
# Needs root, docker, podman, busybox-static, musl-gcc, python3 and (for the Debian image) a cached image or
# mmdebstrap. Exit 77 (skip) when missing, exit 1 under CI=true.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: container_record.sh --profilegen PATH [--runs N] [--engines "docker podman"] [--only busybox|musl|debian|cache]
  --profilegen PATH  the profilegen binary (profilegen-static must be beside it)
  --runs N           confined runs per variant (default 20)
  --engines LIST     engines to test (default "docker podman")
  --only IMAGE       test one image only; "cache": podman's facts cache and cold facts only
EOF
}

PROFILEGEN="" RUNS=20 ENGINES="docker podman" ONLY=""
while [ $# -gt 0 ]; do
  case $1 in
    --profilegen) PROFILEGEN=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --engines) ENGINES=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$PROFILEGEN" ] || { usage >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/engines.sh
. "$HERE/../../scripts/engines.sh"
eng_require root docker podman busybox musl-gcc python3 runc crun
PROFILEGEN=$(realpath "$PROFILEGEN")
[ -x "$(dirname "$PROFILEGEN")/profilegen-static" ] || { eng_err "no profilegen-static beside $PROFILEGEN"; exit 1; }
DEBIAN_TAR=$ENG_IMAGES_CACHE/debian12.tar  # made by eng_debian_image (make_images) when missing

# Work below /var/tmp: bind-mount sources must be host paths the engines see.
TMPDIR=/var/tmp eng_init
TAG="e2e$$"
# podman's engine facts are cached (engines/facts_cache.h): in this run's own folder, not the machine's.
export XDG_CACHE_HOME=$ENG_WORK/cache
CREATED_IMAGES=()   # "engine image" pairs to remove

remove_created() {
  local pair
  for pair in "${CREATED_IMAGES[@]}"; do
    # shellcheck disable=SC2086
    set -- $pair
    "$1" rm -f $("$1" ps -aq --filter "name=profilegen-e2e-$TAG" 2>/dev/null) >/dev/null 2>&1 || true
    "$1" rmi -f "$2" >/dev/null 2>&1 || true
  done
}
eng_on_exit remove_created


# The crun variant of podman: crun through the hybrid-cgroup wrapper, under the runtime name "crun".
cat >"$ENG_WORK/containers-crun-named.conf" <<EOF
[engine]
runtime = "crun"
cgroup_manager = "cgroupfs"
[engine.runtimes]
crun = ["$ENG_WORK/crun-hybrid"]
EOF

# engine_cmd ENGINE: the client and the options every run gets.
engine_cmd() {
  case $1 in
    docker) echo "docker" ;;
    podman) echo "podman" ;;
    podman-crun) echo "podman" ;;
  esac
}
engine_env() {  # prints the CONTAINERS_CONF for ENGINE
  case $1 in podman-crun) echo "$ENG_WORK/containers-crun-named.conf" ;; *) echo "$ENG_WORK/containers.conf" ;; esac
}
run_opts() {  # run options every run gets
  case $1 in
    docker) echo "--rm --network none" ;;
    *) echo "--rm ${ENG_PODMAN_OPTS[*]}" ;;  # holds --network none
  esac
}

# make_images: FROM-scratch folders and the Debian tarball, imported into each engine's store once.
make_images() {
  local bb musl
  bb=$ENG_WORK/img-busybox; musl=$ENG_WORK/img-musl
  mkdir -p "$bb/bin" "$bb/tmp" "$bb/etc" "$musl/tmp" "$musl/etc"
  chmod 1777 "$bb/tmp" "$musl/tmp"  # as in real images: a non-root --user can write /tmp
  cp "$(command -v busybox)" "$bb/bin/busybox"; ln -s busybox "$bb/bin/sh"
  for a in echo mkdir ls sleep cat; do ln -s busybox "$bb/bin/$a"; done
  musl-gcc -static -O2 -o "$musl/app" "$HERE/musl_app.c"
  file "$musl/app" | grep -q 'statically linked' || { eng_err "musl app is not static"; return 1; }
  if [ -z "$ONLY" ] || [ "$ONLY" = debian ]; then
    DEBIAN_TAR=$(eng_debian_image) || exit $?
  fi
  local e client
  for e in docker podman; do
    case " $ENGINES " in *" $e "*|*" $e-crun "*) ;; *) continue ;; esac
    client=$e
    tar -C "$bb" -c . | CONTAINERS_CONF=$ENG_WORK/containers.conf $client import \
      --change 'CMD ["/bin/sh","-c","echo image-cmd; mkdir /tmp/c && echo made; exit 3"]' - "profilegen-e2e-busybox:$TAG" >/dev/null
    CREATED_IMAGES+=("$client profilegen-e2e-busybox:$TAG")
    tar -C "$musl" -c . | CONTAINERS_CONF=$ENG_WORK/containers.conf $client import \
      --change 'ENTRYPOINT ["/app"]' --change 'CMD ["0"]' - "profilegen-e2e-musl:$TAG" >/dev/null
    CREATED_IMAGES+=("$client profilegen-e2e-musl:$TAG")
    if [ -s "$DEBIAN_TAR" ] && { [ -z "$ONLY" ] || [ "$ONLY" = debian ]; }; then
      CONTAINERS_CONF=$ENG_WORK/containers.conf $client import "$DEBIAN_TAR" "profilegen-e2e-debian:$TAG" >/dev/null
      CREATED_IMAGES+=("$client profilegen-e2e-debian:$TAG")
    fi
  done
}

# The test command per image, and the expected exit status.
DEBIAN_CMD='mkdir /tmp/d && nginx && curl -s http://127.0.0.1/ | grep -o "Welcome to nginx" | head -n 1;
redis-server --daemonize yes --port 6379 --save "" --logfile /tmp/redis.log;
i=0; sleep 0.1; until redis-cli ping 2>/dev/null | grep -q PONG || [ $i -ge 50 ]; do sleep 0.1; i=$((i+1)); done;
redis-cli set k v; redis-cli get k; redis-cli shutdown nosave >/dev/null 2>&1; nginx -s quit 2>/dev/null; echo done; exit 4'
image_cmd() {
  case $1 in
    busybox) printf '%s\0' sh -c 'echo hi; mkdir /tmp/d && ls -a /tmp/d; exit 7' ;;
    musl) printf '%s\0' 5 ;;   # appended to the image's ENTRYPOINT ["/app"]
    debian) printf '%s\0' sh -c "$DEBIAN_CMD" ;;
  esac
}
image_status() { case $1 in busybox) echo 7 ;; musl) echo 5 ;; debian) echo 4 ;; esac; }

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# crun 1.8.1 needs the hybrid wrapper; nothing else to set up for docker.
# variant ENGINE IMAGE NNP: record, generate, confined runs, EPERM.
variant() {
  local engine=$1 image=$2 nnp=$3 client conf opts nnp_opt=() cmd=() out="$ENG_WORK/$1-$2-$3" rc want base i same=0
  client=$(engine_cmd "$engine"); conf=$(engine_env "$engine"); read -ra opts <<<"$(run_opts "$engine")"
  [ "$nnp" = true ] && nnp_opt=(--security-opt no-new-privileges)
  mapfile -d '' cmd < <(image_cmd "$image")
  want=$(image_status "$image")
  local img="profilegen-e2e-$image:$TAG"
  mkdir -p "$out"
  export CONTAINERS_CONF=$conf
  # Unconfined reference run.
  rc=$(eng_capture "$out/unconfined.txt" "$client" run "${opts[@]}" "${nnp_opt[@]}" --security-opt seccomp=unconfined "$img" "${cmd[@]}")
  [ "$rc" = "$want" ] || { fail "$engine $image nnp=$nnp: unconfined run exited $rc, expected $want"; sed 's/^/    | /' "$out/unconfined.txt"; return; }
  # Record.
  local t0 t1
  t0=$(date +%s%N)
  rc=$(eng_capture "$out/record.txt" "$PROFILEGEN" record -q -o "$out/trace.json" -- "$client" run "${opts[@]}" "${nnp_opt[@]}" "$img" "${cmd[@]}")
  t1=$(date +%s%N)
  [ "$rc" = "$want" ] || { fail "$engine $image nnp=$nnp: record exited $rc, expected $want"; sed 's/^/    | /' "$out/record.txt"; return; }
  cmp -s "$out/record.txt" "$out/unconfined.txt" || { fail "$engine $image nnp=$nnp: recorded run's output differs"; diff "$out/unconfined.txt" "$out/record.txt" | sed 's/^/    | /' || true; }
  python3 - "$out/trace.json" "$engine" "$nnp" <<'PY' || { fail "$engine $image nnp=$nnp: trace container facts wrong"; return; }
import json, sys
t = json.load(open(sys.argv[1])); c = t["containers"][0]; engine = sys.argv[2]
want_runtime = "crun" if engine == "podman-crun" else "runc"
assert c["engine"] == engine.split("-")[0], c
assert c["runtime"] == want_runtime, c
assert c["noNewPrivileges"] == (sys.argv[3] == "true"), c
assert c["imageId"].startswith("sha256:"), c
PY
  "$PROFILEGEN" generate -o "$out/profile.json" "$out/trace.json" 2>"$out/generate.err" || { fail "generate: $(cat "$out/generate.err")"; return; }
  grep -q "runtime layer $( [ "$engine" = podman-crun ] && echo crun || echo runc ) [^ ]* (no-new-privileges=$nnp)" "$out/profile.json" ||
    fail "$engine $image nnp=$nnp: the profile's runtime layer is not the recorded one"
  # Confined runs.
  base=$(date +%s%N)
  for i in $(seq 1 "$RUNS"); do
    rc=$(eng_capture "$out/run.txt" "$client" run "${opts[@]}" "${nnp_opt[@]}" --security-opt "seccomp=$out/profile.json" "$img" "${cmd[@]}")
    if [ "$rc" = "$want" ] && cmp -s "$out/run.txt" "$out/unconfined.txt"; then
      same=$((same + 1))
    else
      echo "    run $i: exit $rc"; diff "$out/unconfined.txt" "$out/run.txt" | head -n 8 | sed 's/^/    | /' || true
    fi
  done
  local per=$(( ($(date +%s%N) - base) / 1000000 / RUNS ))
  # Without mkdir/mkdirat: EPERM.
  python3 - "$out/profile.json" "$out/nomkdir.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for s in p["syscalls"]:
    s["names"] = [n for n in s["names"] if n not in ("mkdir", "mkdirat")]
p["syscalls"] = [s for s in p["syscalls"] if s["names"]]
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
  rc=$(eng_capture "$out/eperm.txt" "$client" run "${opts[@]}" "${nnp_opt[@]}" --security-opt "seccomp=$out/nomkdir.json" "$img" "${cmd[@]}")
  local eperm=no
  grep -q "Operation not permitted" "$out/eperm.txt" && ! cmp -s "$out/eperm.txt" "$out/unconfined.txt" && eperm=yes
  printf '  %-12s %-8s nnp=%-5s recorded in %5d ms (%s syscalls); %d/%d runs same as unconfined (%4d ms/run); without mkdir: exit %s, EPERM: %s\n' \
    "$engine" "$image" "$nnp" $(( (t1 - t0) / 1000000 )) "$(grep -c '"nr"' "$out/trace.json")" "$same" "$RUNS" "$per" "$rc" "$eperm"
  [ "$same" = "$RUNS" ] || fail "$engine $image nnp=$nnp: $((RUNS - same)) of $RUNS confined runs differed"
  [ "$eperm" = yes ] || { fail "$engine $image nnp=$nnp: the profile without mkdir did not fail with EPERM"; sed 's/^/    | /' "$out/eperm.txt"; }
}

# A non-root container user (--user 1000:1000): the tracer runs as that user too, and the output folder
# (root's, mode 755) is not writable by it: record stages the trace and moves it into place. Then generate and
# runs under the profile as that user; -d into such a folder is refused (nobody could move the trace).
user_case() {
  local engine=$1 client conf opts out="$ENG_WORK/$1-user" rc same=0 i
  client=$(engine_cmd "$engine"); conf=$(engine_env "$engine"); read -ra opts <<<"$(run_opts "$engine")"
  export CONTAINERS_CONF=$conf
  local img="profilegen-e2e-busybox:$TAG" user=(--user 1000:1000)
  local cmd=(sh -c 'id -u; echo hi; mkdir /tmp/u && ls -a /tmp/u; exit 7')
  mkdir -p "$out/o"; chmod 755 "$out/o"
  rc=$(eng_capture "$out/unconfined.txt" "$client" run "${opts[@]}" "${user[@]}" --security-opt seccomp=unconfined "$img" "${cmd[@]}")
  [ "$rc" = 7 ] && [ "$(head -n 1 "$out/unconfined.txt")" = 1000 ] ||
    { fail "$engine --user: unconfined run exited $rc"; sed 's/^/    | /' "$out/unconfined.txt"; return; }
  rc=$(eng_capture "$out/record.txt" "$PROFILEGEN" record -q -o "$out/o/trace.json" -- "$client" run "${opts[@]}" "${user[@]}" "$img" "${cmd[@]}")
  [ "$rc" = 7 ] || { fail "$engine --user: record exited $rc"; sed 's/^/    | /' "$out/record.txt"; return; }
  cmp -s "$out/record.txt" "$out/unconfined.txt" || { fail "$engine --user: recorded run's output differs"; diff "$out/unconfined.txt" "$out/record.txt" | sed 's/^/    | /' || true; }
  [ -s "$out/o/trace.json" ] || { fail "$engine --user: no trace"; ls -la "$out/o"; return; }
  [ "$(stat -c %u "$out/o/trace.json")" = "$(id -u)" ] || fail "$engine --user: the trace is not owned by the user who ran record"
  [ -z "$(ls -A "$out/o" | grep -v '^trace.json$')" ] || fail "$engine --user: left in the output folder: $(ls -A "$out/o")"
  "$PROFILEGEN" generate -o "$out/profile.json" "$out/o/trace.json" 2>"$out/generate.err" || { fail "$engine --user: generate: $(cat "$out/generate.err")"; return; }
  for i in $(seq 1 "$RUNS"); do
    rc=$(eng_capture "$out/run.txt" "$client" run "${opts[@]}" "${user[@]}" --security-opt "seccomp=$out/profile.json" "$img" "${cmd[@]}")
    [ "$rc" = 7 ] && cmp -s "$out/run.txt" "$out/unconfined.txt" && same=$((same + 1))
  done
  local dname="profilegen-e2e-$TAG-ud-$engine" drc
  drc=$(eng_capture "$out/d.txt" "$PROFILEGEN" record -q -o "$out/o/d.json" -- "$client" run -d --name "$dname" "${opts[@]:1}" "${user[@]}" "$img" sleep 30)
  printf '  %-12s --user 1000:1000: recorded (%s syscalls, trace moved out of the staging folder); %d/%d runs under the profile same as unconfined; -d into a folder the user cannot write: exit %s\n' \
    "$engine" "$(grep -c '"nr"' "$out/o/trace.json")" "$same" "$RUNS" "$drc"
  [ "$same" = "$RUNS" ] || fail "$engine --user: $((RUNS - same)) of $RUNS confined runs differed"
  { [ "$drc" = 125 ] && grep -q "^profilegen: error: the container runs as user 1000:1000" "$out/d.txt" &&
    [ -z "$("$client" ps -aq --filter "name=$dname")" ]; } || { fail "$engine --user -d: exit $drc"; sed 's/^/    | /' "$out/d.txt"; }
  "$client" rm -f "$dname" >/dev/null 2>&1 || true
}

# podman's facts cache: a second recording is served from it, and an edit of containers.conf (the same file,
# now naming crun) changes the recorded runtime at once: the cache never serves stale facts.
cache_case() {
  local out="$ENG_WORK/podman-cache" conf="$ENG_WORK/containers-switch.conf" rt1 rt2 rt3 t0 t1 t2 t3 rc
  local img="profilegen-e2e-busybox:$TAG" opts
  read -ra opts <<<"$(run_opts podman)"
  mkdir -p "$out"
  rm -rf "$XDG_CACHE_HOME/profilegen/engines"
  printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$conf"
  sleep 0.2  # older than the cache's racy window, as a configuration file usually is
  export CONTAINERS_CONF=$conf
  # How many of the engine cache's entry files are well-formed JSON.
  valid_cache_entries() {
    python3 -c 'import json,sys
n = 0
for p in sys.argv[1:]:
    try: json.load(open(p)); n += 1
    except ValueError: pass
print(n)' "$XDG_CACHE_HOME"/profilegen/engines/*.json
  }
  runtime_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containers"][0]["runtime"])' "$1"; }
  t0=$(date +%s%N)
  rc=$(eng_capture "$out/1.txt" "$PROFILEGEN" record -q -o "$out/1.json" -- podman run "${opts[@]}" "$img" echo hi)
  t1=$(date +%s%N)
  rc=$rc$(eng_capture "$out/2.txt" "$PROFILEGEN" record -q -o "$out/2.json" -- podman run "${opts[@]}" "$img" echo hi)
  t2=$(date +%s%N)
  local entries
  entries=$(ls "$XDG_CACHE_HOME/profilegen/engines" 2>/dev/null | wc -l)
  cat "$ENG_WORK/containers-crun-named.conf" >"$conf"  # same path, now crun
  rc=$rc$(eng_capture "$out/3.txt" "$PROFILEGEN" record -q -o "$out/3.json" -- podman run "${opts[@]}" "$img" echo hi)
  t3=$(date +%s%N)
  rt1=$(runtime_of "$out/1.json") rt2=$(runtime_of "$out/2.json") rt3=$(runtime_of "$out/3.json")
  echo "  podman facts cache: record 1 (miss) $(( (t1 - t0) / 1000000 )) ms -> $rt1; record 2 (hit) $(( (t2 - t1) / 1000000 )) ms -> $rt2; containers.conf edited to crun: record 3 $(( (t3 - t2) / 1000000 )) ms -> $rt3; $entries entries after record 2"
  [ "$rc" = 000 ] || fail "podman cache: record exit statuses $rc"
  [ "$rt1" = runc ] && [ "$rt2" = runc ] && [ "$rt3" = crun ] || fail "podman cache: runtimes $rt1 $rt2 $rt3, expected runc runc crun"
  # One for podman's facts, one for the image's config (stored by the second recording, the first one's facts
  # being fresh from podman info).
  [ "$entries" = 2 ] || fail "podman cache: $entries entries after two recordings with one configuration, expected 2"
  # The user's `podman --runtime runc` wins over the configuration's crun, cached or not.
  local rt6 rt7
  rc=$(eng_capture "$out/6.txt" "$PROFILEGEN" record -q -o "$out/6.json" -- podman --runtime runc run "${opts[@]}" "$img" echo hi)
  rc=$rc$(eng_capture "$out/7.txt" "$PROFILEGEN" record -q -o "$out/7.json" -- podman --runtime runc run "${opts[@]}" "$img" echo hi)
  rt6=$(runtime_of "$out/6.json") rt7=$(runtime_of "$out/7.json")
  [ "$rc" = 00 ] && [ "$rt6" = runc ] && [ "$rt7" = runc ] || fail "podman cache: podman --runtime runc: exit $rc, runtimes $rt6 $rt7"
  echo "  podman facts cache: 'podman --runtime runc run' under the crun configuration records $rt6, then $rt7"
  # A corrupt entry is ignored and rewritten.
  local entry
  for entry in "$XDG_CACHE_HOME"/profilegen/engines/*.json; do printf '{"profilegen": "engine-fa' >"$entry"; done
  rc=$(eng_capture "$out/4.txt" "$PROFILEGEN" record -q -o "$out/4.json" -- podman run "${opts[@]}" "$img" echo hi)
  [ "$rc" = 0 ] && [ "$(runtime_of "$out/4.json")" = crun ] || { fail "podman cache: with a corrupt entry: exit $rc"; sed 's/^/    | /' "$out/4.txt"; }
  local valid
  valid=$(valid_cache_entries)
  [ "$valid" -ge 1 ] || fail "podman cache: the corrupt entry was not rewritten"
  # Facts from the cache now, the image's corrupt entry ignored, inspected again and rewritten.
  rc=$(eng_capture "$out/5.txt" "$PROFILEGEN" record -q -o "$out/5.json" -- podman run "${opts[@]}" "$img" echo hi)
  [ "$rc" = 0 ] && [ "$(runtime_of "$out/5.json")" = crun ] &&
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["containers"][0]["imageId"] == json.load(open(sys.argv[2]))["containers"][0]["imageId"]' "$out/5.json" "$out/1.json" ||
    { fail "podman cache: record 5: exit $rc"; sed 's/^/    | /' "$out/5.txt"; }
  valid=$(valid_cache_entries)
  echo "  podman facts cache: corrupt entries are ignored (exit $rc, runtime $(runtime_of "$out/4.json")) and rewritten; then the image's entry too ($valid valid entries)"
}

# podman's facts with an empty cache are read from the run (engines/run_facts.h), not asked from `podman info`
# (0.6-1 s), and the image's config is read from podman's store on disk (engines/containers_storage.h), not
# asked from `podman image inspect`: a logging wrapper in front of podman shows that record asks it only `run`
# and `--version`, and the facts equal what `podman info` says (the oracle): in the trace (engine and runtime
# versions, runtime) and in the cache entry (runtime binary, image store index), for runc and for crun through
# its wrapper, and for `podman --runtime /usr/bin/runc`; the trace's image id and digest equal `podman image
# inspect`'s. The container id file record adds is gone after the run. Then the entry serves a recording.
cold_case() {
  local out="$ENG_WORK/podman-cold" img="profilegen-e2e-busybox:$TAG" opts n conf rc cidfile t0 t1 facts
  read -ra opts <<<"$(run_opts podman)"
  mkdir -p "$out/bin"
  # The wrapper logs each question's first two words (after a leading --runtime PATH) to $PODMAN_CALLS.
  cat >"$out/bin/podman" <<'WRAPPER'
#!/bin/sh
words=$*
[ "$1" = --runtime ] && words=$(shift 2; echo "$*")
printf '%s\n' "$words" | cut -d' ' -f1-2 >>"$PODMAN_CALLS"
exec podman "$@"
WRAPPER
  export PODMAN_CALLS=$out/calls.txt
  chmod +x "$out/bin/podman"
  sleep 0.2  # older than the cache's racy window: the wrapper is the engine binary of the entry's key
  facts() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["containers"][0]; print(c["runtime"], c["runtimeVersion"] + ", podman", c["engineVersion"])' "$1"; }
  local global=()
  # runc and crun by name from containers.conf, and runc given as a path (podman info names it by the path).
  for n in runc crun path; do
    conf=$ENG_WORK/containers.conf global=()
    [ "$n" = crun ] && conf=$ENG_WORK/containers-crun-named.conf
    [ "$n" = path ] && global=(--runtime "$(command -v runc)")
    : >"$out/calls.txt"
    t0=$(date +%s%N)
    rc=$(CONTAINERS_CONF=$conf XDG_CACHE_HOME=$out/cache-$n eng_capture "$out/$n.txt" "$PROFILEGEN" record \
      -o "$out/$n.json" -- "$out/bin/podman" "${global[@]}" run "${opts[@]}" "$img" echo hi)
    t1=$(date +%s%N)
    cidfile=$(grep -o -- '--cidfile [^ ]*' "$out/$n.txt" | cut -d' ' -f2 || true)
    { [ "$rc" = 0 ] && [ -n "$cidfile" ] && [ ! -e "$cidfile" ] && [ ! -e "$(dirname "$cidfile")" ]; } ||
      { fail "podman cold $n: exit $rc, container id file '$cidfile' (must be named and gone)"; sed 's/^/    | /' "$out/$n.txt"; continue; }
    if grep -q '^info' "$out/calls.txt"; then fail "podman cold $n: record asked podman info"; sed 's/^/    | /' "$out/calls.txt"; fi
    if grep -q '^image inspect' "$out/calls.txt"; then fail "podman cold $n: record asked podman image inspect"; sed 's/^/    | /' "$out/calls.txt"; fi
    podman "${global[@]}" image inspect "$img" >"$out/inspect-$n.json"
    python3 - "$out/$n.json" "$out/inspect-$n.json" <<'PY' || fail "podman cold $n: the trace's image id or digest differs from podman image inspect's"
import json, sys
c = json.load(open(sys.argv[1]))["containers"][0]
i = json.load(open(sys.argv[2]))[0]
want = {"imageId": "sha256:" + i["Id"], "imageDigest": (i["RepoDigests"] or [""])[0]}
got = {k: c[k] for k in want}
assert got == want, f"trace {got} != podman image inspect {want}"
PY
    CONTAINERS_CONF=$conf podman "${global[@]}" info --format json >"$out/info-$n.json"
    python3 - "$out/$n.json" "$out/info-$n.json" "$out/cache-$n"/profilegen/engines/*.json <<'PY' ||
import json, sys
c = json.load(open(sys.argv[1]))["containers"][0]
info = json.load(open(sys.argv[2]))
rt = info["host"]["ociRuntime"]
first = rt["version"].splitlines()[0]
want = {"engineVersion": info["version"]["Version"], "runtime": rt["name"],
        "runtimeVersion": first[first.index("version ") + 8:].split(" ")[0]}
got = {k: c[k] for k in want}
assert got == want, f"trace {got} != podman info {want}"
assert len(sys.argv) == 4, f"{len(sys.argv) - 3} cache entries"
a = json.load(open(sys.argv[3]))["answer"]
store = info["store"]
want = {"runtimePath": rt["path"],
        "imageIndex": f"{store['graphRoot']}/{store['graphDriverName']}-images/images.json"}
got = {k: a[k] for k in want}
assert got == want, f"cache entry {got} != podman info {want}"
PY
      { fail "podman cold $n: the facts differ from podman info's"; continue; }
    echo "  podman cold $n: facts read from the run = podman info's ($(facts "$out/$n.json")) in $(( (t1 - t0) / 1000000 )) ms; podman asked: $(cut -d' ' -f1 "$out/calls.txt" | sort -u | tr '\n' ' ')"
    # generate picks the runtime layer from the trace, a runtime named by its path too.
    "$PROFILEGEN" generate -o "$out/$n-profile.json" "$out/$n.json" 2>"$out/$n-generate.txt" ||
      { fail "podman cold $n: generate without --runtime refused the trace"; sed 's/^/    | /' "$out/$n-generate.txt"; }
    : >"$out/calls.txt"
    rc=$(CONTAINERS_CONF=$conf XDG_CACHE_HOME=$out/cache-$n eng_capture "$out/$n-2.txt" "$PROFILEGEN" record -q \
      -o "$out/$n-2.json" -- "$out/bin/podman" "${global[@]}" run "${opts[@]}" "$img" echo hi)
    { [ "$rc" = 0 ] && ! grep -q -e '^info' -e '^--version' "$out/calls.txt" &&
      [ "$(facts "$out/$n.json")" = "$(facts "$out/$n-2.json")" ]; } ||
      { fail "podman cold $n: the second recording did not use the entry the first one stored (exit $rc)"; sed 's/^/    | /' "$out/calls.txt"; }
  done
  # The user's own --cidfile is the one watched, and it stays.
  : >"$out/calls.txt"
  rc=$(CONTAINERS_CONF=$ENG_WORK/containers.conf XDG_CACHE_HOME=$out/cache-user eng_capture "$out/user.txt" "$PROFILEGEN" record -o "$out/user.json" -- \
    "$out/bin/podman" run --cidfile "$out/user.cid" "${opts[@]}" "$img" echo hi)
  { [ "$rc" = 0 ] && grep -Eq '^[0-9a-f]{64}$' "$out/user.cid" && ! grep -q -- '--cidfile /' "$out/user.txt" &&
    ! grep -q '^info' "$out/calls.txt" && [ "$(facts "$out/user.json")" = "$(facts "$out/runc.json")" ]; } ||
    { fail "podman cold with the user's --cidfile: exit $rc"; sed 's/^/    | /' "$out/user.txt" "$out/calls.txt"; }
  echo "  podman cold with the user's --cidfile: facts read from the run ($(facts "$out/user.json")), the file kept"
}

# record --reachable: the profilegen inside the container (profilegen-static, Capstone) analyses the image's own
# files. The trace names the image's binaries (the musl image's /app exists in the image only); for the
# FROM-scratch images its reachable set is the one `profilegen scan` (Zydis) finds on the host for the same file,
# and holds every observed syscall (musl's printf makes writev in __stdio_write, whose number the analysis follows
# through a callee-saved register across its retry loop).
reachable_case() {
  local engine=$1 image=$2 client conf opts out="$ENG_WORK/$1-reachable-$2" rc want t0 t1 cmd=() bins host=""
  client=$(engine_cmd "$engine"); conf=$(engine_env "$engine"); read -ra opts <<<"$(run_opts "$engine")"
  export CONTAINERS_CONF=$conf
  case $image in
    busybox) cmd=(sh -c 'echo hi; mkdir /tmp/r && ls -a /tmp/r; exit 7'); want=7; bins=/bin/busybox
             host=$ENG_WORK/img-busybox/bin/busybox ;;
    musl) cmd=(5); want=5; bins=/app; host=$ENG_WORK/img-musl/app ;;
    debian) cmd=(sh -c 'redis-server --version >/dev/null; curl --version >/dev/null; exit 4'); want=4
            bins=/usr/bin/redis-check-rdb,/usr/bin/curl ;;
  esac
  mkdir -p "$out"
  t0=$(date +%s%N)
  rc=$(eng_capture "$out/record.txt" "$PROFILEGEN" record -q --reachable -o "$out/trace.json" -- "$client" run "${opts[@]}" "profilegen-e2e-$image:$TAG" "${cmd[@]}")
  t1=$(date +%s%N)
  [ "$rc" = "$want" ] || { fail "$engine $image --reachable: record exited $rc, expected $want"; sed 's/^/    | /' "$out/record.txt"; return; }
  if [ -n "$host" ]; then
    "$PROFILEGEN" scan --no-cache --format json "$host" >"$out/host-scan.json" 2>&1 || { fail "scan $host"; return; }
  else
    echo '{}' >"$out/host-scan.json"
  fi
  local summary
  if summary=$(python3 - "$out/trace.json" "$bins" "$out/host-scan.json" 2>&1 <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
r = t.get("reachable")
assert t["version"] == 2 and r, "no reachable section"
for b in sys.argv[2].split(","):
    assert b in r["binaries"], f"{b} not among the analysed binaries {r['binaries']}"
assert not any(b.startswith("/.profilegen") for b in r["binaries"]), r["binaries"]
host = json.load(open(sys.argv[3]))
if host:
    assert host["syscalls"] == r["syscalls"], f"host scan (Zydis) {host['syscalls']} != in the container {r['syscalls']}"
    assert len(host["unresolved"]) == r["unresolved"], (host["unresolved"], r["unresolved"])
missing = [f'{s["arch"]}:{s["name"]}' for s in t["syscalls"]
           if s["name"] != "execve" and s["name"] not in r["syscalls"].get(s["arch"], [])]
assert not missing, f"observed but not reachable: {missing}"
n = sum(len(v) for v in r["syscalls"].values())
b = r["binaries"]
print(f'{len(t["syscalls"])} observed, {n} reachable ({r["unresolved"]} unresolved sites) in {len(b)} image binaries '
      f'({", ".join(sys.argv[2].split(","))}{", ..." if len(b) > len(sys.argv[2].split(",")) else ""})' +
      (" = host scan" if host else ""))
PY
  ); then
    printf '  %-12s %-8s --reachable: recorded + analysed in the container in %5d ms: %s\n' "$engine" "$image" $(( (t1 - t0) / 1000000 )) "$summary"
  else
    fail "$engine $image --reachable: $summary"
  fi
}

# Behaviour beyond the profile, on the busybox image.
behaviour() {
  local engine=$1 client conf opts out="$ENG_WORK/$1-behaviour" rc name
  client=$(engine_cmd "$engine"); conf=$(engine_env "$engine"); read -ra opts <<<"$(run_opts "$engine")"
  export CONTAINERS_CONF=$conf
  local img="profilegen-e2e-busybox:$TAG"
  mkdir -p "$out"
  # The image's own CMD, its exit status passed through.
  rc=$(eng_capture "$out/cmd.txt" "$PROFILEGEN" record -q -o "$out/cmd.json" -- "$client" run "${opts[@]}" "$img")
  if [ "$rc" = 3 ] && [ "$(cat "$out/cmd.txt")" = "$(printf 'image-cmd\nmade')" ] &&
     python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); assert t["command"][:2]==["/bin/sh","-c"], t["command"]; assert any(s["name"] in ("mkdir","mkdirat") for s in t["syscalls"])' "$out/cmd.json"; then
    echo "  $engine: image CMD recorded when no command is given; exit 3 passed through"
  else
    fail "$engine: image CMD: exit $rc"; sed 's/^/    | /' "$out/cmd.txt"
  fi
  # -d, then stop: the trace appears when the container stops.
  name="profilegen-e2e-$TAG-d-$engine"
  rc=$(eng_capture "$out/d.txt" "$PROFILEGEN" record -q -o "$out/d.json" -- "$client" run -d --name "$name" \
         "${opts[@]:1}" "$img" sh -c 'echo up; sleep 60')
  if [ "$rc" = 0 ] && grep -qE '^[0-9a-f]{12,64}$' "$out/d.txt" && [ ! -e "$out/d.json" ]; then
    sleep 1
    "$client" stop -t 10 "$name" >/dev/null
    for _ in $(seq 1 50); do [ -s "$out/d.json" ] && break; sleep 0.1; done
    if python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); assert t["exit"]=={"signal":"SIGTERM"}, t["exit"]' "$out/d.json" 2>/dev/null &&
       [ "$("$client" logs "$name" 2>&1)" = up ]; then
      echo "  $engine: -d printed the id and returned; after '$client stop' the trace is there (exit SIGTERM)"
    else
      fail "$engine: -d: no trace after stop"; ls -la "$out"
    fi
  else
    fail "$engine: -d: record exited $rc"; sed 's/^/    | /' "$out/d.txt"
  fi
  "$client" rm -f "$name" >/dev/null 2>&1 || true
  # SIGTERM to profilegen: the container stops, the trace is written, nothing is left.
  name="profilegen-e2e-$TAG-term-$engine"
  "$PROFILEGEN" record -q -o "$out/term.json" -- "$client" run "${opts[@]}" --name "$name" "$img" sh -c 'echo up; sleep 60' \
    >"$out/term.txt" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do grep -q up "$out/term.txt" && break; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null || true; rc=0; wait "$pid" || rc=$?
  sleep 0.5
  if [ "$rc" = 143 ] && [ -s "$out/term.json" ] && [ -z "$("$client" ps -aq --filter "name=$name")" ]; then
    echo "  $engine: SIGTERM to profilegen: exit 143, trace written, no container left"
  else
    fail "$engine: SIGTERM: exit $rc, trace $(ls "$out/term.json" 2>&1), containers: $("$client" ps -aq --filter "name=$name")"
  fi
  # SIGUSR1 to profilegen (a signal a service is told things with): the client proxies it, profilegen inside
  # passes it on, the command's trap runs. Before, the host profilegen died of it and the container ran on.
  name="profilegen-e2e-$TAG-usr1-$engine"
  "$PROFILEGEN" record -q -o "$out/usr1.json" -- "$client" run "${opts[@]}" --name "$name" "$img" \
    sh -c 'trap "echo got-usr1; exit 7" USR1; echo up; while :; do sleep 0.1; done' >"$out/usr1.txt" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q up "$out/usr1.txt" && break; sleep 0.1; done
  kill -USR1 "$pid" 2>/dev/null || true; rc=0; wait "$pid" || rc=$?
  if [ "$rc" = 7 ] && grep -qx got-usr1 "$out/usr1.txt" && [ -s "$out/usr1.json" ]; then
    echo "  $engine: SIGUSR1 to profilegen reached the container's trap: exit 7, trace written"
  else
    fail "$engine: SIGUSR1: exit $rc, trace $(ls "$out/usr1.json" 2>&1)"; sed 's/^/    | /' "$out/usr1.txt"
  fi
  "$client" rm -f "$name" >/dev/null 2>&1 || true
  # Errors: one line, exit 125, no container.
  local errname="profilegen-e2e-$TAG-err-$engine"
  check_error() {
    local what=$1; shift
    rc=$(eng_capture "$out/err.txt" "$PROFILEGEN" record -o "$out/err.json" -- "$@")
    if [ "$rc" = 125 ] && [ "$(wc -l <"$out/err.txt")" = 1 ] && grep -q '^profilegen: error: ' "$out/err.txt"; then
      echo "  $engine: $what -> exit 125: $(cat "$out/err.txt")"
    else
      fail "$engine: $what: exit $rc"; sed 's/^/    | /' "$out/err.txt"
    fi
  }
  check_error "missing image" "$client" run "${opts[@]}" --name "$errname" "profilegen-e2e-missing:$TAG" echo hi
  check_error "own seccomp profile" "$client" run "${opts[@]}" --name "$errname" --security-opt seccomp=/x.json "$img" echo hi
  if [ "$engine" = docker ]; then
    check_error "daemon not reachable" docker -H "unix://$ENG_WORK/no.sock" run --rm --name "$errname" "$img" echo hi
  fi
  check_error "engine not installed" "/nonexistent/$client" run --rm --name "$errname" "$img" echo hi
  [ -z "$("$client" ps -aq --filter "name=$errname")" ] || fail "$engine: an error case left a container"
}

start=$(date +%s)
case " $ENGINES " in *" docker "*) eng_start_dockerd ;; esac
make_images
echo "images ready in $(( $(date +%s) - start )) s"
images="busybox musl debian"
[ -n "$ONLY" ] && images=$ONLY
[ "$ONLY" = cache ] && images=""  # podman's facts cache only
for engine in $ENGINES; do
  for image in $images; do
    # crun (under podman) is here for its runtime layer and the merge of runc and crun traces: busybox suffices.
    [ "$engine" = podman-crun ] && [ "$image" != busybox ] && continue
    [ "$image" = debian ] && [ ! -s "$DEBIAN_TAR" ] && { fail "no Debian image"; continue; }
    for nnp in false true; do variant "$engine" "$image" "$nnp"; done
  done
  if [ "$engine" != podman-crun ]; then
    for image in $images; do
      [ "$image" = debian ] && [ ! -s "$DEBIAN_TAR" ] && continue
      # Debian: 47 binaries analysed uncached in the container (~25 s here): once, with podman, is enough.
      [ "$image" = debian ] && [ "$engine" != podman ] && continue
      reachable_case "$engine" "$image"
    done
    [ "$ONLY" = cache ] || { behaviour "$engine"; user_case "$engine"; }
  fi
done
case " $ENGINES " in *" podman "*) cache_case; cold_case ;; esac
# A docker (runc) trace and a podman-crun trace merge with each layer.
if [ -f "$ENG_WORK/docker-busybox-false/trace.json" ] && [ -f "$ENG_WORK/podman-crun-busybox-true/trace.json" ]; then
  "$PROFILEGEN" generate -o "$ENG_WORK/merged.json" "$ENG_WORK/docker-busybox-false/trace.json" \
    "$ENG_WORK/podman-crun-busybox-true/trace.json"
  if grep -q "runtime layer runc [^ ]* (no-new-privileges=false)" "$ENG_WORK/merged.json" &&
     grep -q "runtime layer crun [^ ]* (no-new-privileges=true)" "$ENG_WORK/merged.json"; then
    echo "  merged docker/runc + podman/crun traces: the profile has both runtime layers"
  else
    fail "merged traces: the profile lacks one of the runtime layers"
  fi
fi
# The CI recipe's container flow (samples/ci/local-ci.sh --engine), on the image built from app.Dockerfile.
if [ -z "$ONLY" ]; then
  for engine in docker podman; do
    case " $ENGINES " in *" $engine "*) ;; *) continue ;; esac
    rc=0
    TMPDIR=$ENG_WORK "$HERE/../../samples/ci/local-ci.sh" --profilegen "$PROFILEGEN" --engine "$engine" \
      >"$ENG_WORK/local-ci-$engine.txt" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
      echo "  samples/ci/local-ci.sh --engine $engine: exit 0 ($(grep -c '^\$ profilegen record' "$ENG_WORK/local-ci-$engine.txt") container recordings, gate passed)"
    else
      fail "samples/ci/local-ci.sh --engine $engine: exit $rc"; tail -n 20 "$ENG_WORK/local-ci-$engine.txt" | sed 's/^/    | /'
    fi
  done
fi
echo "== total $(( $(date +%s) - start )) s"
[ "$FAILS" = 0 ] || { echo "FAILED: $FAILS"; exit 1; }
echo PASS
