#pragma once
/// Trace schema v2: the "reachable" section, what static analysis (reach/, `record --reachable`) found that the
/// recorded executables can call. A v1 trace simply has none.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "syscalls/syscalls.h"

namespace profilegen::trace {

/// Written as "version": 2 when a trace carries a reachable section (v1 otherwise, byte-identical to before).
inline constexpr int kReachableSchemaVersion = 2;

struct Reachable {
  std::map<sys::ArchToken, std::set<std::string>> names;  ///< reachable syscall names per arch
  std::vector<std::string> binaries;                      ///< the files analysed, sorted
  uint64_t unresolved = 0;  ///< syscall sites in reachable code whose number is not known statically
  bool operator==(const Reachable&) const = default;
};

/// {"binaries": [...], "unresolved": N, "syscalls": {"SCMP_ARCH_X86_64": [names]}}
nlohmann::ordered_json ReachableJson(const Reachable& r);
class FieldReader;
/// The "reachable" section (a TraceSection of read_checked.cpp); errors "PATH: reachable.WHERE: WHAT".
void ParseReachableSection(const FieldReader& r, const nlohmann::json& j, struct Trace& t);
/// Union (a merged trace's programs may reach what any of them reaches); none stays none only if both are.
void MergeReachable(std::optional<Reachable>& into, const std::optional<Reachable>& from);

}  // namespace profilegen::trace
