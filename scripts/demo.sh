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

step "2. generate: a least-privilege Docker profile (runtime layer: none, for a plain program)" \
       "profilegen generate --runtime none -o $out/profile.json $out/trace.json"
"$bin" generate --runtime none -o "$out/profile.json" "$out/trace.json"
sed "s/^/   /" "$out/profile.json" | head -n 40
if [ "$(wc -l <"$out/profile.json")" -gt 40 ]; then echo "   ... ($(wc -l <"$out/profile.json") lines in $out/profile.json)"; fi

step "3. validate: read it as Docker does, compile it as runc does, load it in the kernel" \
       "profilegen validate --runtime none --load $out/profile.json"
"$bin" validate --runtime none --load "$out/profile.json"
step "4. run: enforce it; the sample still works" "profilegen run --profile $out/profile.json -- $sample $out/scratch"
rm -rf "$out/scratch"
"$bin" run --profile "$out/profile.json" -- "$sample" "$out/scratch"
step "5. take mkdir out of the profile: the same sample is now denied (EPERM), so the profile is enforced" \
     "profilegen run --profile $out/profile-without-mkdir.json -- $sample $out/scratch"
python3 - "$out/profile.json" "$out/profile-without-mkdir.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for rule in p["syscalls"]:
    rule["names"] = [n for n in rule["names"] if n not in ("mkdir", "mkdirat")]
json.dump(p, open(sys.argv[2], "w"), indent=4)
PY
rm -rf "$out/scratch"
if "$bin" run --profile "$out/profile-without-mkdir.json" -- "$sample" "$out/scratch"; then
  echo "   unexpected: mkdir was not denied" >&2
  exit 1
else
  echo "   denied as expected (exit $?)"
fi
printf '\ndemo done: outputs in %s\n' "$out"
