#pragma once
/// The trace model (schema v1, DESIGN.md), its JSON form and the merge of traces.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "syscalls/syscalls.h"
#include "trace/reachable.h"
#include "trace/container.h"
#include "trace/log_source.h"
#include "trace/mapped.h"

namespace profilegen::trace {

inline constexpr int kSchemaVersion = 1;
/// Distinct values kept per captured argument; beyond it the set is marked overflowed.
inline constexpr size_t kMaxArgValues = 64;

/// The distinct values one argument took, bounded.
struct ArgValues {
  std::set<uint64_t> values;
  bool overflow = false;  ///< more than kMaxArgValues distinct values were seen; sticky under merge

  void Add(uint64_t v);
  void Merge(const ArgValues& other);
  bool operator==(const ArgValues&) const = default;
};

/// Who made a syscall first.
struct Provenance {
  int64_t pid = 0;
  std::string exe;
  bool operator==(const Provenance&) const = default;
};

struct SyscallRecord {
  sys::ArchToken arch = 0;
  int64_t nr = 0;                   ///< x32: without the x32 bit
  std::optional<std::string> name;  ///< nullopt when libseccomp cannot name the number
  uint64_t count = 0;
  Provenance first;
  std::map<int, ArgValues> args;  ///< argument index -> values, for the curated syscalls only
  uint64_t runs = 1;              ///< how many merged traces saw it

  /// "read" or "#1234" when unnamed.
  std::string DisplayName() const;
};

using SyscallKey = std::pair<sys::ArchToken, int64_t>;

struct ExitStatus {
  std::optional<int> code;
  std::optional<std::string> signal;  ///< "SIGSEGV"
  bool operator==(const ExitStatus&) const = default;
};

struct Trace {
  std::vector<std::string> command;
  std::string started;  ///< RFC 3339 UTC
  std::string kernel;   ///< uname release
  sys::ArchToken host_arch = 0;
  ExitStatus exit;
  uint64_t tasks = 0;
  uint64_t runs = 1;  ///< how many recordings this trace merges
  std::map<SyscallKey, SyscallRecord> syscalls;
  std::optional<Reachable> reachable;  ///< schema v2: static reachability of the recorded executables
  std::vector<ContainerFacts> containers;  ///< how recorded containers were run (trace/container.h)
  std::vector<LogSource> sources;          ///< kernel logs this trace was read from (`learn`, trace/log_source.h)
  std::set<std::string> mapped;            ///< files the recorded processes mapped executable (trace/mapped.h)

  /// Distinct architectures among the syscalls, host first.
  std::vector<sys::ArchToken> Arches() const;
  /// The executables that first made each recorded syscall, sorted, each once.
  std::vector<std::string> Executables() const;
};

/// Parses a trace; `path` names the file in messages. Throws Error on any problem, naming the JSON path.
/// Read by the fast reader (read_fast.h); whatever it declines goes to the checked reader (read_checked.h), which
/// gives every message. A new top-level key: one TraceSection entry in read_checked.cpp serves both readers.
Trace ParseTrace(const std::string& text, const std::string& path);
/// Reads and parses a trace file ("-" for stdin).
Trace LoadTrace(const std::string& path);
/// Canonical JSON text (fixed key order, sorted syscalls, 4-space indent, trailing newline).
std::string SerializeTrace(const Trace& trace);
/// Writes atomically; throws Error with `exit_code` on failure.
void SaveTrace(const Trace& trace, const std::string& path, int exit_code);

/// Adds `from` into `into`: union of entries, counts summed, value sets united, runs added, mapped files united.
void Merge(Trace& into, const Trace& from);
/// Merges many traces (any order gives the same result).
Trace MergeAll(const std::vector<Trace>& traces);

/// The curated argument indexes captured for a syscall name, e.g. socket -> {0, 1}. Empty if none.
const std::vector<int>& CapturedArgs(std::string_view name);

}  // namespace profilegen::trace
