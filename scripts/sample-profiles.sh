#!/usr/bin/env bash
# Records each sample program and generates its profile into samples/profiles/ (the committed examples).
# Usage: scripts/sample-profiles.sh [BUILD_DIR]   (as root; run after `make build`)
set -euo pipefail
build=${1:-build}
bin="$build/profilegen"
out=samples/profiles
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
# name | command (relative to the samples folder) | generate options
while IFS='|' read -r name cmd opts; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086
  (cd "$tmp" && env -i PATH=/usr/bin:/bin "$OLDPWD/$bin" record -q -o "$tmp/$name.json" -- $cmd >/dev/null)
  # shellcheck disable=SC2086
  "$bin" generate $opts -o "$out/$name.json" "$tmp/$name.json"
  echo "samples/profiles/$name.json: $(grep -c '"' "$out/$name.json") lines of JSON from: $cmd"
done <<EOF2
mkdir_tool|$PWD/$build/samples/mkdir_tool $tmp/d|--runtime none
mkdir_tool-runc|$PWD/$build/samples/mkdir_tool $tmp/d|--runtime runc
mkdir_tool_static-crun-nnp|$PWD/$build/samples/mkdir_tool_static $tmp/d|--runtime crun --no-new-privileges
threads|$PWD/$build/samples/threads|--runtime none
pipeline|$PWD/$build/samples/pipeline|--runtime none
signals|$PWD/$build/samples/signals|--runtime none
static32|$PWD/$build/samples/static32|--runtime none
int80|$PWD/$build/samples/int80|--runtime none
EOF2
