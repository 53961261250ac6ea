#!/usr/bin/env bash
# The redis proof (issue 10): record redis-server under a smoke test (SET, GET, SHUTDOWN NOSAVE) with
# --reachable, generate a trace-only profile and a --reachable include profile, then run the production workload
# (BGSAVE, AOF on, saving SHUTDOWN) under `profilegen run` with each. Expected: the include profile passes, the
# trace-only profile fails. Uses 127.0.0.1:6399; stops every server it starts. Exit 0 when both expectations hold,
# 77 (skip) without redis. ctest runs it as reach_redis_proof (label root).
# Usage: tests/reach/redis_proof.sh [BUILD_DIR]
set -u
# shellcheck source=proof_profiles.sh
. "$(dirname "${BASH_SOURCE[0]}")/proof_profiles.sh"
pg=$(realpath "${1:-build}/profilegen")
port=6399
# Missing redis: a visible skip (exit 77, ctest's SKIP_RETURN_CODE), a failure under CI=true as the engine tests do.
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: CI=true but redis-server or redis-cli is missing (scripts/deps.sh installs it)"; exit 1; }
  echo "SKIP: redis-server or redis-cli is not installed (scripts/deps.sh installs it; CI=true makes this a failure)"
  exit 77
fi
work=$(mktemp -d /var/tmp/profilegen-redis.XXXXXX)
cleanup() { redis-cli -p $port shutdown nosave >/dev/null 2>&1; [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cli() { redis-cli -p $port "$@"; }
wait_up() { for _ in $(seq 50); do cli ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
server=(/usr/bin/redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no)

mkdir -p "$work/smoke"
"$pg" record -q --reachable -o "$work/trace.json" -- "${server[@]}" --dir "$work/smoke" >/dev/null 2>&1 &
pid=$!
wait_up || { echo "redis did not start under record"; exit 1; }
cli set k v >/dev/null; cli get k >/dev/null; cli shutdown nosave >/dev/null 2>&1
wait "$pid"; pid=
proof_profiles "$pg" "$work" "$work/trace.json" "$work/trace.json" --runtime none || exit 1

# production PROFILE: prints what failed; exit 0 when BGSAVE, AOF and a saving SHUTDOWN all worked.
production() {
  local d=$work/prod-$1 ok=0
  mkdir -p "$d"
  "$pg" run --profile "$work/$1.json" -- "${server[@]}" --dir "$d" >"$d.log" 2>&1 &
  pid=$!
  wait_up || { echo "  $1: redis did not start"; return 1; }
  cli set k v >/dev/null
  cli bgsave >/dev/null
  for _ in $(seq 30); do cli info persistence | grep -q 'rdb_bgsave_in_progress:0' && break; sleep 0.1; done
  [ -f "$d/dump.rdb" ] || { echo "  $1: BGSAVE wrote no dump.rdb"; ok=1; }
  cli config set appendonly yes >/dev/null
  sleep 2
  [ -d "$d/appendonlydir" ] || { echo "  $1: AOF: no appendonlydir"; ok=1; }
  cli shutdown save >/dev/null 2>&1
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "  $1: SHUTDOWN SAVE: the server did not exit within 5 s"; ok=1
    cli shutdown nosave force >/dev/null 2>&1; sleep 0.5; kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null; pid=
  grep -m3 'not permitted' "$d.log" | sed "s/^/  $1 log: /"
  return $ok
}
result=0
if production include; then echo "include profile: production workload passes"; else echo "include profile: FAILS"; result=1; fi
if production trace-only; then echo "trace-only profile: passes (expected to fail)"; result=1; else echo "trace-only profile: fails, as expected"; fi
exit $result
