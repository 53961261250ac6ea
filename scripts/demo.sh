#!/usr/bin/env bash
# `make demo`: record a bundled sample, generate its profile, validate it and enforce it.
set -euo pipefail
bin=${1:-build/profilegen}
build=$(dirname "$bin")
out=${DEMO_OUT:-$build/demo}
mkdir -p "$out"
sample="$build/samples/mkdir_tool"
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "1. record: run the sample under the tracer" "profilegen record -o $out/trace.json -- $sample $out/scratch"
rm -rf "$out/scratch"
"$bin" record -o "$out/trace.json" -- "$sample" "$out/scratch"
python3 - "$out/trace.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
print("   %d distinct syscalls, %d task(s), exit %s" % (len(t["syscalls"]), t["tasks"], t["exit"]))
print("   " + " ".join(sorted(e["name"] or "#%d" % e["nr"] for e in t["syscalls"])))
PY

if "$bin" generate --help >/dev/null 2>&1 && ! "$bin" generate "$out/trace.json" 2>&1 | grep -q "not implemented"; then
  step "2. generate: a least-privilege Docker profile (runtime layer: none, for a plain program)" \
       "profilegen generate --runtime none -o $out/profile.json $out/trace.json"
  "$bin" generate --runtime none -o "$out/profile.json" "$out/trace.json"
  sed 's/^/   /' "$out/profile.json" | head -n 40
  [ "$(wc -l <"$out/profile.json")" -gt 40 ] && echo "   ... ($(wc -l <"$out/profile.json") lines in $out/profile.json)"
fi
if [ -f "$out/profile.json" ] && ! "$bin" validate "$out/profile.json" 2>&1 | grep -q "not implemented"; then
  step "3. validate: read it as Docker does, compile it as runc does, load it in the kernel" \
       "profilegen validate --load $out/profile.json"
  "$bin" validate --load "$out/profile.json"
  step "4. run: enforce it; the sample still works" "profilegen run --profile $out/profile.json -- $sample $out/scratch"
  rm -rf "$out/scratch"
  "$bin" run --profile "$out/profile.json" -- "$sample" "$out/scratch"
  step "5. run a command the profile was not made for: it is denied" \
       "profilegen run --profile $out/profile.json -- sh -c 'echo hi'"
  if "$bin" run --profile "$out/profile.json" -- /bin/sh -c 'echo hi'; then
    echo "   unexpected: the shell ran under the sample's profile" >&2
    exit 1
  else
    echo "   denied as expected (exit $?)"
  fi
fi
printf '\ndemo done: outputs in %s\n' "$out"
