#!/usr/bin/env bash
# End-to-end test of `profilegen learn` (issue 10, production feedback): a profile recorded for one busybox
# container command, switched to defaultAction SCMP_ACT_LOG, runs a production command that does more (mkdir),
# in podman and in docker; `learn --container` reads the kernel's seccomp records (/dev/kmsg) into a trace;
# `generate` merges it with the recording. The new profile (default ERRNO again) runs the production command
# unchanged, the old one fails it with EPERM, and `diff` labels the learned syscalls observed.
#
# The kernel prints at most 10 audit records per 5 s without auditd (other workloads on the machine share that
# budget): when the canary's records were dropped, learn says so, and the canary is run again (3 tries).
# Starts its own dockerd when none answers (own socket and data folder) and stops it after.
# Needs root, docker, podman, runc, busybox-static, python3. Exit 77 (skip) when missing, exit 1 under CI=true.
set -euo pipefail

PROFILEGEN="" ENGINES="podman docker"
while [ $# -gt 0 ]; do
  case $1 in
    --profilegen) PROFILEGEN=$2; shift 2 ;;
    --engines) ENGINES=$2; shift 2 ;;
    *) echo "usage: learn_from_log.sh --profilegen PATH [--engines \"podman docker\"]" >&2; exit 2 ;;
  esac
done
[ -n "$PROFILEGEN" ] || { echo "usage: learn_from_log.sh --profilegen PATH" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/engines.sh
. "$HERE/../../scripts/engines.sh"
eng_require root busybox python3 runc
for e in $ENGINES; do eng_require "$e"; done
PROFILEGEN=$(realpath "$PROFILEGEN")
[ -x "$(dirname "$PROFILEGEN")/profilegen-static" ] || { eng_err "no profilegen-static beside $PROFILEGEN"; exit 1; }

TMPDIR=/var/tmp eng_init
TAG="learn$$"
IMG="profilegen-learn-busybox:$TAG"
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

remove_created() {
  local e
  for e in $ENGINES; do
    command -v "$e" >/dev/null || continue
    # shellcheck disable=SC2046
    "$e" rm -f $("$e" ps -aq --filter "name=profilegen-learn-$TAG" 2>/dev/null) >/dev/null 2>&1 || true
    "$e" rmi -f "$IMG" >/dev/null 2>&1 || true
  done
}
eng_on_exit remove_created


grep -qw log /proc/sys/kernel/seccomp/actions_logged || { eng_err "the kernel does not log SECCOMP_RET_LOG (actions_logged)"; exit 1; }

# FROM scratch + static busybox, imported offline.
ROOT=$ENG_WORK/img
mkdir -p "$ROOT/bin" "$ROOT/tmp" "$ROOT/etc"
cp "$(command -v busybox)" "$ROOT/bin/busybox"; ln -s busybox "$ROOT/bin/sh"
for a in echo mkdir ls sleep; do ln -s busybox "$ROOT/bin/$a"; done

RECORDED_CMD=(ls -a /tmp)            # what the test stage ran
PRODUCTION_CMD=(mkdir -v /tmp/d)     # what production runs: the same busybox, but mkdir was never recorded

# opts ENGINE: the options every run gets (podman here needs the ulimits of scripts/engines.sh).
opts() { if [ "$1" = podman ]; then echo "${ENG_PODMAN_OPTS[*]}"; else echo "--network none"; fi; }

# canary ENGINE OUT: the production command under the LOG profile in a named container (kept for inspect),
# then `learn --container`. Returns non-zero when the trace lacks mkdir.
canary() {
  local e=$1 out=$2 name rc o
  read -ra o <<<"$(opts "$e")"
  name="profilegen-learn-$TAG-$e-$RANDOM"
  rc=$(eng_capture "$out/canary.txt" "$e" run "${o[@]}" --name "$name" --security-opt "seccomp=$out/p1-log.json" \
    "$IMG" "${PRODUCTION_CMD[@]}")
  [ "$rc" = 0 ] && cmp -s "$out/canary.txt" "$out/unconfined.txt" || { fail "$e: canary under the LOG profile exited $rc"; sed 's/^/    | /' "$out/canary.txt"; return 1; }
  "$PROFILEGEN" learn --container "$name" --engine "$e" -o "$out/log.json" 2>"$out/learn.err" || { fail "$e: learn: $(cat "$out/learn.err")"; return 1; }
  sed 's/^/    learn: /' "$out/learn.err"
  "$e" rm -f "$name" >/dev/null
  python3 - "$out/log.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
names = {s["name"] for s in t["syscalls"]}
src = t["sources"][0]
assert src["kind"] == "kernel-log" and src["log"] == "/dev/kmsg" and "container" in src["match"], src
print("    learned:", sorted(names), "records", src["records"], "dropped", src["dropped"])
sys.exit(0 if "mkdir" in names else 1)
PY
}

one_engine() {
  local e=$1 out="$ENG_WORK/$1" rc try o
  read -ra o <<<"$(opts "$e")"
  mkdir -p "$out"
  if [ "$e" = docker ]; then eng_start_dockerd || { fail "docker: no daemon"; return; }; fi
  tar -C "$ROOT" -c . | "$e" import - "$IMG" >/dev/null
  # 1. The test stage, recorded.
  rc=$(eng_capture "$out/record.txt" "$PROFILEGEN" record -q -o "$out/rec.json" -- "$e" run --rm "${o[@]}" "$IMG" "${RECORDED_CMD[@]}")
  [ "$rc" = 0 ] || { fail "$e: record exited $rc"; sed 's/^/    | /' "$out/record.txt"; return; }
  "$PROFILEGEN" generate -o "$out/p1.json" "$out/rec.json" 2>/dev/null
  # 2. The production command: its output unconfined, then under the recorded profile it fails with EPERM.
  rc=$(eng_capture "$out/unconfined.txt" "$e" run --rm "${o[@]}" --security-opt seccomp=unconfined "$IMG" "${PRODUCTION_CMD[@]}")
  [ "$rc" = 0 ] || { fail "$e: the production command fails unconfined (exit $rc)"; sed 's/^/    | /' "$out/unconfined.txt"; return; }
  rc=$(eng_capture "$out/old.txt" "$e" run --rm "${o[@]}" --security-opt "seccomp=$out/p1.json" "$IMG" "${PRODUCTION_CMD[@]}")
  if [ "$rc" = 0 ] || ! grep -q "Operation not permitted" "$out/old.txt"; then
    fail "$e: the recorded profile should fail mkdir with EPERM (exit $rc)"; sed 's/^/    | /' "$out/old.txt"
  else
    echo "  $e: recorded profile: exit $rc, $(grep -m1 'Operation not permitted' "$out/old.txt")"
  fi
  # 3. The canary: the same profile with defaultAction SCMP_ACT_LOG.
  python3 - "$out/p1.json" "$out/p1-log.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["defaultAction"] = "SCMP_ACT_LOG"
p.pop("defaultErrnoRet", None)
json.dump(p, open(sys.argv[2], "w"), indent=4)
PY
  for try in 1 2 3; do
    [ "$try" = 1 ] || { echo "  $e: records dropped by the kernel's rate limit; canary again in 6 s (try $try)"; sleep 6; }
    if canary "$e" "$out"; then break; fi
    [ "$try" = 3 ] && { fail "$e: mkdir never reached the learned trace in 3 canary runs"; return; }
  done
  # 3b. A canary still running when learn reads the log: its records are matched by pid namespace, none by
  # lifetime alone. Its one process (runc's or crun's init, which execs sleep: the same pid) is alive when learn
  # reads: a shell would fork children that exit, whose records only the lifetime can match. The pause first
  # lets the kernel's audit print budget (10 records per 5 s) refill.
  local live="profilegen-learn-$TAG-$e-live"
  sleep 5
  "$e" run -d "${o[@]}" --name "$live" --security-opt "seccomp=$out/p1-log.json" "$IMG" \
    sleep 30 >/dev/null || fail "$e: the running canary did not start"
  sleep 1
  "$PROFILEGEN" learn --container "$live" --engine "$e" -o "$out/live.json" 2>"$out/live.err" || fail "$e: learn (running): $(cat "$out/live.err")"
  "$e" rm -f "$live" >/dev/null 2>&1 || true
  sed 's/^/    learn (running): /' "$out/live.err"
  if grep -q "lifetime alone" "$out/live.err"; then fail "$e: a running container's records were not matched by pid namespace"; fi
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); assert t["syscalls"], "no syscall learned"' "$out/live.json" ||
    fail "$e: nothing learned from the running canary (sleep's calls are not in the recorded profile)"
  # 4. Merge, generate: default ERRNO again, the production command runs unchanged.
  "$PROFILEGEN" generate -o "$out/p2.json" "$out/rec.json" "$out/log.json" 2>/dev/null
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["defaultAction"]=="SCMP_ACT_ERRNO", p["defaultAction"]' "$out/p2.json" ||
    fail "$e: the learned profile's default is not ERRNO"
  rc=$(eng_capture "$out/new.txt" "$e" run --rm "${o[@]}" --security-opt "seccomp=$out/p2.json" "$IMG" "${PRODUCTION_CMD[@]}")
  if [ "$rc" != 0 ] || ! cmp -s "$out/new.txt" "$out/unconfined.txt"; then
    fail "$e: the learned profile should run the production command (exit $rc)"; sed 's/^/    | /' "$out/new.txt"
  else
    echo "  $e: learned profile: exit 0, output as unconfined: $(cat "$out/new.txt")"
  fi
  "$PROFILEGEN" diff "$out/p1.json" "$out/p2.json" >"$out/diff.txt" || true
  grep -q '^+ mkdir .*(observed)$' "$out/diff.txt" || { fail "$e: diff does not show mkdir added, observed"; sed 's/^/    | /' "$out/diff.txt"; }
  sed 's/^/    diff: /' "$out/diff.txt"
  "$e" rmi -f "$IMG" >/dev/null 2>&1 || true
}

for e in $ENGINES; do
  echo "== $e"
  one_engine "$e"
done
[ "$FAILS" = 0 ] && { echo "PASS: learn_from_log ($ENGINES)"; exit 0; }
echo "FAILED: $FAILS check(s)"
exit 1
