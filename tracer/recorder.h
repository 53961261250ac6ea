#pragma once
/// The ptrace recorder: runs a command (or attaches to a process) and records every syscall it makes.
#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace profilegen::tracer {

/// Where the tracer and its tracees run (bench/record_bench.sh measures both; README "Performance"). Pinning only
/// the tracer and leaving the command free was measured too and never paid (it was dropped).
enum class Placement {
  kFree,     ///< no pinning: the command sees the CPUs record was given (the default)
  kSameCpu,  ///< tracer and command pinned to one CPU: no cross-CPU wakeups, but the command sees one CPU
};

struct RecordOptions {
  std::vector<std::string> command;  ///< argv; argv[0] looked up in PATH
  pid_t attach_pid = 0;              ///< attach to this process and its threads instead of spawning
  /// Syscalls the filter lets through without a stop (their counts are carried over, not measured).
  std::vector<trace::Trace> known;
  /// A BPF program to install in the child instead of the built-in "trace everything" filter. Syscalls it
  /// returns SECCOMP_RET_TRACE for are recorded; others run as the program says (used by `run --complain`).
  std::optional<std::vector<sock_filter>> filter;
  /// Force two stops per syscall (PTRACE_SYSCALL) even where a seccomp filter could be installed.
  bool no_seccomp = false;
  Placement placement = Placement::kFree;
  /// Signals to record are sent on to the command (TakenSignals() says which), or, with attach_pid,
  /// SIGINT/SIGTERM/SIGHUP detach from it
  bool forward_signals = true;
};

struct RecordResult {
  trace::Trace trace;
  int exit_code = 0;  ///< the command's code, 128+N for signal N; 126/127 when it could not be executed
};

/// The signals record takes for `options`: none without forward_signals; SIGINT, SIGTERM and SIGHUP with
/// attach_pid (they end the recording); running a command, kForwardedSignals (base/forwarded_signals.h).
std::vector<int> TakenSignals(const RecordOptions& options);

/// Runs the recording to the end. Throws Error for profilegen's own failures (exit 125). The taken signals
/// are left blocked in the calling process when it returns (see EventWaiter).
RecordResult Record(const RecordOptions& options);

}  // namespace profilegen::tracer
