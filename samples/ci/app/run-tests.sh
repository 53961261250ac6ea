# The sample project's test suite, run by busybox sh: `busybox sh run-tests.sh unit|integration`.
# Deterministic on purpose: a static busybox makes the same syscalls on every Linux machine, so the profile
# committed next to this file stays valid wherever the CI runs.
set -e
suite=${1:-unit}
scratch=${TMPDIR:-/tmp}/pg-ci-app.$$
mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT
case "$suite" in
  unit)
    echo "unit: string handling"
    printf 'b\na\nc\n' | sort | head -n 1 | grep -q a
    echo "unit: files"
    echo data >"$scratch/f" && cat "$scratch/f" >/dev/null && ls "$scratch" >/dev/null
    ;;
  integration)
    echo "integration: directory tree"
    mkdir -p "$scratch/a/b/c" && touch "$scratch/a/b/c/x" && find "$scratch" -name x | grep -q x
    echo "integration: archive"
    tar -C "$scratch" -cf "$scratch/t.tar" a && tar -tf "$scratch/t.tar" | grep -q a/b/c/x
    ;;
  *)
    echo "unknown suite $suite" >&2
    exit 2
    ;;
esac
echo "$suite: ok"
