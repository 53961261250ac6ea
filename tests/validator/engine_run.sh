#!/usr/bin/env bash
# engine_run.sh runc|crun PROFILE -- ARGS...: runs ARGS in a container of the real runtime (host / as a read-only
# rootfs, `runc spec`'s capabilities) under PROFILE (Docker format) and exits with the container's exit status.
# Exit 77 when a prerequisite is missing (and CI is not true; under CI=true eng_require fails loudly).
set -uo pipefail
runtime=$1 profile=$2
shift 3  # runtime, profile, --
. "$(dirname "$0")/../../scripts/engines.sh"
eng_init
eng_require root "$runtime" python3 || exit $?
rootfs=$(eng_rootfs_host) || exit 1
eng_bundle --rootfs "$rootfs" --profile "$profile" --nnp false "$ENG_WORK/bundle" -- "$@" >/dev/null || exit 1
rc=0
case $runtime in
  runc) eng_runc "$ENG_WORK/bundle" || rc=$? ;;
  crun) eng_crun "$ENG_WORK/bundle" || rc=$? ;;
esac
exit "$rc"
