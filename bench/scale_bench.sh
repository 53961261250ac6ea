#!/usr/bin/env bash
# generate at scale: makes N (default 10,000) small realistic trace files and runs
# `/usr/bin/time -v profilegen generate` on all of them, printing peak memory (max RSS) and wall time.
# The traces are real recordings of a few programs made here (coreutils, a shell pipeline, Python opening
# sockets, a threaded and a 32-bit sample when built), each copy varied: a different pid and executable, counts
# scaled, a random tenth of its syscalls dropped and a few extra syscalls (and socket/ioctl argument values)
# added, so the merge sees many distinct entries, provenance and value sets.
# Usage: bench/scale_bench.sh [PROFILEGEN] [N]      (root: it records with ptrace)
# KEEP=DIR keeps the traces and the profile in DIR; LIMIT_MB (default 200) is the peak RSS that fails the run.
set -euo pipefail
bin=$(realpath "${1:-build/profilegen}")
n=${2:-10000}
limit_mb=${LIMIT_MB:-200}
samples=$(dirname "$bin")/samples
if [ -n "${KEEP:-}" ]; then
  tmp=$KEEP
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/seeds" "$tmp/traces"

record() {
  local name=$1
  shift
  "$bin" record -q -o "$tmp/seeds/$name.json" -- "$@" >/dev/null 2>&1 || true
  [ -s "$tmp/seeds/$name.json" ] || rm -f "$tmp/seeds/$name.json"
}
record ls ls -la /usr/bin
record pipeline sh -c 'ls /usr | sort | head -3; cat /etc/hostname'
record python python3 -c 'import socket, os; socket.socket(socket.AF_UNIX); socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); os.listdir("/")'
record tar tar cf /dev/null /usr/include/linux
[ -x "$samples/threads" ] && record threads "$samples/threads"
[ -x "$samples/static32" ] && record static32 "$samples/static32"
[ -x "$samples/mkdir_tool" ] && record mkdir "$samples/mkdir_tool" "$tmp/d"
seeds=$(ls "$tmp/seeds" | wc -l)
[ "$seeds" -gt 0 ] || { echo "scale_bench: could not record any seed trace (run as root)" >&2; exit 2; }

python3 - "$tmp/seeds" "$tmp/traces" "$n" <<'PY'
import json, os, random, sys
seeds_dir, out_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = [json.load(open(os.path.join(seeds_dir, f))) for f in sorted(os.listdir(seeds_dir))]
# Syscalls a varied workload may add (x86_64 numbers).
extra = {"getrandom": 318, "fsync": 74, "flock": 73, "pipe2": 293, "dup3": 292, "eventfd2": 290, "epoll_create1": 291,
         "epoll_ctl": 233, "epoll_wait": 232, "inotify_init1": 294, "timerfd_create": 283, "sendto": 44,
         "recvfrom": 45, "connect": 42, "bind": 49, "listen": 50, "accept4": 288, "setsockopt": 54, "madvise": 28,
         "mremap": 25, "sched_getaffinity": 204, "prlimit64": 302, "getrusage": 98, "uname": 63, "statfs": 137,
         "fchmod": 91, "fchown": 93, "utimensat": 280, "renameat2": 316, "unlinkat": 263, "mkdirat": 258,
         "symlinkat": 266, "readlinkat": 267, "ftruncate": 77, "fallocate": 285, "copy_file_range": 326,
         "memfd_create": 319, "clock_nanosleep": 230, "nanosleep": 35, "futex": 202, "kill": 62, "tgkill": 234}
rng = random.Random(42)
for i in range(n):
    t = json.loads(json.dumps(seeds[i % len(seeds)]))
    pid, exe = 1000 + i, "/srv/app%d/bin/worker" % (i % 50)
    t["command"] = [exe, "--shard", str(i)]
    keep = [e for e in t["syscalls"] if rng.random() > 0.1 or e["name"] in ("execve", "exit_group")]
    for e in keep:
        e["count"] = max(1, int(e["count"] * rng.uniform(0.5, 3)))
        e["first"] = {"pid": pid, "exe": exe}
    have = {(e["arch"], e["nr"]) for e in keep}
    for name in rng.sample(sorted(extra), 4):
        if ("SCMP_ARCH_X86_64", extra[name]) in have:
            continue
        keep.append({"arch": "SCMP_ARCH_X86_64", "name": name, "nr": extra[name], "count": rng.randint(1, 500),
                     "first": {"pid": pid, "exe": exe}})
    for e in keep:  # new argument values, so value sets grow (and some overflow)
        if e["name"] == "ioctl":
            e.setdefault("args", {})["1"] = {"values": sorted({0x5401, 0x5413, 0x4000 + rng.randrange(200)})}
        if e["name"] == "socket":
            e.setdefault("args", {})["1"] = {"values": sorted({1, 2, 0x80001 + rng.randrange(3)})}
    t["syscalls"] = keep
    with open(os.path.join(out_dir, "t%05d.json" % i), "w") as f:
        json.dump(t, f, indent=4)
PY

size=$(du -sh "$tmp/traces" | cut -f1)
entries=$(cat "$tmp/traces"/*.json | grep -c '"arch"' || true)
echo "scale_bench: $n traces ($size, $entries syscall entries) from $seeds recordings: $(ls "$tmp/seeds" | sed 's/.json//' | tr '\n' ' ')"
cd "$tmp/traces"
/usr/bin/time -v -o "$tmp/time.txt" "$bin" generate -o "$tmp/profile.json" t*.json
rss_kb=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt")
user=$(sed -n 's/^\s*User time (seconds): //p' "$tmp/time.txt")
names=$(grep -c '^ *"[a-z0-9_]*",\?$' "$tmp/profile.json" || true)
printf 'scale_bench: generate from %d traces: peak RSS %d MB (%d kB), wall %s, user %s s; profile %s bytes\n' \
  "$n" $((rss_kb / 1024)) "$rss_kb" "$wall" "$user" "$(wc -c <"$tmp/profile.json")"
if [ $((rss_kb / 1024)) -ge "$limit_mb" ]; then
  echo "scale_bench: peak RSS is over ${limit_mb} MB" >&2
  exit 1
fi
