#!/usr/bin/env bash
# Runs every test registered with ctest in the given build folder, and prints one closing line.
set -uo pipefail
build=${1:-build}
cd "$build" || exit 2
ctest --output-on-failure --timeout 900 -j 1 2>&1 | tee ctest.log
rc=${PIPESTATUS[0]}
exit "$rc"
