#!/usr/bin/env bash
# `make test`: the suite, the libFuzzer targets for 20 s each, and the suite again under ASan + UBSan.
#
# The suite runs one ctest entry at a time, and most of its time goes to one process (a tracer, an engine
# starting a container): one of the two cores is mostly idle for those ten minutes. So the sanitizer and fuzz
# builds run beside the suite, at the lowest CPU priority (nice 19: the suite's processes always win a core),
# their output kept in a log that is printed when they are done. The fuzzers and the sanitizer suite then run
# after the suite, alone, as before.
# Usage: scripts/test_all.sh [BUILD] [ASAN_BUILD]     (make test)
set -uo pipefail
build=${1:-build}
asan_build=${2:-build-asan}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
side_log=$root/$build/side-builds.log

# The side builds in a session of their own, so that a failing suite or ^C stops all of their compilers.
setsid bash -c "nice -n 19 make --no-print-directory asan-build ASAN_BUILD='$asan_build' && \
  nice -n 19 bash scripts/fuzz.sh --build-only" >"$side_log" 2>&1 </dev/null &
side=$!
stop_side() { kill -TERM -- "-$side" 2>/dev/null; wait "$side" 2>/dev/null; }
trap 'stop_side; exit 130' INT TERM
echo "== the suite ($build/), while the ASan and fuzz builds run beside it (log: $side_log)"

bash scripts/test.sh "$build"
suite=$?
if [ "$suite" -ne 0 ]; then
  stop_side
  echo "make test: the suite failed (exit $suite); the ASan and fuzz stages did not run" >&2
  exit "$suite"
fi

wait "$side"
side_rc=$?
trap - INT TERM
if [ "$side_rc" -ne 0 ]; then
  tail -n 40 "$side_log" >&2
  echo "make test: the ASan or fuzz build failed (exit $side_rc; whole log: $side_log)" >&2
  exit "$side_rc"
fi

echo "== the fuzz targets, 20 s each"
bash scripts/fuzz.sh --no-build 20 || exit $?
echo "== the suite under AddressSanitizer + UndefinedBehaviorSanitizer ($asan_build/)"
make --no-print-directory test-asan ASAN_BUILD="$asan_build"
