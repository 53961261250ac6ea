#!/usr/bin/env bash
# The proof of issue 9 on a kernel without IA-32 emulation: boots a Debian kernel with ia32_emulation=0 in a qemu
# VM, shares this machine's root read-only over virtio 9p (a tmpfs overlay takes the writes, the host is never
# written), and runs the already-built tests of BUILD inside it (scripts/noia32_vm_guest.sh). Prints what the VM
# printed and exits with the VM's verdict: 0 when the kernel ran no i386 code and every test passed.
# Downloads and built files are cached in /var/tmp/profilegen-vm. See docs/noia32.md.
# Usage: scripts/noia32_vm.sh [--accel auto|kvm|tcg] [--timeout SECONDS] [--memory MIB] [--cpus N]
#                             [--kernel-deb FILE] [--refresh] [--tests REGEX] [CHECKOUT [BUILD]]
# --tests REGEX runs only the ctest entries whose whole name matches (default: every entry but the engine ones).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=/var/tmp/profilegen-vm
accel=auto timeout=7200 memory=2048 cpus=2 kernel_deb='' refresh=0 tests='.*'
usage() { sed -n 's/^# Usage: /usage: /p; /^#  *\[/s/^# */       /p' "$0" >&2; exit 2; }
die() { echo "noia32_vm: error: $*" >&2; exit 2; }
say() { echo "noia32_vm: $*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --accel) accel=${2:?}; shift 2 ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --memory) memory=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --kernel-deb) kernel_deb=$(realpath "${2:?}"); shift 2 ;;
    --refresh) refresh=1; shift ;;
    --tests) tests=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -le 2 ] || usage
checkout=$(realpath -m "${1:-$here/..}")
build=${2:-build}
case $build in /*) ;; *) build=$checkout/$build ;; esac
build=$(realpath -m "$build")
[ -x "$build/profilegen" ] && [ -x "$build/samples/static32" ] && [ -d "$build/tests" ] ||
  die "$build is not a built profilegen build folder (no profilegen, samples/static32 or tests/); build it first"
case "$checkout$build$tests" in
  *[[:space:]]*) die "paths and --tests with spaces cannot be passed on the kernel command line" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root (apt-get, and the tests' [root] cases inside the VM)"
mkdir -p "$cache"

# --- tools on this machine --------------------------------------------------------------------------------------
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v xz >/dev/null || need_pkgs+=(xz-utils)
command -v g++ >/dev/null || need_pkgs+=(g++)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need_pkgs+=(busybox-static)
command -v file >/dev/null || need_pkgs+=(file)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >"$cache/apt-install.log" 2>&1 ||
    { apt-get update -q >>"$cache/apt-install.log" 2>&1 &&
      apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >>"$cache/apt-install.log" 2>&1; } ||
    die "could not install ${need_pkgs[*]}; see $cache/apt-install.log"
fi

# --- a kernel that has the ia32_emulation= boot parameter (Linux 6.7+) ----------------------------------------------
# Debian 12's own 6.1 kernel has no such parameter; bookworm-backports carries 6.12. The generic flavour is needed:
# the cloud flavour has no 9p. apt runs with its own lists under the cache: the machine's sources stay untouched.
fetch_kernel_deb() {
  local apt_dir=$cache/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/debs"
  echo 'deb http://deb.debian.org/debian bookworm-backports main' >"$apt_dir/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
              -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  say "looking up the bookworm-backports kernel"
  apt-get "${opts[@]}" update -q >"$cache/apt-kernel.log" 2>&1 || die "apt-get update failed; see $cache/apt-kernel.log"
  local pkg
  pkg=$(apt-cache "${opts[@]}" depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
        head -n 1)
  [ -n "$pkg" ] || die "no linux-image-*-amd64 in bookworm-backports"
  (cd "$cache/debs" && apt-get "${opts[@]}" download "$pkg" >>"$cache/apt-kernel.log" 2>&1) ||
    die "could not download $pkg; see $cache/apt-kernel.log"
}
if [ -z "$kernel_deb" ]; then
  kernel_deb=$(ls -t "$cache"/debs/linux-image-*-amd64_*.deb 2>/dev/null | head -n 1 || true)
  if [ -z "$kernel_deb" ] || [ "$refresh" = 1 ]; then
    fetch_kernel_deb
    kernel_deb=$(ls -t "$cache"/debs/linux-image-*-amd64_*.deb | head -n 1)
  fi
fi
[ -f "$kernel_deb" ] || die "no kernel package at $kernel_deb"
kdir=$cache/kernel/$(basename "$kernel_deb" .deb)
if [ ! -e "$kdir/.extracted" ]; then
  say "unpacking $(basename "$kernel_deb")"
  rm -rf "$kdir" && mkdir -p "$kdir" && dpkg-deb -x "$kernel_deb" "$kdir" && touch "$kdir/.extracted"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n 1)
kver=${vmlinuz##*/vmlinuz-}
config=$kdir/boot/config-$kver
grep -q '^CONFIG_IA32_EMULATION=y' "$config" || die "$kver has no IA32_EMULATION: ia32_emulation=0 would prove nothing"
grep -q '^CONFIG_NET_9P_VIRTIO=[ym]' "$config" && grep -q '^CONFIG_9P_FS=[ym]' "$config" ||
  die "$kver has no 9p over virtio (the cloud flavour lacks it); pass a generic linux-image-*-amd64 with --kernel-deb"

# --- initramfs: static busybox, the modules for 9p and overlayfs (decompressed, in load order), init, guest -------
moddir=$kdir/lib/modules/$kver
# The module file of `name` (names may spell _ as -), empty when it is built in.
module_file() { find "$moddir" -name "$1.ko*" -o -name "$(echo "$1" | tr _ -).ko*" | head -n 1; }
module_cat() {
  case $1 in
    *.ko.xz) xz -dc "$1" ;;
    *.ko.zst) zstd -qdc "$1" ;;
    *.ko.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}
# Prints the modules `name` needs (its .modinfo "depends=", recursively), then `name`. The package has no
# modules.dep: depmod makes it when the package is installed.
module_order() {
  local f d
  f=$(module_file "$1")
  [ -n "$f" ] || return 0
  for d in $(module_cat "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
    module_order "$d"
  done
  echo "$1"
}
order=$(for m in virtio_pci netfs 9pnet 9pnet_virtio 9p overlay; do module_order "$m"; done | awk '!seen[$0]++')
key=$(cat "$here/noia32_vm_init.sh" "$here/noia32_vm_guest.sh" /bin/busybox <(echo "$kver $order") | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$kver-$key.cpio.gz
if [ ! -f "$initrd" ]; then
  say "building $initrd"
  tmp=$(mktemp -d "$cache/initramfs.XXXXXX")
  mkdir -p "$tmp"/{bin,dev,proc,sys,mnt,lib/modules}
  cp /bin/busybox "$tmp/bin/busybox"
  cp "$here/noia32_vm_init.sh" "$tmp/init"
  cp "$here/noia32_vm_guest.sh" "$tmp/noia32_vm_guest.sh"
  chmod 755 "$tmp/init" "$tmp/noia32_vm_guest.sh"
  for m in $order; do
    module_cat "$(module_file "$m")" >"$tmp/lib/modules/$m.ko"
  done
  echo "$order" >"$tmp/lib/modules/order"
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp" && mv "$initrd.tmp" "$initrd"
  rm -rf "$tmp"
  find "$cache" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "${initrd##*/}" -delete  # earlier versions
fi

# --- the probe of tests/support/abi.h, built as a program the guest runs -----------------------------------------
probe_src=$cache/abi_probe.cpp
probe_bin=$cache/abi_probe-$(cat "$checkout/tests/support/abi.h" | sha256sum | cut -c1-16)
if [ ! -x "$probe_bin" ]; then
  cat >"$probe_src" <<'EOF'
// What the test suite's probe (tests/support/abi.h) says about this kernel; argv[1] is the 32-bit static sample.
#include <cstdio>
#include "abi.h"
int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const support::Abi& a = support::Abilities(argv[1]);
  std::printf("i386_exec=%s%s%s int80=%s x32=%s\n", a.i386_exec ? "yes" : "no", a.i386_exec ? "" : " (execve: ",
              a.i386_exec ? "" : (a.i386_error + ")").c_str(), a.int80 ? "yes" : "no", a.x32 ? "yes" : "no");
}
EOF
  g++ -std=c++20 -O1 -I"$checkout/tests/support" -o "$probe_bin.tmp" "$probe_src" && mv "$probe_bin.tmp" "$probe_bin"
fi

# --- qemu ----------------------------------------------------------------------------------------------------------
qemu_base=(qemu-system-x86_64 -nodefaults -display none -no-reboot -serial stdio -monitor none
           -kernel "$vmlinuz" -initrd "$initrd"
           -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
cmdline="console=ttyS0 ia32_emulation=0 panic=-1 quiet loglevel=4"

# KVM inside this VM may exist and still fail (nested virtualisation emulating what it cannot): boot once with
# probe=1 and keep the verdict per host kernel and qemu.
kvm_works() {
  [ -w /dev/kvm ] || return 1
  local verdict
  verdict=$cache/kvm-verdict-$(uname -r)-$(qemu-system-x86_64 --version | head -n 1 | tr -cd '0-9.')
  if [ ! -f "$verdict" ]; then
    say "probing KVM (up to 60 s)"
    if timeout -k 5 60 "${qemu_base[@]}" -enable-kvm -cpu host -m 256 -append "$cmdline profilegen.probe=1" \
         </dev/null 2>&1 | grep -aq 'profilegen-vm: probe ok'; then
      echo yes >"$verdict"
    else
      echo no >"$verdict"
    fi
  fi
  [ "$(cat "$verdict")" = yes ]
}
case $accel in
  auto) if kvm_works; then accel=kvm; else accel=tcg; fi ;;
  kvm | tcg) ;;
  *) die "--accel takes auto, kvm or tcg" ;;
esac
if [ "$accel" = kvm ]; then
  accel_args=(-enable-kvm -cpu host)
else
  accel_args=(-accel "tcg,thread=multi" -cpu max)
fi

mkdir -p "$cache/logs"
log=$cache/logs/run-$(date -u +%Y%m%dT%H%M%SZ).log
say "booting $kver with ia32_emulation=0 ($accel, $cpus vCPUs, $memory MiB, at most ${timeout}s); log: $log"
started=$(date +%s)
set +e
timeout -k 10 "$timeout" "${qemu_base[@]}" "${accel_args[@]}" -smp "$cpus" -m "$memory" \
  -append "$cmdline profilegen.checkout=$checkout profilegen.build=$build profilegen.probe_bin=$probe_bin profilegen.tests=$tests" \
  </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log"
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - started))
rc=$(sed -n 's/^profilegen-vm: guest exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
if [ -z "$rc" ]; then
  [ "$qemu_rc" -eq 124 ] && say "the VM did not finish within ${timeout}s"
  say "error: the VM ended without a result (qemu exit $qemu_rc) after ${elapsed}s; see $log"
  exit 1
fi
say "VM run took ${elapsed}s; guest exit $rc"
[ "$rc" -eq 0 ] || exit 1
