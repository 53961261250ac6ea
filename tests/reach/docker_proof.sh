#!/usr/bin/env bash
# The production proof of issue 10 under docker, with the real Debian 12 image (redis-server, nginx-light):
# for each server, record a smoke test of the container with `profilegen record --reachable -- docker run ...`,
# generate the trace-only profile and the `--reachable include` profile, then run what production does in
# `docker run --security-opt seccomp=PROFILE`. Expected: the include profile passes, the trace-only one fails
# with EPERM in the server's own log.
#
#   redis: smoke = SET, GET, SHUTDOWN NOSAVE; production = BGSAVE, AOF on (a background rewrite), SHUTDOWN SAVE.
#   nginx: smoke = start, one page, stop; production = reload (SIGHUP), log rotation + reopen (SIGUSR1), a
#          reload that adds `worker_cpu_affinity auto` to the configuration, a page after each, graceful quit.
#          With the image's configuration the trace-only profile survives the plain reload and the reopen (the
#          first start creates nginx's temp folders, so chown is observed; the reload's 100 ms usleep is denied
#          silently); it fails the tuned reload ("sched_setaffinity() failed (1: Operation not permitted)").
#
# The server is the container's own process, as in production; the client is the host's (redis-cli, curl) in
# the container's network namespace (nsenter -n), so the profile is the server's and not the client's. Files
# are checked and the nginx log rotated from the host through /proc/PID/root.
#
# Reachability: a recording whose trace has a reachable section (analysed inside the container) is used as
# is; otherwise the image's own binaries are analysed on the host: the tarball extracted, `profilegen scan` of
# the executables the trace names with the image's library folders first in the search path, and that result
# stored as the trace's reachable section. The output says which path ran.
#
# Starts its own dockerd when none answers (own socket and data folder), stops it after. Needs root, docker,
# dockerd, nsenter, redis-cli, curl, python3 and the image (eng_debian_image: cached or built with mmdebstrap).
# Exit 77 (skip) when missing, 1 under CI=true. ctest: reach_docker_proof_redis, reach_docker_proof_nginx
# (labels engine, root; about 50 s each, most of it the trace-only runs waiting for what does not happen).
set -euo pipefail

usage() { echo "usage: docker_proof.sh --profilegen PATH [--servers \"redis nginx\"] [--keep DIR]"; }
PROFILEGEN="" SERVERS="redis nginx" KEEP=""
while [ $# -gt 0 ]; do
  case $1 in
    --profilegen) PROFILEGEN=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;  # copy each server's traces, profiles and logs there
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$PROFILEGEN" ] || { usage >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/engines.sh
. "$HERE/../../scripts/engines.sh"
# shellcheck source=proof_profiles.sh
. "$HERE/proof_profiles.sh"
eng_require root docker dockerd nsenter redis-cli curl python3 tar
PROFILEGEN=$(realpath "$PROFILEGEN")
[ -x "$(dirname "$PROFILEGEN")/profilegen-static" ] || { eng_err "no profilegen-static beside $PROFILEGEN"; exit 1; }
DEBIAN_TAR=$(eng_debian_image) || exit $?

TMPDIR=/var/tmp eng_init
IMG="profilegen-proof-debian:$$"
CONTAINERS=()
remove_created() {
  local c
  for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker rmi -f "$IMG" >/dev/null 2>&1 || true
}
eng_on_exit remove_created

FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# pid_of NAME: the host pid of the container's first process, once it runs (empty after 10 s).
pid_of() {
  local p
  for _ in $(seq 100); do
    p=$(docker inspect -f '{{.State.Pid}}' "$1" 2>/dev/null || true)
    [ -n "$p" ] && [ "$p" != 0 ] && { echo "$p"; return 0; }
    sleep 0.1
  done
}
# stopped NAME [TENTHS]: whether the container stops within TENTHS tenths of a second (default 50).
stopped() {
  for _ in $(seq "${2:-50}"); do
    [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null || echo false)" = false ] && return 0
    sleep 0.1
  done
  return 1
}
new_name() { local n="pgproof-$$-$1"; CONTAINERS+=("$n"); echo "$n"; }

# --- the servers: smoke test and production workload -------------------------------------------------------
REDIS=(redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --dir /tmp)
redis_cli() { nsenter -t "$1" -n redis-cli -p 6379 "${@:2}"; }
redis_up() { for _ in $(seq 100); do redis_cli "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
redis_smoke() {  # PID: SET, GET, SHUTDOWN NOSAVE
  redis_up "$1" || { echo "redis did not answer"; return 1; }
  redis_cli "$1" set k v >/dev/null && redis_cli "$1" get k >/dev/null && redis_cli "$1" shutdown nosave >/dev/null 2>&1
  return 0
}
# redis_production NAME PID: prints what failed; 0 when BGSAVE, AOF and a saving SHUTDOWN all worked. The
# server's log (where it reports a denied call) is kept as $ENG_WORK/NAME.server.log, as nginx_production does.
redis_production() {
  local name=$1 pid=$2 root=/proc/$2/root ok=0
  redis_up "$pid" || { echo "      redis did not answer"; return 1; }
  redis_cli "$pid" set k v >/dev/null
  redis_cli "$pid" bgsave >/dev/null
  for _ in $(seq 30); do redis_cli "$pid" info persistence | grep -q 'rdb_bgsave_in_progress:0' && break; sleep 0.1; done
  [ -f "$root/tmp/dump.rdb" ] || { echo "      BGSAVE wrote no dump.rdb"; ok=1; }
  redis_cli "$pid" config set appendonly yes >/dev/null
  for _ in $(seq 30); do redis_cli "$pid" info persistence | grep -q 'aof_rewrite_in_progress:0' && break; sleep 0.1; done
  sleep 1
  [ -n "$(ls "$root/tmp/appendonlydir" 2>/dev/null)" ] || { echo "      AOF on: no appendonlydir"; ok=1; }
  redis_cli "$pid" shutdown save >/dev/null 2>&1 || true
  stopped "$name" || { echo "      SHUTDOWN SAVE: the server did not exit within 5 s"; ok=1; }
  docker logs "$name" >"$ENG_WORK/$name.server.log" 2>&1
  grep -m3 'not permitted' "$ENG_WORK/$name.server.log" | sed 's/^[0-9]*:[A-Z] [^*#]*[*#] /      redis log: /' || true
  return $ok
}
NGINX=(nginx -g 'daemon off;')
page() { nsenter -t "$1" -n curl -s --max-time 2 "http://127.0.0.1/${2:-}"; }
nginx_up() { for _ in $(seq 100); do page "$1" | grep -q "Welcome to nginx" && return 0; sleep 0.1; done; return 1; }
# nginx_smoke PID: one page, then a graceful stop. Under record the container's first process is profilegen,
# which does not pass SIGQUIT on (docker kill -s QUIT left nginx running): the master, its child, gets it.
nginx_smoke() {
  local master=$1
  [ "$(cat "/proc/$1/comm")" = nginx ] || master=$(cut -d' ' -f1 "/proc/$1/task/$1/children")
  nginx_up "$1" || { echo "nginx did not serve"; return 1; }
  kill -QUIT "$master"
}
# workers PID: the master's children (the workers), sorted.
workers() { tr ' ' '\n' <"/proc/$1/task/$1/children" | grep . | sort || true; }
# reload NAME PID: SIGHUP; whether every old worker is gone and new ones run within 5 s.
reload() {
  local before after
  before=$(workers "$2")
  docker kill -s HUP "$1" >/dev/null
  for _ in $(seq 50); do
    after=$(workers "$2")
    [ -n "$after" ] && [ -z "$(comm -12 <(echo "$before") <(echo "$after"))" ] && return 0
    sleep 0.1
  done
  return 1
}
# nginx_production NAME PID: prints what failed; 0 when reload, log reopen, serving and quit all worked.
nginx_production() {
  local name=$1 pid=$2 logs=/proc/$2/root/var/log/nginx ok=0
  nginx_up "$pid" || { echo "      nginx did not serve"; return 1; }
  reload "$name" "$pid" || { echo "      reload: old workers still there"; ok=1; }
  nginx_up "$pid" || { echo "      reload: no page after it"; ok=1; }
  mv "$logs/access.log" "$logs/access.log.1"
  docker kill -s USR1 "$name" >/dev/null
  sleep 0.5
  page "$pid" "?after-reopen" >/dev/null || true
  sleep 0.3
  grep -q after-reopen "$logs/access.log" 2>/dev/null ||
    { echo "      reopen: the request after it is not in the new access.log"; ok=1; }
  nginx_up "$pid" || { echo "      reopen: no page after it"; ok=1; }
  # A reload that applies a production tuning (the reason reloads happen): workers pinned to CPUs.
  echo "worker_cpu_affinity auto;" >>"/proc/$pid/root/etc/nginx/nginx.conf"
  reload "$name" "$pid" || { echo "      reload with worker_cpu_affinity: old workers still there"; ok=1; }
  nginx_up "$pid" || { echo "      reload with worker_cpu_affinity: no page after it"; ok=1; }
  cp "$logs/error.log" "$ENG_WORK/$name.server.log"
  docker kill -s QUIT "$name" >/dev/null
  stopped "$name" || { echo "      quit: nginx did not exit within 5 s"; ok=1; }
  if grep -qE '\[(emerg|alert|crit)\]' "$ENG_WORK/$name.server.log"; then
    ok=1
    grep -m3 -E '\[(emerg|alert|crit)\]' "$ENG_WORK/$name.server.log" | sed 's/^[0-9/: ]*/      nginx error.log: /'
  fi
  return $ok
}

# --- reachability from the image's files, when the recording has none -------------------------------------
ROOTFS=""
# add_image_reachability TRACE OUT: OUT = TRACE plus a reachable section from `profilegen scan` of the image's
# copies of the executables TRACE names (those the image holds), its library folders searched first.
add_image_reachability() {
  local trace=$1 out=$2 exes=() e
  if [ -z "$ROOTFS" ]; then
    ROOTFS=$ENG_WORK/rootfs
    mkdir -p "$ROOTFS"
    tar -C "$ROOTFS" -xf "$DEBIAN_TAR" --exclude='./dev/*' || { eng_err "cannot extract $DEBIAN_TAR"; return 1; }
  fi
  while read -r e; do
    [ -f "$ROOTFS$e" ] && exes+=("$ROOTFS$e")
  done < <(python3 -c 'import json,sys; print("\n".join(sorted({s["first"]["exe"] for s in json.load(open(sys.argv[1]))["syscalls"] if s.get("first", {}).get("exe")})))' "$trace")
  [ ${#exes[@]} -gt 0 ] || { eng_err "the trace names no executable of the image"; return 1; }
  echo "    the image's executables the trace names: ${exes[*]#"$ROOTFS"}"
  LD_LIBRARY_PATH=$ROOTFS/lib/x86_64-linux-gnu:$ROOTFS/usr/lib/x86_64-linux-gnu "$PROFILEGEN" scan --format json "${exes[@]}" >"$out.scan" ||
    { eng_err "profilegen scan of the image's binaries failed"; return 1; }
  python3 - "$trace" "$out.scan" "$out" "$ROOTFS" <<'PY'
import json, sys
trace_path, scan_path, out_path, rootfs = sys.argv[1:]
t = json.load(open(trace_path))
s = json.load(open(scan_path))
t["version"] = 2
t["reachable"] = {"binaries": sorted(b["path"] for b in s["binaries"]), "unresolved": len(s["unresolved"]),
                  "syscalls": s["syscalls"]}
json.dump(t, open(out_path, "w"), indent=2)
host = [b["path"] for b in s["binaries"] if not b["path"].startswith(rootfs)]
print("    analysed on the host: %d binaries of the image%s" % (len(s["binaries"]) - len(host),
      ("; from the host: " + " ".join(host)) if host else ""))
PY
}

# --- one server -----------------------------------------------------------------------------------------------
proof() {
  local server=$1 out=$ENG_WORK/$1 name pid rc cmd=() t0 path
  case $server in redis) cmd=("${REDIS[@]}") ;; nginx) cmd=("${NGINX[@]}") ;; *) eng_err "no server $server"; return 2 ;; esac
  mkdir -p "$out"
  t0=$(date +%s)
  echo "== $server"
  # Smoke test, recorded.
  name=$(new_name "$server-smoke")
  "$PROFILEGEN" record -q --reachable -o "$out/trace.json" -- \
    docker run --rm --name "$name" --network none "$IMG" "${cmd[@]}" >"$out/record.log" 2>&1 &
  local rec=$!
  pid=$(pid_of "$name")
  if [ -z "$pid" ] || ! "${server}_smoke" "$pid"; then
    fail "$server: the smoke test did not run under record"; docker rm -f "$name" >/dev/null 2>&1 || true
    wait "$rec" || true; sed 's/^/    | /' "$out/record.log"; return
  fi
  rc=0; wait "$rec" || rc=$?
  [ -s "$out/trace.json" ] || { fail "$server: record exited $rc and wrote no trace"; sed 's/^/    | /' "$out/record.log"; return; }
  # Reachability: the recording's own, else the image's binaries analysed on the host.
  if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("reachable") else 1)' "$out/trace.json"; then
    path="in-container analysis (the recording's reachable section)"; cp "$out/trace.json" "$out/trace-reach.json"
  else
    path="the image's binaries analysed on the host (the recording has no reachable section)"
    add_image_reachability "$out/trace.json" "$out/trace-reach.json" || { fail "$server: no reachability"; return; }
  fi
  echo "    reachability: $path"
  local made
  made=$(proof_profiles "$PROFILEGEN" "$out" "$out/trace.json" "$out/trace-reach.json") ||
    { fail "$server: no profiles"; echo "$made"; return; }
  echo "    $made"
  # Production, confined by each profile.
  local p result=()
  for p in include trace-only; do
    name=$(new_name "$server-$p")
    echo "    production under the $p profile:"
    docker run -d --name "$name" --network none --security-opt "seccomp=$out/$p.json" "$IMG" "${cmd[@]}" >/dev/null
    pid=$(pid_of "$name")
    if [ -z "$pid" ]; then
      echo "      the container did not start"; docker logs "$name" 2>&1 | tail -n 5 | sed 's/^/    | /'; result+=(1)
    elif "${server}_production" "$name" "$pid"; then result+=(0); else result+=(1); fi
    docker rm -f "$name" >/dev/null 2>&1 || true
  done
  if [ "${result[0]}" = 0 ]; then echo "    include profile: production workload passes"; else fail "$server: the include profile fails production"; fi
  if [ "${result[1]}" = 0 ]; then
    fail "$server: the trace-only profile passes production (expected to fail)"
  elif ! grep -q 'not permitted' "$ENG_WORK/pgproof-$$-$server-trace-only.server.log" 2>/dev/null; then
    fail "$server: the trace-only profile fails, but the server's log names no denied call (expected EPERM)"
  else
    echo "    trace-only profile: fails, as expected (EPERM in the server's log)"
  fi
  echo "    $server: $(( $(date +%s) - t0 )) s"
  if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP/$server" && cp -r "$out/." "$ENG_WORK"/pgproof-$$-"$server"-*.server.log "$KEEP/$server/" 2>/dev/null || true
  fi
}

start=$(date +%s)
eng_start_dockerd
docker import "$DEBIAN_TAR" "$IMG" >/dev/null
echo "image imported in $(( $(date +%s) - start )) s"
for s in $SERVERS; do proof "$s"; done
echo "== total $(( $(date +%s) - start )) s"
[ "$FAILS" = 0 ] || { echo "FAILED: $FAILS"; exit 1; }
echo PASS
