#!/usr/bin/env bash
# The nginx proof (issue 10, the second real server): record nginx under a smoke test (start, one page with curl,
# `nginx -s quit`) with --reachable, generate a trace-only profile and a --reachable include profile, then run
# what production does under `profilegen run` with each: `nginx -s reload` (SIGHUP: the master re-reads the
# configuration, starts new workers, the old ones exit), a log rotation (`mv access.log access.log.1`, then
# `nginx -s reopen`, SIGUSR1) and serving after both. Expected: the include profile passes all of it; the
# trace-only profile fails the log reopen (the master chowns the new log files to the worker user: chown was
# never made at the smoke test, nginx logs "[emerg] chown(...) failed (1: Operation not permitted)" and keeps
# logging into the rotated file).
# nginx runs from its own prefix below /var/tmp on 127.0.0.1:8399 and is stopped on every path.
# Exit 0 when both expectations hold, 77 (skip) without nginx or curl (a failure under CI=true).
# ctest runs it as reach_nginx_proof (label root).
# Usage: tests/reach/nginx_proof.sh [BUILD_DIR]
set -u
# shellcheck source=proof_profiles.sh
. "$(dirname "${BASH_SOURCE[0]}")/proof_profiles.sh"
pg=$(realpath "${1:-build}/profilegen")
port=8399
if ! command -v nginx >/dev/null || ! command -v curl >/dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: CI=true but nginx or curl is missing (scripts/deps.sh installs them)"; exit 1; }
  echo "SKIP: nginx or curl is not installed (scripts/deps.sh installs them; CI=true makes this a failure)"
  exit 77
fi
[ "$(id -u)" = 0 ] || {
  [ "${CI:-}" = true ] && { echo "FAIL: CI=true but not root"; exit 1; }
  echo "SKIP: needs root (nginx's master changes to the worker user; CI=true makes this a failure)"; exit 77; }
work=$(mktemp -d /var/tmp/profilegen-nginx.XXXXXX)
chmod 755 "$work"  # the workers (user nobody) read the pages below it
prefix=$work/prefix
nginx_cmd=(nginx -c "$prefix/nginx.conf" -p "$prefix")
signal() { "${nginx_cmd[@]}" -s "$1" 2>/dev/null; }  # quiet: nginx -s prints a notice on stderr
cleanup() {
  signal stop
  [ -n "${pid:-}" ] && { sleep 0.5; kill -9 "$pid" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

# A configuration of its own (the machine's /etc/nginx is not touched): 2 workers, logs and temp folders in the
# prefix; master as root, workers as nobody (nginx's default user when the master runs as root).
mkdir -p "$prefix/logs" "$prefix/html" "$prefix/tmp"
echo "profilegen nginx proof" >"$prefix/html/index.html"
cat >"$prefix/nginx.conf" <<EOF
worker_processes 2;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log notice;
events { worker_connections 64; }
http {
  access_log $prefix/logs/access.log;
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  server { listen 127.0.0.1:$port; root $prefix/html; }
}
EOF
# As a package installs it: the temp folders exist before the first start (nginx -t creates them).
"${nginx_cmd[@]}" -t -q || { echo "FAIL: nginx -t refused the test configuration"; exit 1; }

get() { curl -s --max-time 2 "http://127.0.0.1:$port/${1:-}"; }
wait_up() { for _ in $(seq 50); do [ "$(get)" = "profilegen nginx proof" ] && return 0; sleep 0.1; done; return 1; }
wait_gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
workers() { pgrep -P "$(cat "$prefix/nginx.pid")" | sort | tr '\n' ' '; }
# shares BEFORE AFTER: whether a worker pid is in both lists.
shares() { comm -12 <(tr ' ' '\n' <<<"$1" | grep . | sort) <(tr ' ' '\n' <<<"$2" | grep . | sort) | grep -q .; }

# The smoke test: start, one page, quit. `daemon off`: the master is the recorded command's own process.
rm -f "$prefix/logs/"*
"$pg" record -q --reachable -o "$work/trace.json" -- "${nginx_cmd[@]}" -g 'daemon off;' >"$work/record.log" 2>&1 &
pid=$!
wait_up || { echo "FAIL: nginx did not serve under record"; cat "$work/record.log"; exit 1; }
signal quit
wait "$pid"; pid=
proof_profiles "$pg" "$work" "$work/trace.json" "$work/trace.json" --runtime none || exit 1

# production PROFILE: prints what failed; exit 0 when serving, reload and log reopen all worked.
production() {
  local p=$1 ok=0 before after
  rm -f "$prefix/logs/"*
  "$pg" run --profile "$work/$p.json" -- "${nginx_cmd[@]}" -g 'daemon off;' >"$work/$p.log" 2>&1 &
  pid=$!
  wait_up || { echo "  $p: nginx did not serve"; cat "$work/$p.log"; return 1; }
  # reload: every old worker exits, new ones serve.
  before=$(workers)
  signal reload
  for _ in $(seq 50); do
    after=$(workers)
    [ -n "$after" ] && ! shares "$before" "$after" && break
    sleep 0.1
  done
  if [ -z "$after" ] || shares "$before" "$after"; then
    echo "  $p: reload: workers before [$before], after [$after]: the old ones did not all go"; ok=1
  fi
  wait_up || { echo "  $p: reload: no page served after it"; ok=1; }
  # Log rotation: the request after `reopen` must land in the new access.log.
  mv "$prefix/logs/access.log" "$prefix/logs/access.log.1"
  signal reopen
  sleep 0.5
  get "?after-reopen" >/dev/null
  sleep 0.3
  grep -q after-reopen "$prefix/logs/access.log" 2>/dev/null ||
    { echo "  $p: reopen: the request after it is not in the new access.log"; ok=1; }
  get >/dev/null || { echo "  $p: reopen: no page served after it"; ok=1; }
  signal quit
  wait_gone "$pid" || { echo "  $p: quit: nginx did not exit within 5 s"; ok=1; }
  wait "$pid" 2>/dev/null; pid=
  cp "$prefix/logs/error.log" "$work/$p.error.log"
  if grep -E '\[(emerg|alert|crit)\]' "$work/$p.error.log" >/dev/null; then
    ok=1
    grep -m3 -E '\[(emerg|alert|crit)\]' "$work/$p.error.log" | sed "s/^[0-9/: ]*/  $p error.log: /"
  fi
  return $ok
}
result=0
if production include; then echo "include profile: serving, reload and log reopen pass"; else echo "include profile: FAILS"; result=1; fi
if production trace-only; then
  echo "trace-only profile: passes (expected to fail)"; result=1
elif ! grep -q 'Operation not permitted' "$work/trace-only.error.log"; then
  echo "trace-only profile: fails, but nginx's error.log names no denied call (expected EPERM)"; result=1
else
  echo "trace-only profile: fails, as expected (EPERM in nginx's error.log)"
fi
exit $result
