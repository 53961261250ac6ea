#!/bin/busybox sh
# shellcheck shell=dash
# /init of the initramfs that scripts/noia32_vm.sh builds: loads the 9p and overlay modules, mounts the host's root
# (shared read-only over virtio 9p) under a tmpfs overlay so tests can write without touching the host, chroots into
# it and runs noia32_vm_guest.sh there, prints its exit status as the last line the host parses, and powers off.
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# The value of profilegen.NAME=VALUE on the kernel command line.
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^profilegen\.$1=//p"; }

finish() {
  echo "profilegen-vm: guest exit $1"
  sync
  poweroff -f
  echo o >/proc/sysrq-trigger
  sleep 10
}

if [ "$(arg probe)" = 1 ]; then
  echo "profilegen-vm: probe ok"
  finish 0
fi

for m in $(cat /lib/modules/order); do
  insmod "/lib/modules/$m.ko" || { echo "profilegen-vm: error: insmod $m failed"; finish 125; }
done

mkdir -p /mnt/host /mnt/rw /mnt/root
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /mnt/host ||
  { echo "profilegen-vm: error: cannot mount the host root over 9p"; finish 125; }
mount -t tmpfs -o size=1g,mode=755 rw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /mnt/root ||
  { echo "profilegen-vm: error: cannot mount the overlay on the host root"; finish 125; }

r=/mnt/root
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup 2>/dev/null
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o ptmxmode=666 devpts $r/dev/pts
mount -t tmpfs tmpfs $r/dev/shm
mount -t tmpfs tmpfs $r/tmp
mount -t tmpfs tmpfs $r/run
cp /noia32_vm_guest.sh $r/tmp/

chroot $r /usr/bin/env -i /bin/bash /tmp/noia32_vm_guest.sh "$(arg checkout)" "$(arg build)" "$(arg probe_bin)" "$(arg tests)"
finish $?
