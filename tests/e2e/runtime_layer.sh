#!/usr/bin/env bash
# Re-measures the syscalls runc and crun make AFTER loading a container's seccomp filter (the "runtime layer"),
# and checks that the committed layer data (generator/data/runtime-*.json) is still sufficient.
#
# For each runtime (runc; crun run; crun create + crun start, the way podman drives crun) and noNewPrivileges
# (true, false):
#   1. measure: run the container under strace with a permissive filter; the syscalls the runtime's init
#      task makes from the filter load up to and including execve are the measured set (union of --probes runs);
#   2. confirm: a deny-by-default profile allowing app + measured set: --runs starts (a shortfall is a warning:
#      a few straced starts can miss a call the Go runtime in runc makes only sometimes);
#   3. check:   a deny-by-default profile allowing app + the data file's set: --runs starts must all pass.
# Apps: `busybox echo hi` (static busybox) and `bare hi` (tests/e2e/bare.c: a libc-free static program whose
# only syscalls after execve are writev and exit_group, so the app's own syscalls cannot hide a missing runtime
# syscall such as write or prctl, which busybox makes too).
# A start passes when the container exits 0 with the expected output (crun-create: the output only, as the
# container's exit status is not reported by `crun start`).
#
# Usage: runtime_layer.sh [--runs N] [--probes N] [--data DIR] [--runtimes "runc crun crun-create"]
#                         [--nnp "true false"]
#                         [--profilegen BIN] [--minimise]
#   --minimise   (for humans, slow) starting from the measured and the data sets together, greedily drop each
#                syscall that --runs starts pass without, and print the smallest set found. Background Go-runtime calls (runc) are needed only in some starts:
#                use --runs 100 or more, and read the result as "sufficient in N starts", not as proof.
#   --profilegen BIN  take the app's syscalls from `BIN record` instead of strace.
# Exit: 0 all passed, 1 a check failed, 77 skipped (prerequisite missing and CI is not true).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../../scripts/engines.sh
. "$src/scripts/engines.sh"

runs=20 probes=5 data_dir=$src/generator/data runtimes="runc crun crun-create" nnps="true false" profilegen="" minimise=false
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --probes) probes=$2; shift 2 ;;
    --data) data_dir=$2; shift 2 ;;
    --runtimes) runtimes=$2; shift 2 ;;
    --nnp) nnps=$2; shift 2 ;;
    --profilegen) profilegen=$2; shift 2 ;;
    --minimise|--minimize) minimise=true; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "runtime_layer.sh: error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

exec 2>&1  # one stream: errors appear where they happen in ctest logs
eng_require root runc crun python3 strace busybox cc unshare
[ "$(uname -m)" = x86_64 ] || { eng_err "the layer data and bare.c are x86_64 only (uname -m: $(uname -m))"; exit 1; }
eng_init
rootfs=$(eng_rootfs_busybox)
cc -static -nostdlib -nostartfiles -fno-stack-protector -O2 -o "$rootfs/bin/bare" "$here/bare.c" ||
  { eng_err "cannot build $here/bare.c"; exit 1; }

# The app's syscalls as names, one line, execve left out (the runtime makes that call, so the layer must hold it).
app_syscalls() {  # APP-ARGS...
  local out=$ENG_WORK/app-trace
  if [ -n "$profilegen" ]; then
    "$profilegen" record -q -o "$out.json" -- "$@" >/dev/null ||
      { eng_err "$profilegen record failed on $*"; return 1; }
    python3 -c 'import json,sys; print(" ".join(sorted({s["name"] for s in json.load(open(sys.argv[1]))["syscalls"]
                 if s["name"] and s["name"] != "execve"})))' "$out.json"
  else
    strace -f -qq -o "$out.txt" "$@" >/dev/null || { eng_err "strace failed on $*"; return 1; }
    sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z0-9_]+) resumed>.*/\1(/' "$out.txt" | grep -oE '^[a-z0-9_]+\(' |
      tr -d '(' | grep -vx execve | sort -u | tr '\n' ' ' | sed 's/ $//'
    echo
  fi
}

# write_profile FILE DEFAULT-ACTION NAMES...: a Docker-format profile allowing NAMES.
write_profile() {
  python3 - "$@" <<'PY'
import json, sys
path, default, names = sys.argv[1], sys.argv[2], sorted(set(sys.argv[3:]))
rules = [{"names": names, "action": "SCMP_ACT_ALLOW"}]
if default == "SCMP_ACT_ALLOW":  # a filter must deny something to be loaded at all: acct is never used here
    rules = [{"names": ["acct"], "action": "SCMP_ACT_ERRNO"}]
p = {"defaultAction": default,
     "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []}], "syscalls": rules}
if default == "SCMP_ACT_ERRNO":  # crun rejects defaultErrnoRet with any other default action
    p["defaultErrnoRet"] = 1
with open(path, "w") as f:
    json.dump(p, f, indent=4)
PY
}

# post_load_syscalls STRACE-FILE: names the runtime's container init made from its filter load through execve.
post_load_syscalls() {
  python3 - "$1" <<'PY'
import re, sys
line_re = re.compile(r'^(\d+)<([^>]*)> (?:<\.\.\. (\w+) resumed>|(\w+)\()')
load_re = re.compile(r'prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, \{len=|seccomp\(SECCOMP_SET_MODE_FILTER, [^,]*, \{len=')
loader, names = None, set()
for line in open(sys.argv[1], errors="replace"):
    m = line_re.match(line)
    if not m:
        continue
    pid, comm, name = m.group(1), m.group(2), m.group(3) or m.group(4)
    if loader is None:
        if load_re.search(line) and "= -1" not in line:  # runc: "<unfinished ...>", then resumed "= 0"
            loader, load_name = (pid, comm), name
        continue
    # The loading task, and (runc) the other threads of its process, which carry the same comm; never the
    # runtime's parent process (comm runc/crun).
    if pid == loader[0] and m.group(3) == load_name and not names:
        continue  # the filter load itself, resumed after an "<unfinished ...>" line
    if pid == loader[0] or (comm == loader[1] and comm not in ("runc", "crun")):
        names.add(name)
        if pid == loader[0] and name == "execve" and re.search(r"= 0$", line.rstrip()):
            break
if loader is None:
    sys.exit("no seccomp filter load found in " + sys.argv[1])
print(" ".join(sorted(names)))
PY
}

# layer_from_data RUNTIME NNP: the data file's names for this runtime and noNewPrivileges setting.
layer_from_data() {
  local runtime=${1%-create}  # crun-create is crun's data
  python3 - "$data_dir" "$runtime" "$2" <<'PY'
import glob, json, os, sys
data_dir, runtime, nnp = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
files = sorted(glob.glob(os.path.join(data_dir, "runtime-*.json")))
if not files:
    sys.exit(f"no {data_dir}/runtime-*.json: the runtime layer data has not landed")
def names_of(obj):
    """Accepts the shapes a layer file may take: a list of names, or entries with names/name."""
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, list):
        return set().union(*(names_of(x) for x in obj)) if obj else set()
    if isinstance(obj, dict):
        out = set()
        for k in ("names", "syscalls", "name"):
            if k in obj:
                out |= names_of(obj[k])
        return out
    return set()
for path in files:
    with open(path) as f:
        d = json.load(f)
    if d.get("runtime", os.path.basename(path)[len("runtime-"):-len(".json")]) != runtime:
        continue
    if "groups" in d:  # {"groups": [{"when": "always" | "no-new-privileges=true|false", "names": [...]}]}
        wanted = ("always", f"no-new-privileges={str(nnp).lower()}")
        unknown = {g.get("when") for g in d["groups"]} - {"always", "no-new-privileges=true", "no-new-privileges=false"}
        if unknown:
            sys.exit(f"{path}: unknown 'when' values {sorted(unknown)}: teach runtime_layer.sh about them")
        print(" ".join(sorted(set().union(*(set(g["names"]) for g in d["groups"] if g.get("when") in wanted)))))
        sys.exit(0)
    variants = d.get("variants") or d.get("layers")
    if variants is None:
        print(" ".join(sorted(names_of(d))))
        sys.exit(0)
    for v in variants:
        if bool(v.get("noNewPrivileges", v.get("no_new_privileges"))) == nnp:
            print(" ".join(sorted(names_of(v))))
            sys.exit(0)
sys.exit(f"no layer for runtime {runtime}, noNewPrivileges={str(nnp).lower()} in {', '.join(files)}")
PY
}

# runner RUNTIME: the engines.sh function that starts a bundle with it.
runner() {
  case $1 in runc) echo eng_runc ;; crun) echo eng_crun ;; crun-create) echo eng_crun_create_start ;;
    *) eng_err "unknown runtime $1 (runc, crun, crun-create)"; return 2 ;; esac
}

# starts RUNTIME NNP PROFILE N EXPECTED APP-ARGS...: N container starts; prints the number that failed, and
# shows the first failure's output on stderr.
starts() {
  local rt=$1 nnp=$2 profile=$3 n=$4 expected=$5 i rc failed=0 bundle; shift 5
  bundle=$ENG_WORK/bundle-$rt-$nnp
  eng_bundle --rootfs "$rootfs" --profile "$profile" --nnp "$nnp" "$bundle" -- "$@" >&2 || { echo "$n"; return; }
  for ((i = 1; i <= n; i++)); do
    rc=$(eng_capture "$ENG_WORK/out" "$(runner "$rt")" "$bundle")
    if [ "$rc" != 0 ] || [ "$(cat "$ENG_WORK/out")" != "$expected" ]; then
      if [ "$failed" = 0 ]; then
        echo "    start $i of $n failed: exit $rc, output:" >&2
        sed 's/^/      | /' "$ENG_WORK/out" | head -n 5 >&2
      fi
      failed=$((failed + 1))
    fi
  done
  echo "$failed"
}

# Apps: NAME|EXPECTED-OUTPUT|ARGS (args split on spaces).
apps=("busybox-echo|hi|/bin/busybox echo hi" "bare|hi|/bin/bare hi")
declare -A app_set
for a in "${apps[@]}"; do
  IFS='|' read -r name _ args <<<"$a"
  # shellcheck disable=SC2086
  host_args=$(echo $args | sed "s|^/bin/bare|$rootfs/bin/bare|")
  # shellcheck disable=SC2086
  app_set[$name]=$(app_syscalls $host_args)
  echo "app $name ($args): ${app_set[$name]}"
done

fail=0
declare -A summary
for rt in $runtimes; do
  for nnp in $nnps; do
    echo "== $rt, noNewPrivileges=$nnp"
    # 1. measure
    measured=""
    write_profile "$ENG_WORK/permissive.json" SCMP_ACT_ALLOW
    eng_bundle --rootfs "$rootfs" --profile "$ENG_WORK/permissive.json" --nnp "$nnp" "$ENG_WORK/probe" -- /bin/bare hi
    for ((p = 1; p <= probes; p++)); do
      ENG_WRAP=(strace -f -Y -qq -o "$ENG_WORK/strace.txt")
      rc=$(eng_capture "$ENG_WORK/out" "$(runner "$rt")" "$ENG_WORK/probe")
      ENG_WRAP=()
      [ "$rc" = 0 ] || { eng_err "probe start failed (exit $rc):"; cat "$ENG_WORK/out" >&2; exit 1; }
      measured="$measured $(post_load_syscalls "$ENG_WORK/strace.txt")"
    done
    measured=$(echo "$measured" | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ' | sed 's/ $//')
    echo "  measured ($probes straced starts): $measured"
    # 2. confirm the measured set, 3. check the data
    data=$(layer_from_data "$rt" "$nnp" 2>"$ENG_WORK/data-err") || {
      eng_err "$(cat "$ENG_WORK/data-err")"; data=""; fail=1; }
    [ -n "$data" ] && echo "  data file:                   $data"
    if [ -n "$data" ]; then
      only_m=$(comm -23 <(tr ' ' '\n' <<<"$measured" | sort -u) <(tr ' ' '\n' <<<"$data" | sort -u) | tr '\n' ' ')
      only_d=$(comm -13 <(tr ' ' '\n' <<<"$measured" | sort -u) <(tr ' ' '\n' <<<"$data" | sort -u) | tr '\n' ' ')
      echo "  measured, not in data: ${only_m:-(none)}"
      echo "  in data, not measured: ${only_d:-(none)}"
    fi
    for a in "${apps[@]}"; do
      IFS='|' read -r name expected args <<<"$a"
      for what in measured data; do
        [ "$what" = data ] && [ -z "$data" ] && continue
        set_=$measured; [ "$what" = data ] && set_=$data
        # shellcheck disable=SC2086
        write_profile "$ENG_WORK/p.json" SCMP_ACT_ERRNO ${app_set[$name]} $set_
        t0=$(date +%s%N)
        # shellcheck disable=SC2086
        failed=$(starts "$rt" "$nnp" "$ENG_WORK/p.json" "$runs" "$expected" $args)
        t1=$(date +%s%N)
        printf '  %-8s app %-13s %d/%d starts passed (%d ms/start)\n' "$what" "$name" $((runs - failed)) "$runs" \
          $(((t1 - t0) / 1000000 / runs))
        summary["$rt nnp=$nnp $what $name"]=$((runs - failed))/$runs
        if [ "$failed" != 0 ] && [ "$what" = data ]; then
          fail=1
          eng_err "$rt noNewPrivileges=$nnp: the layer data is insufficient ($failed of $runs starts of $name failed)"
        elif [ "$failed" != 0 ]; then
          # Not a failure of the data under test: a few straced starts can miss the Go runtime's occasional
          # calls (runc: futex, rt_sigreturn, tgkill). More --probes, or --minimise, tell them apart.
          echo "  WARNING: the measured set is insufficient ($failed of $runs starts of $name failed): the" \
               "$probes straced starts missed a syscall the runtime makes only sometimes"
        fi
      done
    done
    # 4. optional: minimise, from the measured and the data sets together
    if $minimise; then
      # shellcheck disable=SC2206
      keep=($(echo "$measured $data" | tr ' ' '\n' | grep -v '^$' | sort -u))
      for s in "${keep[@]}"; do
        trial=()
        for k in "${keep[@]}"; do [ "$k" = "$s" ] || trial+=("$k"); done
        ok=true
        for a in "${apps[@]}"; do
          IFS='|' read -r name expected args <<<"$a"
          # shellcheck disable=SC2086
          write_profile "$ENG_WORK/p.json" SCMP_ACT_ERRNO ${app_set[$name]} "${trial[@]}"
          # shellcheck disable=SC2086
          [ "$(starts "$rt" "$nnp" "$ENG_WORK/p.json" "$runs" "$expected" $args 2>/dev/null)" = 0 ] || { ok=false; break; }
        done
        if $ok; then
          keep=("${trial[@]}"); echo "    minimise: $s not needed in $runs starts"
        else
          echo "    minimise: $s needed"
        fi
      done
      echo "  minimal ($runs starts each): ${keep[*]}"
    fi
  done
done

echo "== summary"
for k in "${!summary[@]}"; do echo "  $k: ${summary[$k]}"; done | sort
if [ "$fail" != 0 ]; then
  echo "FAIL: see the errors above"
  exit 1
fi
echo "PASS"
