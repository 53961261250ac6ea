#!/usr/bin/env bash
# Runs every published profile in tests/validator/published/ through podman with runc and with crun,
# no-new-privileges off and on, on a static busybox rootfs (`busybox echo hi`), and prints one line per run:
#   PROFILE RUNTIME NNP started|failed RC
# "started" means the container printed "hi" and exited 0. The lines are what published/RESULTS.txt records and
# what the validator test checks `validate` against.
# Usage: published_engines.sh [--only NAME.json]...   Exit: 0 done, 77 skipped (no root/podman and CI is not true).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
# shellcheck source=../../scripts/engines.sh
. "$src/scripts/engines.sh"
only=()
while [ $# -gt 0 ]; do
  case $1 in
    --only) only+=("$2"); shift 2 ;;
    *) echo "published_engines.sh: error: unknown argument $1" >&2; exit 2 ;;
  esac
done
eng_require root runc crun podman busybox unshare
export TMPDIR=/var/tmp
eng_init
# Container names carry this helper's prefix (other sessions run containers on the same machine).
eng_new_id() {
  ENG_SEQ=$(( ${ENG_SEQ:-0} + 1 ))
  echo "profilegen-core-$BASHPID-$ENG_SEQ-$RANDOM"
}
rootfs=$(eng_rootfs_busybox)
for f in "$here"/published/*.json; do
  name=$(basename "$f")
  if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]]; then continue; fi
  for runtime in runc crun; do
    for nnp in false true; do
      out=$ENG_WORK/out.txt
      rc=$(eng_capture "$out" eng_podman --rootfs "$rootfs" --profile "$f" --nnp "$nnp" --runtime "$runtime" -- \
        /bin/busybox echo hi)
      if [ "$rc" = 0 ] && grep -qx hi "$out"; then state=started; else state=failed; fi
      echo "$name $runtime $nnp $state $rc"
      [ "$state" = failed ] && sed 's/^/    | /' "$out" | head -3 >&2
    done
  done
done
