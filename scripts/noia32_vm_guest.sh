#!/bin/bash
# Runs inside the no-IA-32 VM of scripts/noia32_vm.sh, chrooted into the host's root (read-only, under a tmpfs
# overlay): shows that the kernel runs no i386 code, then runs the already-built tests that do not need a
# container engine. Exits 0 only when the kernel really lacks IA-32 emulation and every test passed.
# Usage (by the VM's /init): noia32_vm_guest.sh CHECKOUT BUILD ABI_PROBE [TESTS_REGEX]
set -uo pipefail
checkout=$1 build=$2 probe=$3 tests=${4:-.*}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb NO_COLOR=1
export PROFILEGEN_SKIP_LOG=/tmp/profilegen-skipped.txt
rm -f "$PROFILEGEN_SKIP_LOG"
failed=()
summary=()
section() { printf '\n===== %s\n' "$*"; }
fail() { echo "FAILED: $*"; failed+=("$*"); }

section "kernel"
uname -a
echo "cmdline: $(cat /proc/cmdline)"
echo "checkout: $checkout at $(git -C "$checkout" log -1 --format='%h %s' 2>/dev/null), build: $build"
echo "cpus: $(nproc), memory: $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"

grep -qw 'ia32_emulation=0' /proc/cmdline || fail "the kernel was not booted with ia32_emulation=0"

section "what tests/support/abi.h probes"
"$probe" "$build/samples/static32"
probe_out=$("$probe" "$build/samples/static32")
case "$probe_out" in
  *"i386_exec=no"*"int80=no"*) ;;
  *) fail "this kernel runs i386 code: not a kernel without IA-32 emulation" ;;
esac

section "the 32-bit samples, run directly"
"$build/samples/static32"
echo "static32: exit $?"
"$build/samples/int80"
echo "int80: exit $?"

section "profilegen record of a 32-bit program"
echo "\$ $build/profilegen record -o /tmp/t.json -- $build/samples/static32"
"$build/profilegen" record -o /tmp/t.json -- "$build/samples/static32"
echo "exit $?"
echo "\$ $build/profilegen record -o /tmp/t80.json -- $build/samples/int80"
"$build/profilegen" record -o /tmp/t80.json -- "$build/samples/int80"
echo "exit $?"
grep -o '"exit": *{[^}]*}' /tmp/t80.json

# The kernel says it refused an i386 program once, at the first attempt (above), so dmesg is read after it.
section "dmesg | grep -i ia-32 (the hint of record up to commit 44dacb5)"
dmesg | grep -i ia-32 || echo "(nothing)"
section "dmesg | grep -iE 'ia-?32' (the hint of record now)"
dmesg | grep -iE 'ia-?32' || echo "(nothing)"

# The case written for this kernel, each assertion shown (Catch2 prints nothing for a passing case otherwise).
section "test_tracer 'without IA-32 emulation: record reports what the kernel does', every assertion"
(cd "$build/tests" && ./test_tracer 'without IA-32 emulation: record reports what the kernel does' -s -r compact --use-colour no) ||
  fail "test_tracer 'without IA-32 emulation: record reports what the kernel does'"

# One Catch2 binary with one tag expression, in ctest's working folder; keeps Catch2's closing lines as counts.
catch2() {
  local name=$1 binary=$2 tags=$3 started rc
  section "$name: $(basename "$binary") '$tags'"
  started=$(date +%s)
  (cd "$build/tests" && "$binary" "$tags" --use-colour no </dev/null) 2>&1 | tee "/tmp/$name.log"
  rc=${PIPESTATUS[0]}
  local counts
  # The last closing lines: a forked child that ran Catch2's crash handler prints a summary of its own before.
  counts=$(awk '/^(All tests passed|No tests ran|test cases:)/ {s = $0} /^assertions:/ {s = s " " $0} END {print s}' \
           "/tmp/$name.log")
  summary+=("$(printf '%-16s exit %-3s %4ss  %s' "$name" "$rc" "$(($(date +%s) - started))" "$counts")")
  [ "$rc" -eq 0 ] || fail "$name (exit $rc)"
}

# Every ctest entry that runs a Catch2 binary and needs no container engine: unit entries with ctest's own tags,
# root entries without the [engine] cases (runc, crun, podman and docker are not started in the VM).
entries=$(cd "$build" && ctest -N --show-only=json-v1 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    labels = [v for p in t.get("properties", []) if p["name"] == "LABELS" for v in p["value"]]
    if "engine" in labels or len(t["command"]) != 2 or "/test_" not in t["command"][0]:
        continue
    print(t["name"], t["command"][0], t["command"][1])
')
[ -n "$entries" ] || fail "no ctest entries found in $build"
while read -r name binary tags; do
  [[ $name =~ ^($tests)$ ]] || continue
  [ "$tags" = "[root],[ptrace],[engine]" ] && tags="[root]~[engine],[ptrace]~[engine]"
  if [ "$("$binary" "$tags" --list-test-names-only </dev/null | grep -c .)" -eq 0 ]; then
    summary+=("$(printf '%-16s -        (every case is an [engine] case)' "$name")")
    continue
  fi
  catch2 "$name" "$binary" "$tags"
done <<<"$entries"

section "ctest -L unit"
(cd "$build" && ctest -L unit -R "^($tests)\$" --output-on-failure --timeout 900)
rc=$?
summary+=("$(printf '%-16s exit %s' "ctest -L unit" "$rc")")
[ "$rc" -eq 0 ] || fail "ctest -L unit (exit $rc)"

section "not run in the VM (they need a container engine)"
(cd "$build" && ctest -N -L engine | grep 'Test *#')
for b in "$build"/tests/test_*; do
  n=$("$b" '[engine]' --list-test-names-only 2>/dev/null | grep -c .)
  [ "$n" -gt 0 ] && echo "  $(basename "$b"): $n [engine] cases"
done

section "core files the run left in the build folder"
find "$build" -maxdepth 2 -name 'core*' -type f -newer /tmp/noia32_vm_guest.sh || true

section "PROFILEGEN_SKIP_LOG ($(sort -u "$PROFILEGEN_SKIP_LOG" 2>/dev/null | wc -l) distinct cases)"
sort "$PROFILEGEN_SKIP_LOG" 2>/dev/null | uniq -c

section "summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -eq 0 ]; then
  echo "all passed on $(uname -r) without IA-32 emulation"
  exit 0
fi
printf 'FAILED: %s\n' "${failed[@]}"
exit 1
