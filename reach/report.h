#pragma once
/// The reachable set as `profilegen scan` prints it: text for people, JSON for scripts.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reach/program.h"

namespace profilegen::reach {

/// Syscall names of `r` on `arch`, sorted; numbers libseccomp cannot name as "#N".
std::vector<std::string> SyscallNames(const Reachability& r, sys::ArchToken arch);

/// {"binaries": [...], "syscalls": {"SCMP_ARCH_X86_64": [names]}, "unresolved": [...], ...}
nlohmann::ordered_json ReachabilityJson(const Reachability& r);

/// A short human summary: binaries, counts, names, unresolved sites.
std::string ReachabilityText(const Reachability& r);

}  // namespace profilegen::reach
