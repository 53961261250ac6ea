# shellcheck shell=bash
# Sourced by the reachability proofs (redis_proof.sh, nginx_proof.sh, docker_proof.sh): the two profiles each proof
# compares, made the same way.
#
# proof_profiles PROFILEGEN DIR TRACE REACH_TRACE [GENERATE-OPTION...]: writes DIR/trace-only.json (generate from
# TRACE) and DIR/include.json (generate --reachable include from REACH_TRACE, which is TRACE unless the reachable
# section was added to a copy), then prints "allowed names: trace-only N, include M" (the names with
# SCMP_ACT_ALLOW). Returns 1, with generate's message, when either profile could not be made.
proof_profiles() {
  local pg=$1 dir=$2 trace=$3 reach_trace=$4
  shift 4
  if ! "$pg" generate "$@" -o "$dir/trace-only.json" "$trace" 2>"$dir/generate.err" ||
     ! "$pg" generate "$@" --reachable include -o "$dir/include.json" "$reach_trace" 2>"$dir/generate.err"; then
    echo "FAIL: generate could not make the proof's profiles:"; sed 's/^/    | /' "$dir/generate.err"
    return 1
  fi
  echo "allowed names: trace-only $(proof_allowed "$dir/trace-only.json"), include $(proof_allowed "$dir/include.json")"
}

# proof_allowed PROFILE: how many syscall names PROFILE allows.
proof_allowed() {
  python3 -c "import json,sys; print(sum(len(s['names']) for s in json.load(open(sys.argv[1]))['syscalls'] \
if s['action'] == 'SCMP_ACT_ALLOW'))" "$1"
}
