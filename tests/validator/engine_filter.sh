#!/usr/bin/env bash
# engine_filter.sh runc|crun PROFILE OUT: runs `sleep` in a container of the real runtime with PROFILE (Docker
# format, read as Docker does, with `runc spec`'s capabilities), then writes the seccomp filter the kernel holds
# for the container process to OUT (PTRACE_SECCOMP_GET_FILTER: raw struct sock_filter array, host order).
# Exit 77 when a prerequisite is missing (and CI is not true; under CI=true eng_require fails loudly).
set -euo pipefail
runtime=$1 profile=$2 out=$3
. "$(dirname "$0")/../../scripts/engines.sh"
eng_init
eng_require root "$runtime" python3
rootfs=$(eng_rootfs_host)
eng_bundle --rootfs "$rootfs" --profile "$profile" --nnp false "$ENG_WORK/bundle" -- /bin/sleep 20 >/dev/null
case $runtime in
  runc) eng_runc "$ENG_WORK/bundle" >/dev/null 2>&1 & ;;
  crun) eng_crun "$ENG_WORK/bundle" >/dev/null 2>&1 & ;;
esac
# The container's pid from the runtime's own state, once its process runs under the filter.
pid=""
for _ in $(seq 100); do
  pid=$("$runtime" --root "$ENG_WORK/state/$runtime" list -f json 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin) or []; print(next((c["pid"] for c in s if c["status"]=="running"), ""))' \
    2>/dev/null || true)
  if [ -n "$pid" ] && [ "$pid" != 0 ] && grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" 2>/dev/null &&
     [ "$(readlink "/proc/$pid/exe")" = /usr/bin/sleep ]; then
    break
  fi
  pid=""
  sleep 0.1
done
[ -n "$pid" ] || { echo "engine_filter: the container did not start" >&2; exit 1; }
python3 - "$pid" "$out" <<'PY'
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
kill -KILL "$pid" 2>/dev/null || true
wait || true
