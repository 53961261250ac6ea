#!/usr/bin/env bash
# Runs every test registered with ctest in the given build folder, then lists what was skipped on this machine
# (cases whose machine lacks an ability, e.g. the i386 ABI, each with its reason) and ctest's closing line.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$build" || exit 2
export PROFILEGEN_SKIP_LOG="$PWD/skipped.txt"
# Under ASan: leaks inside libseccomp itself are not ours (tests/lsan.supp says which and why).
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rm -f "$PROFILEGEN_SKIP_LOG"
ctest --output-on-failure --timeout 900 -j 1 "${@:2}" 2>&1 | tee ctest.log
rc=${PIPESTATUS[0]}
if [ -s "$PROFILEGEN_SKIP_LOG" ]; then
  echo "Skipped on this machine ($(sort -u "$PROFILEGEN_SKIP_LOG" | wc -l) cases):"
  sort -u "$PROFILEGEN_SKIP_LOG" | sed 's/^/  /'
  grep -E '^[0-9]+% tests passed' ctest.log | tail -n 1  # ctest's closing line stays the last line
fi
exit "$rc"
