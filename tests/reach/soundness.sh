#!/usr/bin/env bash
# Soundness of static reachability, measured: records a typical run of each program with `profilegen record
# --reachable`, which analyses the executables that made syscalls and every file the processes mapped executable
# (the libraries they dlopen'd included: trace "mapped"), and prints observed, reachable, Docker's default, the
# number of files analysed, the syscall sites left unresolved, and the observed syscalls the reachable set lacks
# (misses; there should be none). Exit 1 if any program has a miss. Go programs (runc, docker, podman,
# containerd) are measured like the others.
# Usage: tests/reach/soundness.sh [BUILD_DIR]   (default: build)
set -u
build=${1:-build}
pg=$(realpath "$build/profilegen")
work=$(mktemp -d /var/tmp/profilegen-soundness.XXXXXX)
trap 'rm -rf "$work"' EXIT
export PROFILEGEN_CACHE_DIR=${PROFILEGEN_CACHE_DIR:-$work/cache}
moby=$(dirname "$0")/../../review/data/moby-default.json
# Docker's default for amd64 without extra capabilities: unconditional ALLOW names for this arch.
docker=$(python3 -c "
import json, sys
n = set()
for s in json.load(open(sys.argv[1]))['syscalls']:
    inc, exc = s.get('includes', {}), s.get('excludes', {})
    if s['action'] != 'SCMP_ACT_ALLOW' or inc.get('caps') or inc.get('minKernel'): continue
    if inc.get('arches') and not set(inc['arches']) & {'amd64', 'x86_64'}: continue
    if set(exc.get('arches', [])) & {'amd64', 'x86_64'}: continue
    n.update(s['names'])
print(len(n))" "$moby")
echo "hello" > "$work/in.txt"
mkdir -p "$work/repo" && git -C "$work/repo" init -q && git -C "$work/repo" -c user.email=a@b -c user.name=a \
  commit -q --allow-empty -m init
printf '%-22s %9s %10s %15s %6s %10s  %s\n' program observed reachable docker-default files unresolved misses
fail=0
# check NAME COMMAND ARGS...
check() {
  local name=$1; shift
  local argv=("$@")
  [ -x "${argv[0]}" ] || { echo "$name: skipped: ${argv[0]} is not installed"; return; }
  rm -rf "$work/mk" "$work/bundle" && mkdir -p "$work/bundle"
  "$pg" record -q --reachable -o "$work/t.json" -- "${argv[@]}" >/dev/null 2>"$work/record.err"
  rm -rf "$work/mk"
  grep -q '"reachable"' "$work/t.json" 2>/dev/null ||
    { echo "$name: no reachable section: $(grep -v '^$' "$work/record.err" | tail -1)"; fail=1; return; }
  python3 - "$name" "$work/t.json" "$docker" <<'PY' || fail=1
import json, sys
name, tpath, docker = sys.argv[1:]
t = json.load(open(tpath)); r = t["reachable"]
arch = "SCMP_ARCH_X86_64"
obs = {s["name"] or "#%d" % s["nr"] for s in t["syscalls"] if s["arch"] == arch}
obs32 = {s["name"] or "#%d" % s["nr"] for s in t["syscalls"] if s["arch"] == "SCMP_ARCH_X86"}
reach = set(r["syscalls"].get(arch, []))
reach32 = set(r["syscalls"].get("SCMP_ARCH_X86", []))
misses = sorted(obs - reach) + sorted("i386:" + n for n in obs32 - reach32)
# The first execve is the launcher's (profilegen's child), not the program's.
misses = [m for m in misses if m != "execve"]
print("%-22s %9d %10d %15s %6d %10d  %s" % (name, len(obs) + len(obs32), len(reach) + len(reach32), docker,
                                           len(r.get("binaries", [])), r.get("unresolved", 0),
                                           " ".join(misses) if misses else "-"))
sys.exit(1 if misses else 0)
PY
}
check true /usr/bin/true
check python3 /usr/bin/python3 -c "import json,os,socket,hashlib; print(json.dumps(sorted(os.listdir('/etc'))[:3]))"
check perl /usr/bin/perl -MPOSIX -e 'print POSIX::floor(2.5), "\n"; opendir(D, "/etc"); @x = readdir(D);'
check node /usr/bin/node -e "require('fs').readdirSync('/etc'); console.log(require('os').cpus().length)"
check java /usr/bin/java -version
check sqlite3 /usr/bin/sqlite3 "$work/db.sqlite" "create table t(x); insert into t values(1); select * from t;"
check git /usr/bin/git -C "$work/repo" --no-pager log --oneline -1
check curl /usr/bin/curl -s -o /dev/null "file://$work/in.txt"
check tar /usr/bin/tar cf "$work/out.tar" -C "$work" in.txt
check gzip /usr/bin/gzip -kf "$work/in.txt"
check openssl /usr/bin/openssl dgst -sha256 "$work/in.txt"
check busybox /usr/bin/busybox ls -l /etc
check redis-server /usr/bin/redis-server --version
check nginx /usr/sbin/nginx -t -q -p "$work" -c /etc/nginx/nginx.conf
# Go programs (the syscall package takes the number as an argument: reach/go_syscalls.h).
check "runc --version" /usr/sbin/runc --version
check "runc spec" /usr/sbin/runc spec --bundle "$work/bundle"
check "docker --version" /usr/bin/docker --version
check "podman --version" /usr/bin/podman --version
check "containerd --version" /usr/bin/containerd --version
for s in threads pipeline vfork signals int80 mkdir_tool mkdir_tool_static static32; do
  [ -x "$build/samples/$s" ] && check "sample $s" "$(realpath "$build/samples/$s")" "$work/mk"
done
[ -x "$build/samples/dlopen_host" ] &&
  check "sample dlopen_host" "$(realpath "$build/samples/dlopen_host")" "$(realpath "$build/samples/dlopen_plugin.so")" call
exit $fail
