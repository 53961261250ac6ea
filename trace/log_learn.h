#pragma once
/// `profilegen learn`: the seccomp audit records of a kernel log (trace/audit_record.h) turned into a trace, the
/// same schema `record` writes, so that `generate` merges it with recorded traces. Pure code: the lines are
/// given, the container's processes are a predicate.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/audit_record.h"
#include "trace/trace.h"

namespace profilegen::trace {

struct LogFilter {
  std::optional<double> since, until;  ///< wall-clock seconds, inclusive
  std::vector<std::string> exes;       ///< keep records whose exe is one of these (empty: any)
  std::function<bool(const SeccompRecord&)> keep;  ///< further selection (a container's processes); null: any
};

struct LearnStats {
  uint64_t lines = 0;
  uint64_t seccomp = 0;     ///< seccomp records in the log
  uint64_t in_window = 0;   ///< ... within the time window
  uint64_t matched = 0;     ///< ... also selected by exe and `keep`: the ones in the trace
  uint64_t malformed = 0;   ///< lines that look like seccomp records but could not be read
  std::string first_problem;
  uint64_t suppressed = 0;   ///< "callbacks suppressed" counts reported inside or right after the window
  uint64_t lost_lines = 0;   ///< audit_lost / backlog messages inside the window
  uint64_t serial_gaps = 0;  ///< audit serial numbers missing between the window's first and last audit record
  std::map<std::string, uint64_t> actions;  ///< matched records per filter action ("log", "kill_process", ...)
};

struct Learned {
  Trace trace;
  LearnStats stats;
};

/// Reads `lines` in order. The trace has one entry per (arch, syscall) with its count and the first record's
/// pid and exe, `tasks` = distinct pids, `started` = the first matched record's time, `host` = this machine's
/// arch and `kernel` as given, no exit status, and `source` as its "sources" entry (records/dropped filled in).
Learned LearnFromLog(const std::vector<std::string>& lines, const LogFilter& filter, LogSource source,
                     sys::ArchToken host_arch, const std::string& kernel);

/// What a user should hear about a read: nothing matched (and why that may be), records the kernel dropped
/// (rate limits: "callbacks suppressed", audit_lost, gaps in the audit serial numbers), unreadable lines.
std::vector<std::string> LearnWarnings(const LearnStats& stats, const std::string& log);

/// "learned 3 distinct syscalls from 12 kernel log records (log: 12) of 2 processes -> trace.json".
std::string LearnSummary(const Learned& learned, const std::string& output);

/// A --since/--until value: "2026-11-29T23:00:00Z" (RFC 3339, fraction and "+01:00" offsets allowed), "@1795996100" (epoch
/// seconds), or "-90s", "-10m", "-2h", "-1d" (before `now`). Throws Error (exit 2) naming `option`.
double ParseTimeArg(std::string_view text, double now, std::string_view option);

/// Seconds since the epoch as RFC 3339 UTC with milliseconds when there are any: "2026-11-29T23:00:00.446Z".
std::string FormatTime(double t);

}  // namespace profilegen::trace
