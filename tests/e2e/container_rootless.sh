#!/usr/bin/env bash
# End-to-end test of `profilegen record -- podman run ... IMAGE` run by a user who is not root: rootless podman
# (a user namespace holding the user's subordinate ids from /etc/subuid, through newuidmap), with its own image
# store. The tracer then runs inside that user namespace, as container root or as a mapped --user.
#
# As the user: record a FROM-scratch busybox image (empty facts cache, then from the cache), generate, runs under
# the profile with the same output and exit status as unconfined, EPERM without mkdir; --user 1000:1000 (a
# subordinate id on the host) staged into a folder it cannot write.
#
# Needs root (to make the user: PROFILEGEN_ROOTLESS_USER, default profilegen-rootless, kept for the next run
# with its /etc/subuid and /etc/subgid ranges), podman, runc, newuidmap (uidmap), busybox, python3. Exit 77
# (skip, one SKIP line) when missing, exit 1 under CI=true. Everything of the run lives in one folder under
# /var/tmp (image store, runtime folder, cache), removed after; podman's rootless pause process is stopped.
set -euo pipefail

usage() { echo "usage: container_rootless.sh --profilegen PATH [--runs N]"; }
PROFILEGEN="" RUNS=3
while [ $# -gt 0 ]; do
  case $1 in
    --profilegen) PROFILEGEN=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$PROFILEGEN" ] || { usage >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/engines.sh
. "$HERE/../../scripts/engines.sh"
eng_require root podman runc newuidmap newgidmap busybox python3 useradd runuser
PROFILEGEN=$(realpath "$PROFILEGEN")
[ -x "$(dirname "$PROFILEGEN")/profilegen-static" ] || { eng_err "no profilegen-static beside $PROFILEGEN"; exit 1; }
RL_USER=${PROFILEGEN_ROOTLESS_USER:-profilegen-rootless}
start=$(date +%s)

skip_or_fail() {
  if [ "${CI:-}" = true ]; then eng_err "CI=true but $*"; exit 1; fi
  echo "SKIP: $* (set CI=true to make this a failure)"; exit 77
}

# The user, with subordinate ids (Debian's useradd adds them; otherwise the range after the highest in use).
if ! id "$RL_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh "$RL_USER" 2>/dev/null || skip_or_fail "cannot make the user $RL_USER (useradd failed)"
fi
for f in /etc/subuid /etc/subgid; do
  grep -q "^$RL_USER:" "$f" 2>/dev/null && continue
  next=$(awk -F: 'BEGIN { m = 100000 } { if ($2 + $3 > m) m = $2 + $3 } END { print m }' "$f" 2>/dev/null || echo 100000)
  flag=--add-subuids; [ "$f" = /etc/subgid ] && flag=--add-subgids
  usermod "$flag" "$next-$((next + 65535))" "$RL_USER" || skip_or_fail "cannot give $RL_USER subordinate ids in $f"
done

W=$(mktemp -d /var/tmp/profilegen-rootless.XXXXXX)
# podman's rootless pause process holds the user namespace for the next podman: stopped, by its pid file.
stop_pause() {
  local pid
  pid=$(cat "$W/run/libpod/tmp/pause.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
cleanup() {
  local rc=$?
  stop_pause
  rm -rf "$W"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$W"
# The binaries where the user can run them (the build folder may be root's only).
mkdir -p "$W/bin" && cp "$PROFILEGEN" "$(dirname "$PROFILEGEN")/profilegen-static" "$W/bin/" && chmod -R 755 "$W/bin"
install -d -o "$RL_USER" -m 700 "$W/run"
install -d -o "$RL_USER" -m 755 "$W/home" "$W/out"
# runc: crun 1.8.1 refuses this host's hybrid cgroups. cgroupfs: no systemd user session here.
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' >"$W/containers.conf"
img=$W/img
mkdir -p "$img/bin" "$img/tmp" && chmod 1777 "$img/tmp"
cp "$(command -v busybox)" "$img/bin/busybox"
for a in sh echo mkdir ls id; do ln -s busybox "$img/bin/$a"; done

# as_user CMD...: CMD as the user, in $W, with a clean environment whose store, config and cache are $W's.
# RL_PATH and RL_CACHE override PATH and XDG_CACHE_HOME.
as_user() {
  (cd "$W" && runuser -u "$RL_USER" -- env -i PATH="${RL_PATH:-/usr/local/bin:/usr/bin:/bin}" HOME="$W/home" \
    XDG_RUNTIME_DIR="$W/run" XDG_DATA_HOME="$W/home/data" XDG_CONFIG_HOME="$W/home/config" \
    XDG_CACHE_HOME="${RL_CACHE:-$W/home/cache}" CONTAINERS_CONF="$W/containers.conf" "$@")
}

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

IMG=profilegen-rootless-busybox:$$
tar -C "$img" -c . | as_user podman import - "$IMG" >"$W/import.txt" 2>&1 ||
  skip_or_fail "rootless podman does not work for $RL_USER here: $(grep -m1 '^Error' "$W/import.txt" || tail -n 1 "$W/import.txt")"
OPTS=(--rm --network none)
CMD=(sh -c 'echo hi; mkdir /tmp/d && ls -a /tmp/d; exit 7')
P=$W/bin/profilegen

rc=0; as_user podman run "${OPTS[@]}" "$IMG" "${CMD[@]}" >"$W/unconfined.txt" 2>&1 || rc=$?
[ "$rc" = 7 ] || { fail "rootless unconfined run exited $rc"; sed 's/^/    | /' "$W/unconfined.txt"; exit 1; }

# Record twice: with an empty facts cache (the facts read from the run: the container's conmon, RUNTIME --version,
# podman --version), then from the cache.
for n in 1 2; do
  t0=$(date +%s%N); rc=0
  as_user "$P" record -q -o "$W/out/t$n.json" -- podman run "${OPTS[@]}" "$IMG" "${CMD[@]}" >"$W/record$n.txt" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$rc" = 7 ] || { fail "rootless record $n exited $rc"; sed 's/^/    | /' "$W/record$n.txt"; continue; }
  cmp -s "$W/record$n.txt" "$W/unconfined.txt" || { fail "rootless record $n: output differs"; diff "$W/unconfined.txt" "$W/record$n.txt" | sed 's/^/    | /' || true; }
  python3 - "$W/out/t$n.json" <<'PY' || fail "rootless record $n: trace container facts wrong"
import json, sys
t = json.load(open(sys.argv[1])); c = t["containers"][0]
assert c["engine"] == "podman" and c["runtime"] == "runc" and c["runtimeVersion"], c
assert c["imageId"].startswith("sha256:") and c["noNewPrivileges"] is False, c
assert any(s["name"] in ("mkdir", "mkdirat") for s in t["syscalls"]), "no mkdir recorded"
PY
  echo "  rootless record $n ($([ "$n" = 1 ] && echo 'empty facts cache' || echo 'facts from the cache')): exit 7, same output as unconfined, $(grep -c '"nr"' "$W/out/t$n.json") syscalls, $ms ms"
done
# The facts read from the run are podman info's (the oracle), in the trace and in the cache entry (the user's
# own image store).
as_user podman info --format json >"$W/info.json" 2>/dev/null
python3 - "$W/out/t1.json" "$W/info.json" "$W"/home/cache/profilegen/engines/*.json <<'PY' && echo "  rootless facts read from the run = podman info's (runtime, versions, runtime binary, image store index)" || fail "rootless: the facts read from the run differ from podman info's"
import json, sys
c = json.load(open(sys.argv[1]))["containers"][0]
info = json.load(open(sys.argv[2])); rt = info["host"]["ociRuntime"]; store = info["store"]
first = rt["version"].splitlines()[0]
want = (info["version"]["Version"], rt["name"], first[first.index("version ") + 8:].split(" ")[0])
assert (c["engineVersion"], c["runtime"], c["runtimeVersion"]) == want, (c, want)
facts = [json.load(open(p))["answer"] for p in sys.argv[3:]]
facts = [a for a in facts if "runtimePath" in a]
assert len(facts) == 1, facts
index = f"{store['graphRoot']}/{store['graphDriverName']}-images/images.json"
assert (facts[0]["runtimePath"], facts[0]["imageIndex"]) == (rt["path"], index), (facts[0], rt["path"], index)
PY
[ -z "$(ls -A "$W/out" | grep -v '^t[12]\.json$')" ] || fail "rootless: left in the output folder: $(ls -A "$W/out")"

# The profile, under rootless podman.
if as_user "$P" generate -o "$W/out/p.json" "$W/out/t1.json" 2>"$W/generate.err"; then
  same=0
  for i in $(seq 1 "$RUNS"); do
    rc=0; as_user podman run "${OPTS[@]}" --security-opt "seccomp=$W/out/p.json" "$IMG" "${CMD[@]}" >"$W/run.txt" 2>&1 || rc=$?
    [ "$rc" = 7 ] && cmp -s "$W/run.txt" "$W/unconfined.txt" && same=$((same + 1))
  done
  python3 - "$W/out/p.json" "$W/out/nomkdir.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for s in p["syscalls"]:
    s["names"] = [n for n in s["names"] if n not in ("mkdir", "mkdirat")]
p["syscalls"] = [s for s in p["syscalls"] if s["names"]]
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
  chmod 644 "$W/out/nomkdir.json"
  rc=0; as_user podman run "${OPTS[@]}" --security-opt "seccomp=$W/out/nomkdir.json" "$IMG" "${CMD[@]}" >"$W/eperm.txt" 2>&1 || rc=$?
  eperm=no; grep -q "Operation not permitted" "$W/eperm.txt" && eperm=yes
  echo "  rootless profile: $same/$RUNS runs same as unconfined; without mkdir: exit $rc, EPERM: $eperm"
  [ "$same" = "$RUNS" ] || fail "rootless: $((RUNS - same)) of $RUNS confined runs differed"
  [ "$eperm" = yes ] || { fail "rootless: the profile without mkdir did not fail with EPERM"; sed 's/^/    | /' "$W/eperm.txt"; }
else
  fail "rootless generate: $(cat "$W/generate.err")"
fi

# --user 1000:1000 is host uid <subordinate start>+999: it cannot write the user's 755 output folder, so the
# trace is staged and moved into place.
install -d -o "$RL_USER" -m 755 "$W/out-user"
rc=0
as_user "$P" record -q -o "$W/out-user/t.json" -- podman run "${OPTS[@]}" --user 1000:1000 "$IMG" sh -c 'id -u; mkdir /tmp/u' \
  >"$W/user.txt" 2>&1 || rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$W/user.txt")" = 1000 ] && [ -s "$W/out-user/t.json" ] &&
   [ "$(ls -A "$W/out-user")" = t.json ] && as_user "$P" generate -o /dev/null "$W/out-user/t.json" 2>/dev/null; then
  echo "  rootless --user 1000:1000: trace staged and moved into place (owned by host uid $(stat -c %u "$W/out-user/t.json"))"
else
  fail "rootless --user 1000:1000: exit $rc, folder: $(ls -A "$W/out-user")"; sed 's/^/    | /' "$W/user.txt"
fi

# Without newuidmap (a PATH holding only podman; podman's pause process, which holds the user namespace made
# before, stopped; an empty facts cache) podman cannot start: record says why in one line, exit 125, nothing
# started.
stop_pause
mkdir -p "$W/podman-only" && ln -s "$(command -v podman)" "$W/podman-only/podman"
rc=0
RL_PATH=$W/podman-only RL_CACHE=$W/home/cache-e as_user "$P" record -o "$W/out/e.json" -- podman run "${OPTS[@]}" "$IMG" echo hi \
  >"$W/err.txt" 2>&1 || rc=$?
if [ "$rc" = 125 ] && [ "$(wc -l <"$W/err.txt")" = 1 ] &&
   grep -q '^profilegen: error: podman does not work here (podman info failed: .*newuidmap' "$W/err.txt" &&
   [ ! -e "$W/out/e.json" ]; then
  echo "  rootless without newuidmap -> exit 125: $(cat "$W/err.txt")"
else
  fail "rootless without newuidmap: exit $rc"; sed 's/^/    | /' "$W/err.txt"
fi

as_user podman rmi -f "$IMG" >/dev/null 2>&1 || true
stop_pause
echo "== total $(( $(date +%s) - start )) s"
[ "$FAILS" = 0 ] || { echo "FAILED: $FAILS"; exit 1; }
echo PASS
