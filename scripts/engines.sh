# shellcheck shell=bash
# Helpers to run a program under the real container engines of this machine (runc, crun, podman) with a
# seccomp profile. Source it from a bash script:
#
#   . scripts/engines.sh
#   eng_init                                   # work folder + cleanup trap (bundles, containers, mounts)
#   eng_require root runc crun podman python3  # fails loudly under CI=true, skips (exit 77) otherwise
#   rootfs=$(eng_rootfs_host)                  # read-only bind mount of / (or: eng_rootfs_busybox)
#   eng_bundle --rootfs "$rootfs" --profile p.json --nnp false "$ENG_WORK/b1" -- /bin/busybox echo hi
#   eng_runc "$ENG_WORK/b1"; eng_crun "$ENG_WORK/b1"
#   eng_podman --rootfs "$rootfs" --profile p.json --nnp true -- /bin/busybox echo hi
#
# Every function prints `engines: error: ...` on failure and returns non-zero; a run function returns the
# container's exit status (or the engine's when it could not start the container).
# Everything created (runc/crun state, podman containers, bind mounts, the work folder) is removed by
# eng_cleanup, which eng_init installs as the EXIT/INT/TERM trap. Works with `set -euo pipefail`.

ENG_WORK=${ENG_WORK:-}
# ENG_WRAP: optional command prefix for eng_runc/eng_crun (e.g. ENG_WRAP=(strace -f -o FILE)); empty by default.
ENG_WRAP=()
ENG_PODMAN_OPTS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --network none)

eng_err() { echo "engines: error: $*" >&2; }

# eng_init: creates $ENG_WORK (a fresh folder under ${TMPDIR:-/tmp}) and installs the cleanup trap.
eng_init() {
  # Seen on the shared VM: a tool replaced /dev/null with a regular file; containers then read it as stdin.
  [ -c /dev/null ] || { eng_err "/dev/null is not a character device (restore: rm /dev/null; mknod -m 666 /dev/null c 1 3)"; return 1; }
  ENG_WORK=$(mktemp -d "${TMPDIR:-/tmp}/profilegen-e2e.XXXXXX") || { eng_err "cannot create a work folder"; return 1; }
  : >"$ENG_WORK/.mounts"
  : >"$ENG_WORK/.containers"
  mkdir -p "$ENG_WORK/state/runc" "$ENG_WORK/state/crun"
  # podman: runc as the OCI runtime (crun 1.8.1 refuses this host's hybrid cgroups), cgroupfs (no systemd).
  cat >"$ENG_WORK/containers.conf" <<'EOF'
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
  # crun 1.8.1 refuses hybrid cgroups (v1 controllers plus /sys/fs/cgroup/unified): this wrapper runs a crun
  # command in a private mount namespace where the v2 mount is gone. eng_crun* and podman (below) use it.
  cat >"$ENG_WORK/crun-hybrid" <<'EOF'
#!/bin/sh
exec unshare -m --propagation private sh -c '
  if mountpoint -q /sys/fs/cgroup/unified && ! umount /sys/fs/cgroup/unified; then
    echo "engines: error: cannot umount /sys/fs/cgroup/unified for crun" >&2
    exit 125
  fi
  exec crun "$@"' crun "$@"
EOF
  chmod +x "$ENG_WORK/crun-hybrid"
  cat >"$ENG_WORK/containers-crun.conf" <<EOF
[engine]
runtime = "crun-hybrid"
cgroup_manager = "cgroupfs"
[engine.runtimes]
crun-hybrid = ["$ENG_WORK/crun-hybrid"]
EOF
  export CONTAINERS_CONF="$ENG_WORK/containers.conf"
  trap 'eng_cleanup' EXIT
  trap 'eng_cleanup; trap - INT; kill -INT $$' INT
  trap 'eng_cleanup; trap - TERM; kill -TERM $$' TERM
}

# eng_cleanup: removes every container, state folder and mount eng_* made, then the work folder.
# Refuses to delete the folder while anything is still mounted below it.
eng_cleanup() {
  local rc=$? line kind id mnt
  [ -n "$ENG_WORK" ] && [ -d "$ENG_WORK" ] || return "$rc"
  while read -r kind id; do
    case $kind in
      runc) runc --root "$ENG_WORK/state/runc" delete -f "$id" >/dev/null 2>&1 || true ;;
      crun) "$ENG_WORK/crun-hybrid" --root "$ENG_WORK/state/crun" delete -f "$id" >/dev/null 2>&1 || true ;;
      podman) podman rm -f "$id" >/dev/null 2>&1 || true ;;
    esac
  done <"$ENG_WORK/.containers"
  # Unmount in reverse order of mounting.
  tac "$ENG_WORK/.mounts" | while read -r mnt; do
    if mountpoint -q "$mnt"; then
      umount "$mnt" 2>/dev/null || umount -l "$mnt" || eng_err "could not unmount $mnt"
    fi
  done
  line=$(awk -v w="$ENG_WORK/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | head -n 1)
  if [ -n "$line" ]; then
    eng_err "still mounted below $ENG_WORK: $line; not deleting the folder (unmount it, then rm -r it)"
  else
    rm -rf --one-file-system "$ENG_WORK"
  fi
  ENG_WORK=
  return "$rc"
}

# eng_start_dockerd: makes `docker` answer: the machine's daemon when one answers, else one of our own on its own
# socket, data and exec roots below $ENG_WORK/d (exported as DOCKER_HOST; ENG_OWN_DOCKERD names its folder).
# eng_stop_dockerd stops our own daemon (call it from the script's cleanup, before eng_cleanup).
# ENG_DOCKERD_ARGS: more options for our own daemon (e.g. --add-runtime crun=PATH); a machine's daemon is
# used as it is.
ENG_OWN_DOCKERD=""
eng_start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  ENG_OWN_DOCKERD=$ENG_WORK/d
  mkdir -p "$ENG_OWN_DOCKERD"
  export DOCKER_HOST=unix://$ENG_OWN_DOCKERD/sock
  dockerd --iptables=false --ip6tables=false --bridge=none --exec-opt native.cgroupdriver=cgroupfs \
    --data-root "$ENG_OWN_DOCKERD/data" --exec-root "$ENG_OWN_DOCKERD/x" --pidfile "$ENG_OWN_DOCKERD/pid" \
    -H "$DOCKER_HOST" ${ENG_DOCKERD_ARGS:-} >"$ENG_OWN_DOCKERD/log" 2>&1 &
  for _ in $(seq 1 150); do
    docker info >/dev/null 2>&1 && { echo "started dockerd ($DOCKER_HOST)"; return 0; }
    sleep 0.2
  done
  eng_err "dockerd did not answer in 30 s:"; tail -n 20 "$ENG_OWN_DOCKERD/log" >&2; return 1
}
eng_stop_dockerd() {
  [ -n "$ENG_OWN_DOCKERD" ] || return 0
  kill "$(cat "$ENG_OWN_DOCKERD/pid" 2>/dev/null)" 2>/dev/null || true
  for _ in $(seq 1 100); do [ -e "$ENG_OWN_DOCKERD/pid" ] || break; sleep 0.1; done
}

# eng_debian_image: prints the path of the Debian 12 image tarball (minbase with nginx-light, redis-server and curl),
# cached in /var/tmp/profilegen-images; a machine without it builds it once with mmdebstrap (~1-2 min).
# Without the tarball and mmdebstrap: returns 77 (skip; the caller exits with it), 1 under CI=true.
ENG_IMAGES_CACHE=/var/tmp/profilegen-images
eng_debian_image() {
  local tar=$ENG_IMAGES_CACHE/debian12.tar
  if [ ! -s "$tar" ]; then
    if ! command -v mmdebstrap >/dev/null; then
      [ "${CI:-}" = true ] && { eng_err "CI=true but no $tar and no mmdebstrap to build it"; return 1; }
      echo "SKIP: no $tar and no mmdebstrap to build it (set CI=true to make this a failure)" >&2
      return 77
    fi
    echo "building the Debian 12 image (mmdebstrap, ~1-2 min; cached in $tar)" >&2
    mkdir -p "$ENG_IMAGES_CACHE" || { eng_err "cannot create $ENG_IMAGES_CACHE"; return 1; }
    mmdebstrap --quiet --variant=minbase --include=nginx-light,redis-server,curl bookworm "$tar.tmp.tar" >&2 &&
      mv "$tar.tmp.tar" "$tar" || { rm -f "$tar.tmp.tar"; eng_err "mmdebstrap failed"; return 1; }
  fi
  echo "$tar"
}

# eng_on_exit [FUNC]: replaces eng_init's traps for a script that has more to clean: on exit, and on INT and
# TERM (exit status 130 and 143), FUNC runs first (the script's containers and images), then eng_stop_dockerd
# and eng_cleanup; the script's exit status is kept.
eng_on_exit() {
  ENG_EXIT_HOOK=${1:-}
  trap _eng_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
_eng_exit() {
  local rc=$?
  [ -n "${ENG_EXIT_HOOK:-}" ] && "$ENG_EXIT_HOOK"
  eng_stop_dockerd
  eng_cleanup
  exit "$rc"
}

# eng_require WHAT...: root, or a command name. Missing under CI=true: fail loudly (exit 1). Otherwise: print
# SKIP and exit 77 (ctest's SKIP_RETURN_CODE). Called at the top of a test script.
eng_require() {
  local what missing=()
  for what in "$@"; do
    if [ "$what" = root ]; then
      [ "$(id -u)" -eq 0 ] || missing+=("root")
    else
      [ -n "$(command -v "$what" 2>&-)" ] || missing+=("$what")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "${CI:-}" = true ]; then
    eng_err "CI=true but missing: ${missing[*]} (engine tests never skip in CI; run as root with scripts/deps.sh)"
    exit 1
  fi
  echo "SKIP: missing ${missing[*]} (set CI=true to make this a failure)"
  exit 77
}

# eng_track KIND ID: remembers a container for eng_cleanup.
eng_track() { echo "$1 $2" >>"$ENG_WORK/.containers"; }

# eng_new_id: a container name unique on this machine.
eng_new_id() {
  ENG_SEQ=$(( ${ENG_SEQ:-0} + 1 ))
  echo "pge2e-$BASHPID-$ENG_SEQ-$RANDOM"
}

# eng_rootfs_host [DIR]: read-only bind mount of / at DIR (default $ENG_WORK/rootfs-host); prints DIR.
# Host programs, their libraries and /etc are then visible in the container, read-only.
eng_rootfs_host() {
  local dir=${1:-$ENG_WORK/rootfs-host}
  mkdir -p "$dir" || { eng_err "cannot create $dir"; return 1; }
  if ! mountpoint -q "$dir"; then
    mount --bind / "$dir" || { eng_err "mount --bind / $dir failed"; return 1; }
    echo "$dir" >>"$ENG_WORK/.mounts"
    mount -o remount,bind,ro "$dir" || { eng_err "could not make $dir read-only"; return 1; }
  fi
  if touch "$dir/.profilegen-rw-check" 2>/dev/null; then
    rm -f "$dir/.profilegen-rw-check"
    eng_err "$dir is writable; refusing to use it as a rootfs"
    return 1
  fi
  echo "$dir"
}

# eng_rootfs_busybox [DIR]: a folder holding only busybox-static (/bin/busybox, /bin/sh); prints DIR.
eng_rootfs_busybox() {
  local dir=${1:-$ENG_WORK/rootfs-busybox} bb
  bb=$(command -v busybox) || { eng_err "busybox not found (apt-get install busybox-static)"; return 1; }
  if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
    # Without file(1), ldd is the fallback check.
    if ldd "$bb" >/dev/null 2>&1; then eng_err "$bb is not static (apt-get install busybox-static)"; return 1; fi
  fi
  mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/tmp" "$dir/run" "$dir/etc" || return 1
  cp "$bb" "$dir/bin/busybox" && ln -sf busybox "$dir/bin/sh" || { eng_err "cannot populate $dir"; return 1; }
  : >"$dir/etc/hosts"; : >"$dir/etc/resolv.conf"; : >"$dir/etc/hostname"
  echo "$dir"
}

# eng_to_oci PROFILE [CAP...]: prints PROFILE (Docker format) as an OCI linux.seccomp object, for a container
# whose capability bounding set is CAP...; "unconfined" prints null. With ENG_PROFILEGEN set (a profilegen
# binary) this is `profilegen export --format oci`; otherwise eng_to_oci_py.
eng_to_oci() {
  local profile=$1 caps; shift
  [ "$profile" = unconfined ] && { echo null; return 0; }
  [ -r "$profile" ] || { eng_err "cannot read profile $profile"; return 1; }
  if [ -n "${ENG_PROFILEGEN:-}" ]; then
    caps=$(IFS=,; echo "$*")
    "$ENG_PROFILEGEN" export --format oci --target docker --caps "${caps:-none}" "$profile" ||
      { eng_err "$ENG_PROFILEGEN export --format oci $profile failed"; return 1; }
  else
    eng_to_oci_py "$profile" "$@"
  fi
}

# eng_to_oci_py PROFILE [CAP...]: the same in python3, as Docker reads the profile: archMap evaluated for the
# host arch into architectures; includes/excludes evaluated (host arch, the given capabilities, host kernel)
# and dropped; comment dropped.
eng_to_oci_py() {
  local profile=$1; shift
  python3 - "$profile" "$(uname -m)" "$(uname -r)" "$@" <<'PY'
import json, re, sys
path, machine, release, caps = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
# uname -m -> (SCMP arch token, Docker's native arch name)
arches = {"x86_64": ("SCMP_ARCH_X86_64", "amd64"), "aarch64": ("SCMP_ARCH_AARCH64", "arm64"),
          "i686": ("SCMP_ARCH_X86", "x86"), "s390x": ("SCMP_ARCH_S390X", "s390x"),
          "ppc64le": ("SCMP_ARCH_PPC64LE", "ppc64le"), "riscv64": ("SCMP_ARCH_RISCV64", "riscv64")}
if machine not in arches:
    sys.exit(f"engines: error: no arch mapping for uname -m {machine}")
scmp_arch, native = arches[machine]
kernel = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", release).groups())
try:
    with open(path) as f:
        p = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"engines: error: {path}: {e}")

def kernel_at_least(v):
    if not v:
        return True
    major, minor = (int(x) for x in v.split("."))
    return kernel >= (major, minor)

def applies(s):
    inc, exc = s.get("includes") or {}, s.get("excludes") or {}
    if exc.get("arches") and native in exc["arches"]: return False
    if exc.get("caps") and caps & set(exc["caps"]): return False
    if exc.get("minKernel") and kernel_at_least(exc["minKernel"]): return False
    if inc.get("arches") and native not in inc["arches"]: return False
    if inc.get("caps") and not set(inc["caps"]) <= caps: return False
    if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]): return False
    return True

out = {"defaultAction": p["defaultAction"]}
if p.get("defaultErrnoRet") is not None:
    out["defaultErrnoRet"] = p["defaultErrnoRet"]
if p.get("archMap"):
    archs = []
    for m in p["archMap"]:
        if m["architecture"] == scmp_arch:
            archs = [m["architecture"]] + list(m.get("subArchitectures") or [])
    out["architectures"] = archs
elif p.get("architectures"):
    out["architectures"] = p["architectures"]
for key in ("flags", "listenerPath", "listenerMetadata"):
    if p.get(key):
        out[key] = p[key]
rules = []
for s in p.get("syscalls") or []:
    if not applies(s):
        continue
    names = list(s.get("names") or []) + ([s["name"]] if s.get("name") else [])
    if not names:
        continue
    r = {"names": names, "action": s["action"]}
    if s.get("errnoRet") is not None:
        r["errnoRet"] = s["errnoRet"]
    if s.get("args"):
        r["args"] = [{k: a[k] for k in ("index", "value", "valueTwo", "op") if k in a} for a in s["args"]]
    rules.append(r)
out["syscalls"] = rules
json.dump(out, sys.stdout, indent=1)
print()
PY
}

# eng_bundle --rootfs DIR [--profile P|unconfined] [--nnp true|false] [--cwd DIR] BUNDLE -- ARGS...
# Makes an OCI bundle (config.json from `runc spec`) that runs ARGS in DIR read-only, with a tmpfs on /tmp,
# terminal false, the given noNewPrivileges, and linux.seccomp from the Docker-format profile P.
eng_bundle() {
  local rootfs="" profile=unconfined nnp=false cwd=/tmp bundle="" seccomp
  while [ $# -gt 0 ]; do
    case $1 in
      --rootfs) rootfs=$2; shift 2 ;;
      --profile) profile=$2; shift 2 ;;
      --nnp) nnp=$2; shift 2 ;;
      --cwd) cwd=$2; shift 2 ;;
      --) shift; break ;;
      -*) eng_err "eng_bundle: unknown option $1"; return 2 ;;
      *) bundle=$1; shift ;;
    esac
  done
  [ -n "$bundle" ] && [ -n "$rootfs" ] && [ $# -gt 0 ] || {
    eng_err "usage: eng_bundle --rootfs DIR [--profile P] [--nnp true|false] BUNDLE -- ARGS..."; return 2; }
  case $nnp in true|false) ;; *) eng_err "eng_bundle: --nnp wants true or false, got '$nnp'"; return 2 ;; esac
  [ -d "$rootfs" ] || { eng_err "rootfs $rootfs is not a folder"; return 1; }
  mkdir -p "$bundle" && rm -f "$bundle/config.json" || return 1
  runc spec --bundle "$bundle" || { eng_err "runc spec --bundle $bundle failed"; return 1; }
  # runc spec's capabilities, so includes/excludes.caps are judged as the runtime will.
  seccomp=$(eng_to_oci "$profile" CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE) || return 1
  python3 - "$bundle/config.json" "$(realpath "$rootfs")" "$nnp" "$cwd" "$seccomp" "$@" <<'PY' || {
import json, sys
cfg, rootfs, nnp, cwd, seccomp, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
with open(cfg) as f:
    c = json.load(f)
c["process"]["args"] = args
c["process"]["terminal"] = False
c["process"]["noNewPrivileges"] = nnp == "true"
c["process"]["cwd"] = cwd
c["root"] = {"path": rootfs, "readonly": True}
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev", "mode=1777", "size=65536k"]})
sec = json.loads(seccomp)
if sec is not None:
    c["linux"]["seccomp"] = sec
else:
    c["linux"].pop("seccomp", None)
with open(cfg, "w") as f:
    json.dump(c, f, indent=1)
PY
    eng_err "could not write $bundle/config.json"; return 1; }
}

# eng_runc BUNDLE: runs the bundle with runc in the foreground; returns the container's exit status.
eng_runc() {
  local bundle=$1 id rc=0
  [ -f "$bundle/config.json" ] || { eng_err "no $bundle/config.json (make it with eng_bundle)"; return 2; }
  id=$(eng_new_id); eng_track runc "$id"
  "${ENG_WRAP[@]}" runc --root "$ENG_WORK/state/runc" run --bundle "$bundle" "$id" </dev/null || rc=$?
  return "$rc"
}

# eng_crun BUNDLE: runs the bundle with `crun run` (through the crun-hybrid wrapper); returns the container's
# exit status.
eng_crun() {
  local bundle=$1 id rc=0
  [ -f "$bundle/config.json" ] || { eng_err "no $bundle/config.json (make it with eng_bundle)"; return 2; }
  id=$(eng_new_id); eng_track crun "$id"
  "${ENG_WRAP[@]}" "$ENG_WORK/crun-hybrid" --root "$ENG_WORK/state/crun" run --bundle "$bundle" "$id" </dev/null ||
    rc=$?
  return "$rc"
}

# eng_crun_create_start BUNDLE: `crun create` then `crun start`, the way podman's conmon drives crun (the
# container process waits on the exec fifo between the two), then waits until the container has stopped.
# Returns crun's status (create/start failures), not the container's: compare the output to judge a start.
eng_crun_create_start() {
  local bundle=$1 id rc=0
  [ -f "$bundle/config.json" ] || { eng_err "no $bundle/config.json (make it with eng_bundle)"; return 2; }
  id=$(eng_new_id); eng_track crun "$id"
  "${ENG_WRAP[@]}" sh -c '
    crun=$1 root=$2 bundle=$3 id=$4
    "$crun" --root "$root" create --bundle "$bundle" "$id" || exit $?
    "$crun" --root "$root" start "$id" || exit $?
    i=0
    while [ $i -lt 400 ]; do
      case $("$crun" --root "$root" state "$id" 2>/dev/null) in *\"stopped\"*|"") break ;; esac
      sleep 0.025; i=$((i + 1))
    done
    [ $i -lt 400 ] || { echo "engines: error: container $id still running after 10 s" >&2; exit 124; }
    "$crun" --root "$root" delete -f "$id" >/dev/null 2>&1
    exit 0' sh "$ENG_WORK/crun-hybrid" "$ENG_WORK/state/crun" "$bundle" "$id" </dev/null || rc=$?
  return "$rc"
}

# eng_podman --rootfs DIR [--profile P|unconfined|default] [--nnp true|false] [--runtime runc|crun]
#            [PODMAN-OPTION...] -- ARGS...
# podman run --rm with runc (or crun), the ulimits/network this VM needs, empty tmpfs on /run (the host's /run is on the
# root disk: without a tmpfs podman cannot place /run/.containerenv) and /tmp, workdir /tmp. notmpcopyup: by
# default podman copies what the rootfs has below a tmpfs mount point into it (the host's /tmp here).
# P is passed as is (podman reads the Docker format itself); "default" is podman's built-in profile.
# --runtime crun: podman drives crun (create, start, delete through conmon) via the crun-hybrid wrapper.
eng_podman() {
  local rootfs="" profile=unconfined nnp=false extra=() id rc=0 conf=$ENG_WORK/containers.conf
  while [ $# -gt 0 ]; do
    case $1 in
      --rootfs) rootfs=$2; shift 2 ;;
      --profile) profile=$2; shift 2 ;;
      --nnp) nnp=$2; shift 2 ;;
      --runtime)
        case $2 in runc) conf=$ENG_WORK/containers.conf ;; crun) conf=$ENG_WORK/containers-crun.conf ;;
          *) eng_err "eng_podman: --runtime wants runc or crun, got '$2'"; return 2 ;; esac
        shift 2 ;;
      --) shift; break ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  [ -n "$rootfs" ] && [ $# -gt 0 ] || { eng_err "usage: eng_podman --rootfs DIR [--profile P] [--nnp B] -- ARGS"; return 2; }
  case $profile in
    unconfined) extra+=(--security-opt seccomp=unconfined) ;;
    default) ;;  # podman's own default profile
    *) [ -r "$profile" ] || { eng_err "cannot read profile $profile"; return 1; }
       extra+=(--security-opt "seccomp=$(realpath "$profile")") ;;
  esac
  case $nnp in true) extra+=(--security-opt no-new-privileges) ;; false) ;;
    *) eng_err "eng_podman: --nnp wants true or false, got '$nnp'"; return 2 ;; esac
  id=$(eng_new_id); eng_track podman "$id"
  CONTAINERS_CONF=$conf podman run --rm --name "$id" "${ENG_PODMAN_OPTS[@]}" \
    --tmpfs /run:notmpcopyup --tmpfs /tmp:notmpcopyup --workdir /tmp \
    "${extra[@]}" --rootfs "$(realpath "$rootfs")" "$@" </dev/null || rc=$?
  return "$rc"
}

# eng_capture OUT CMD...: runs CMD with stdout+stderr into OUT; prints the exit status (never fails).
eng_capture() {
  local out=$1 rc=0; shift
  "$@" >"$out" 2>&1 || rc=$?
  echo "$rc"
}
