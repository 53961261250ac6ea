#!/usr/bin/env bash
# Installs the Debian packages profilegen needs to build and test. Idempotent: silent when all are present.
set -u
pkgs=(libseccomp-dev nlohmann-json3-dev libsimdjson-dev libcli11-dev catch2 libbenchmark-dev cmake g++ make strace
      gcc-multilib g++-multilib busybox-static runc crun podman clang iproute2 util-linux
      default-jre-headless tmux xz-utils python3 libelf-dev libzydis-dev libcapstone-dev docker.io mmdebstrap
      musl-tools file sqlite3 python3-yaml redis-server nginx-light curl uidmap slirp4netns
      nodejs)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "profilegen: installing missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "profilegen: error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/profilegen-deps.log 2>&1; then
  $SUDO apt-get update -q >>/tmp/profilegen-deps.log 2>&1
  if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/profilegen-deps.log 2>&1; then
    echo "profilegen: error: could not install ${missing[*]}; see /tmp/profilegen-deps.log" >&2
    tail -n 20 /tmp/profilegen-deps.log >&2
    exit 1
  fi
fi
