#pragma once
/// Where a trace read from the kernel log came from (`profilegen learn`): in the trace file an optional
/// "sources" array, one entry per log read; a merged trace keeps every distinct entry. Traces written by
/// `record` have none.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "trace/container.h"

namespace profilegen::trace {

struct LogSource {
  std::string kind = "kernel-log";  ///< the only kind so far: seccomp audit records (type 1326)
  std::string log;                  ///< "/dev/kmsg", "/var/log/audit/audit.log", "-" for stdin
  std::string since, until;         ///< the time window asked for, RFC 3339 UTC; "" when open
  std::string match;                ///< which records: "exe /bin/busybox", "container 3f2a... (docker)", "all"
  uint64_t records = 0;             ///< seccomp records taken into the trace
  uint64_t dropped = 0;             ///< records the log says it lost in the window (rate limits, queue overflow)
  bool operator==(const LogSource&) const = default;
};

/// The value of a trace's "sources" key. Calls `fail` (as for "containers") on a malformed entry.
std::vector<LogSource> ParseSourceList(const nlohmann::json& list, const ContainerFail& fail);
nlohmann::ordered_json LogSourceJson(const LogSource& s);
/// Adds to `into` the entries of `from` it does not hold yet.
void MergeSources(std::vector<LogSource>& into, const std::vector<LogSource>& from);

}  // namespace profilegen::trace
