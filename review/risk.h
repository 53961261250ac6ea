#pragma once
/// The curated catalogue of syscalls whose allowance deserves a reviewer's attention: a category and a
/// one-line reason each, written for this project.
#include <optional>
#include <string_view>
#include <vector>

#include "profile/effective.h"

namespace profilegen::review {

enum class RiskCategory {
  kEscape,               ///< a known step out of the container: mounts, namespaces, other processes, the kernel
  kKernelAttackSurface,  ///< large or fragile kernel code that exploits have used
  kHostState,            ///< changes state the host shares with every container (clock, swap, reboot)
  kInformationLeak,      ///< reads what other containers or the host hold
};

/// "escape", "kernel-attack-surface", "host-state", "information-leak".
std::string_view CategoryName(RiskCategory c);

struct RiskInfo {
  std::string_view syscall;
  RiskCategory category;
  std::string_view reason;  ///< one line, no trailing full stop
};

/// Every entry, in catalogue order (grouped by category).
const std::vector<RiskInfo>& RiskCatalogue();

/// The catalogue entry for a syscall name, if any.
const RiskInfo* FindRisk(std::string_view syscall);

/// The risk of `name` being treated as `policy` on `arch`: the catalogue entry when the syscall can get
/// through (allowed or conditional); nullopt if it is not in the catalogue, is denied, or is clone with every
/// CLONE_NEW* flag ruled out by its conditions.
std::optional<RiskInfo> AssessRisk(sys::ArchToken arch, std::string_view name, const profile::SyscallPolicy* policy,
                                   const profile::Verdict& default_verdict);

}  // namespace profilegen::review
