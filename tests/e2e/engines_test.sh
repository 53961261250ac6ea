#!/usr/bin/env bash
# End-to-end proof with the real engines: record a program, generate its profile, run it confined.
#
# For each sample (static: busybox, mkdir_tool_static; dynamic: sh + coreutils, mkdir_tool):
#   record    profilegen record -o trace.json -- CMD        (on the host, in an empty folder)
#   generate  profilegen generate --runtime runc|crun [--no-new-privileges] -o profile.json trace.json
#   run       under runc and crun (OCI bundle), podman with runc and podman with crun (--security-opt
#             seccomp=profile.json --rootfs DIR), with and without no-new-privileges, --runs times each: the same
#             output and exit status as unconfined, every time;
#   enforce   the profile without the sample's one distinctive syscall (mkdir, mkdirat): the run fails with
#             "Operation not permitted".
# Then the in-container recording recipe: record the sample INSIDE a podman container (profilegen and the
# sample bind-mounted in, --cap-add SYS_PTRACE, --security-opt seccomp=unconfined), generate, and enforce the
# profile in podman the same way.
#
# Usage: engines_test.sh [--profilegen BIN] [--samples-dir DIR] [--runs N]
#                        [--engines "runc crun podman podman-crun"]
#                        [--nnp "false true"] [--only SAMPLE]... [--no-in-container]
#   --profilegen   the binary under test (default: build/profilegen beside this source tree)
#   --samples-dir  where mkdir_tool and mkdir_tool_static are (default: samples/ beside the binary)
#   --only         run only this sample (repeatable): busybox, mkdir_tool_static, sh-coreutils, mkdir_tool
# Exit: 0 passed, 1 failed, 77 skipped (a prerequisite is missing and CI is not true).
set -euo pipefail
exec 2>&1  # one stream: errors appear where they happen in ctest logs
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../../scripts/engines.sh
. "$src/scripts/engines.sh"

profilegen=$src/build/profilegen samples_dir="" runs=20 engines="runc crun podman podman-crun" nnps="false true" only="" incontainer=true
while [ $# -gt 0 ]; do
  case $1 in
    --profilegen) profilegen=$2; shift 2 ;;
    --samples-dir) samples_dir=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --engines) engines=$2; shift 2 ;;
    --nnp) nnps=$2; shift 2 ;;
    --only) only="$only $2"; shift 2 ;;
    --no-in-container) incontainer=false; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "engines_test.sh: error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

eng_require root runc crun podman python3 busybox unshare
profilegen=$(realpath "$profilegen" 2>/dev/null) && [ -x "$profilegen" ] ||
  { eng_err "profilegen binary not found: build it (cmake --build build --target profilegen) or pass --profilegen"; exit 1; }
samples_dir=${samples_dir:-$(dirname "$profilegen")/samples}
# The containers see the host's / read-only with an empty tmpfs on /tmp (and /run): a checkout or build
# folder under /tmp is invisible inside them. Work under /var/tmp and run copies of the samples from there.
export TMPDIR=/var/tmp
eng_init
mkdir -p "$ENG_WORK/samples"
for s in mkdir_tool mkdir_tool_static; do
  [ -x "$samples_dir/$s" ] && cp "$samples_dir/$s" "$ENG_WORK/samples/$s"
done
samples_dir=$ENG_WORK/samples
ENG_PROFILEGEN=$profilegen  # bundles get linux.seccomp from `profilegen export --format oci`
rootfs=$(eng_rootfs_host)
fail=0
t_start=$(date +%s%N)

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
failure() { eng_err "$*"; fail=1; }

# generate TRACE OUT NNP RUNTIME: profilegen generate for that runtime and no-new-privileges setting.
generate() {
  local trace=$1 out=$2 nnp=$3 flags=(--runtime "$4")
  [ "$nnp" = true ] && flags+=(--no-new-privileges)
  "$profilegen" generate "${flags[@]}" -o "$out" "$trace" >"$ENG_WORK/gen.log" 2>&1 && return 0
  eng_err "profilegen generate ${flags[*]} -o $out $trace failed:"
  sed 's/^/      | /' "$ENG_WORK/gen.log"
  return 1
}

# without_syscalls IN OUT NAME...: the profile with NAME removed from every rule (rules left empty dropped).
without_syscalls() {
  python3 - "$@" <<'PY'
import json, sys
src, dst, drop = sys.argv[1], sys.argv[2], set(sys.argv[3:])
p = json.load(open(src))
rules = []
for r in p.get("syscalls") or []:
    names = [n for n in r.get("names") or [] if n not in drop]
    if r.get("name") in drop or (r.get("names") and not names):
        continue
    if "names" in r:
        r["names"] = names
    rules.append(r)
p["syscalls"] = rules
json.dump(p, open(dst, "w"), indent=4)
PY
}

# oci_agree PROFILE: `profilegen export --format oci` and the harness's own python conversion give the same
# policy (an explicit valueTwo 0 equals an absent one).
oci_agree() {
  local caps=(CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
  eng_to_oci "$1" "${caps[@]}" >"$ENG_WORK/oci-export.json" && eng_to_oci_py "$1" "${caps[@]}" >"$ENG_WORK/oci-py.json" &&
    python3 - "$ENG_WORK/oci-export.json" "$ENG_WORK/oci-py.json" <<'PY'
import json, sys
def norm(p):
    for r in p.get("syscalls") or []:
        for a in r.get("args") or []:
            a.setdefault("valueTwo", 0)
    return p
a, b = (norm(json.load(open(f))) for f in sys.argv[1:3])
if a != b:
    sys.exit("profilegen export --format oci differs from the python conversion:\n" + json.dumps(a)[:400] + "\n" + json.dumps(b)[:400])
PY
}

# allows PROFILE NAME: whether some rule of PROFILE names NAME with SCMP_ACT_ALLOW.
allows() {
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))
sys.exit(0 if any(sys.argv[2] in (r.get("names") or []) and r["action"] == "SCMP_ACT_ALLOW"
                  for r in p.get("syscalls") or []) else 1)' "$1" "$2"
}

# runtime_of ENGINE: the OCI runtime an engine uses (the --runtime to generate for).
runtime_of() { case $1 in runc|podman) echo runc ;; crun|podman-crun) echo crun ;; *) echo "?" ;; esac; }

# prepare ENGINE NNP PROFILE KEY CMD...: makes what run_once KEY needs (runc, crun: an OCI bundle; podman: a note).
prepare() {
  local engine=$1 nnp=$2 profile=$3 key=$4; shift 4
  case $engine in
    runc|crun) eng_bundle --rootfs "$rootfs" --profile "$profile" --nnp "$nnp" "$ENG_WORK/bundle-$key" -- "$@" ;;
    podman|podman-crun) printf '%s\n' "$nnp" "$profile" >"$ENG_WORK/podman-$key" ;;
    *) eng_err "unknown engine $engine"; return 2 ;;
  esac
}

# run_once ENGINE KEY OUT CMD...: one run; prints the exit status, output in OUT.
run_once() {
  local engine=$1 key=$2 out=$3 nnp profile; shift 3
  case $engine in
    runc) eng_capture "$out" eng_runc "$ENG_WORK/bundle-$key" ;;
    crun) eng_capture "$out" eng_crun "$ENG_WORK/bundle-$key" ;;
    podman|podman-crun)
      { read -r nnp; read -r profile; } <"$ENG_WORK/podman-$key"
      eng_capture "$out" eng_podman --rootfs "$rootfs" --profile "$profile" --nnp "$nnp" \
        --runtime "$(runtime_of "$engine")" "${PODMAN_EXTRA[@]}" -- "$@" ;;
  esac
}

# prove LABEL ENGINE NNP PROFILE CMD...: --runs confined runs equal to the unconfined one, then enforcement.
prove() {
  local label=$1 engine=$2 nnp=$3 profile=$4 rc0 rc i same=0 t0 per bad=0; shift 4
  without_syscalls "$profile" "$ENG_WORK/no-mkdir.json" mkdir mkdirat
  prepare "$engine" "$nnp" unconfined unconfined "$@" &&
    prepare "$engine" "$nnp" "$profile" confined "$@" &&
    prepare "$engine" "$nnp" "$ENG_WORK/no-mkdir.json" no-mkdir "$@" || { failure "$label: cannot prepare $engine runs"; return; }
  rc0=$(run_once "$engine" unconfined "$ENG_WORK/out0" "$@")
  if [ "$rc0" != 0 ]; then
    failure "$label $engine nnp=$nnp: the unconfined run itself failed (exit $rc0):"; sed 's/^/      | /' "$ENG_WORK/out0"
    return
  fi
  t0=$(date +%s%N)
  for ((i = 1; i <= runs; i++)); do
    rc=$(run_once "$engine" confined "$ENG_WORK/out" "$@")
    if [ "$rc" = "$rc0" ] && cmp -s "$ENG_WORK/out0" "$ENG_WORK/out"; then
      same=$((same + 1))
    elif [ "$bad" = 0 ]; then
      bad=1
      echo "    run $i differs from unconfined: exit $rc (unconfined $rc0); diff unconfined -> confined:"
      diff "$ENG_WORK/out0" "$ENG_WORK/out" | head -n 10 | sed 's/^/      | /' || true
    fi
  done
  per=$(($(ms_since "$t0") / runs))
  # Enforcement: without mkdir/mkdirat the sample must fail with EPERM from its own mkdir call.
  rc=$(run_once "$engine" no-mkdir "$ENG_WORK/out-deny" "$@")
  local enforced=no
  if [ "$rc" != 0 ] && grep -q 'mkdir.*Operation not permitted' "$ENG_WORK/out-deny"; then enforced=yes; fi
  printf '  %-18s %-11s nnp=%-5s %2d/%d runs same as unconfined (%4d ms/run); without mkdir: exit %s, EPERM: %s\n' \
    "$label" "$engine" "$nnp" "$same" "$runs" "$per" "$rc" "$enforced"
  [ "$same" = "$runs" ] || failure "$label $engine nnp=$nnp: $((runs - same)) of $runs confined runs differed"
  if [ "$enforced" != yes ]; then
    failure "$label $engine nnp=$nnp: without mkdir/mkdirat the run did not fail with EPERM (exit $rc):"
    sed 's/^/      | /' "$ENG_WORK/out-deny" | head -n 10
  fi
}

# The samples: NAME KIND. Each runs in an empty folder: a fresh host folder when recorded, the container's
# /tmp (a tmpfs) when confined.
samples=("busybox static" "mkdir_tool_static static" "sh-coreutils dynamic" "mkdir_tool dynamic")
sample_cmd() {  # NAME: sets cmd
  case $1 in
    busybox) cmd=(/bin/busybox sh -c 'echo hi; /bin/busybox mkdir d && /bin/busybox ls -a d .') ;;
    mkdir_tool_static) cmd=("$samples_dir/mkdir_tool_static" d) ;;
    sh-coreutils) cmd=(/bin/sh -c 'echo hi; /bin/mkdir d && /bin/ls -a d .') ;;
    mkdir_tool) cmd=("$samples_dir/mkdir_tool" d) ;;
  esac
}

declare -A profiles
PODMAN_EXTRA=()
echo "profilegen: $profilegen"
echo "engines: $(runc --version | head -n 1); $(crun --version | head -n 1); $(podman --version) (cgroupfs)"
for s in "${samples[@]}"; do
  read -r name kind <<<"$s"
  if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then continue; fi
  sample_cmd "$name"
  if [ ! -x "${cmd[0]}" ]; then
    failure "sample $name: ${cmd[0]} is missing (build the samples: cmake --build BUILD --target sample_mkdir_tool sample_mkdir_tool_static)"
    continue
  fi
  echo "== $name ($kind): ${cmd[*]}"
  w=$ENG_WORK/$name; mkdir -p "$w/cwd"
  t0=$(date +%s%N)
  # The container's environment (runc spec's, no PWD): dash calls getcwd() at start only when PWD is unset,
  # so a recording made in a login shell misses a syscall the container run makes.
  if ! (cd "$w/cwd" && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm \
        "$profilegen" record -q -o "$w/trace.json" -- "${cmd[@]}") >"$w/record.log" 2>&1; then
    failure "$name: profilegen record failed:"; sed 's/^/      | /' "$w/record.log"; continue
  fi
  echo "  recorded in $(ms_since "$t0") ms: $(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))
print(len(t["syscalls"]), "syscalls,", t["tasks"], "tasks")' "$w/trace.json")"
  for runtime in $(for e in $engines; do runtime_of "$e"; done | sort -u); do
    for nnp in $nnps; do
      p=$w/profile-$runtime-nnp-$nnp.json
      generate "$w/trace.json" "$p" "$nnp" "$runtime" || { fail=1; continue; }
      profiles[$name-$runtime-$nnp]=$p
      oci_agree "$p" || failure "$name: OCI conversions disagree"
      allows "$p" mkdir || allows "$p" mkdirat ||
        failure "$name: the generated profile allows neither mkdir nor mkdirat: the enforcement check would prove nothing"
    done
  done
  for engine in $engines; do
    for nnp in $nnps; do
      p=${profiles[$name-$(runtime_of "$engine")-$nnp]:-}
      [ -n "$p" ] && prove "$name" "$engine" "$nnp" "$p" "${cmd[@]}"
    done
  done
done

# In-container recording: the recipe of docs/engines.md. podman's rootfs here is the host's / (read-only), so
# the bind mounts go below an empty tmpfs on /opt where their mount points can be created (notmpcopyup: else
# podman copies the host's /opt into it on every run). seccomp=unconfined is required for recording: under the
# engine's own filter a syscall it denies never reaches the tracer (ERRNO outranks the tracer's RET_TRACE), so
# it would be missing from the trace.
if $incontainer && [[ " $engines " == *" podman "* ]]; then
  sample=$samples_dir/mkdir_tool
  echo "== in-container recording: $sample, recorded inside podman"
  if [ ! -x "$sample" ]; then
    failure "in-container: $sample is missing"
  else
    w=$ENG_WORK/in-container; mkdir -p "$w/out"
    t0=$(date +%s%N)
    rc=$(eng_capture "$w/record.log" eng_podman --rootfs "$rootfs" --profile unconfined --cap-add SYS_PTRACE \
      --tmpfs /opt:notmpcopyup -v "$profilegen:/opt/profilegen/profilegen:ro" -v "$sample:/opt/app/mkdir_tool:ro" \
      -v "$w/out:/opt/out" -- /opt/profilegen/profilegen record -o /opt/out/trace.json -- /opt/app/mkdir_tool d)
    echo "  podman run ... profilegen record: exit $rc in $(ms_since "$t0") ms"
    sed 's/^/      | /' "$w/record.log"
    if [ "$rc" != 0 ] || [ ! -s "$w/out/trace.json" ]; then
      failure "in-container: recording inside podman failed (exit $rc)"
    else
      for nnp in $nnps; do
        generate "$w/out/trace.json" "$w/profile-nnp-$nnp.json" "$nnp" runc || { fail=1; continue; }
        PODMAN_EXTRA=(--tmpfs /opt:notmpcopyup -v "$sample:/opt/app/mkdir_tool:ro")
        prove in-container podman "$nnp" "$w/profile-nnp-$nnp.json" /opt/app/mkdir_tool d
        PODMAN_EXTRA=()
      done
    fi
  fi
fi

echo "== total $(( $(ms_since "$t_start") / 1000 )) s"
if [ "$fail" != 0 ]; then
  echo "FAIL: see the errors above"
  exit 1
fi
echo "PASS"
