#!/usr/bin/env bash
# engine_filter.sh runc|crun PROFILE OUT [PROFILE OUT]...: for each PROFILE, runs `sleep` in a container of the
# real runtime with it (Docker format, read as Docker does, with `runc spec`'s capabilities), then writes the
# seccomp filter the kernel holds for the container process to OUT (PTRACE_SECCOMP_GET_FILTER: raw struct
# sock_filter array, host order). A container that does not start leaves no OUT, is named on stderr, and makes
# the exit status 1 once every pair was tried.
# Exit 77 when a prerequisite is missing (and CI is not true; under CI=true eng_require fails loudly).
set -euo pipefail
runtime=$1
shift
. "$(dirname "$0")/../../scripts/engines.sh"
eng_init
eng_require root "$runtime" python3 pgrep
rootfs=$(eng_rootfs_host)
# Attach to PID, write its seccomp filter to OUT.
read_py=$(cat <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long
pid, out = int(sys.argv[1]), sys.argv[2]
PTRACE_ATTACH, PTRACE_DETACH, PTRACE_SECCOMP_GET_FILTER = 16, 17, 0x420C
if libc.ptrace(PTRACE_ATTACH, pid, None, None) < 0:
    sys.exit(f"engine_filter: attach: {os.strerror(ctypes.get_errno())}")
os.waitpid(pid, 0)
n = libc.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, None, None)
if n < 0:
    sys.exit(f"engine_filter: PTRACE_SECCOMP_GET_FILTER: {os.strerror(ctypes.get_errno())}")
buf = ctypes.create_string_buffer(8 * n)
libc.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, None, buf)
libc.ptrace(PTRACE_DETACH, pid, None, None)
with open(out, "wb") as f:
    f.write(buf.raw)
PY
)

# descends PID ANCESTOR: whether PID is ANCESTOR's child, grandchild, ...
descends() {
  local p=$1
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    [ "$p" = "$2" ] && return 0
  done
  return 1
}

read_filter() {
  local profile=$1 out=$2 bundle=$3 pid
  eng_bundle --rootfs "$rootfs" --profile "$profile" --nnp false "$bundle" -- /bin/sleep 20 >/dev/null
  case $runtime in
    runc) eng_runc "$bundle" >/dev/null 2>&1 & ;;
    crun) eng_crun "$bundle" >/dev/null 2>&1 & ;;
  esac
  local runner=$!
  # The container's process: the `sleep` below this runtime process, once it runs under the filter. Read from /proc: asking the runtime for its state costs a process per try.
  pid=""
  for _ in $(seq 200); do
    for p in $(pgrep -x sleep || true); do
      if descends "$p" "$runner" &&
         grep -q '^Seccomp:[[:space:]]*2' "/proc/$p/status" 2>/dev/null &&
         [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /usr/bin/sleep ]; then
        pid=$p
      fi
    done
    [ -n "$pid" ] && break
    kill -0 "$runner" 2>/dev/null || break  # the runtime gave up: the profile denies what it needs
    sleep 0.05
  done
  if [ -z "$pid" ]; then
    echo "engine_filter: $profile: the container did not start" >&2
    kill "$runner" 2>/dev/null || true
    wait || true
    return 1
  fi
  python3 -c "$read_py" "$pid" "$out" || return 1
  kill -KILL "$pid" 2>/dev/null || true
  wait || true
}

failed=0 n=0
while [ $# -ge 2 ]; do
  n=$((n + 1))
  read_filter "$1" "$2" "$ENG_WORK/bundle$n" || failed=1
  shift 2
done
exit "$failed"
