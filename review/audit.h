#pragma once
/// What a profile allows that deserves a look, for one target: risky syscalls by category, what it allows
/// beyond Docker's default, argument guards present or missing, the arches it covers, its ENOSYS probes,
/// and how much of it the kernel's action cache can serve.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "profile/effective.h"
#include "profile/origin.h"
#include "review/format.h"
#include "review/policy.h"
#include "review/risk.h"
#include "review/rule_findings.h"

namespace profilegen::review {

/// One syscall, merged over the arches where it is treated the same way.
struct AuditFinding {
  std::string name;
  std::vector<sys::ArchToken> arches;
  Allowance allowance = Allowance::kNever;  ///< in the profile
  Allowance docker = Allowance::kNever;     ///< in Docker's default, same target
  std::optional<RiskInfo> risk;
  std::string treatment;  ///< DescribePolicy of the profile's rules
  profile::Origin origin = profile::Origin::kUnlabelled;  ///< from the profile's comments (profile/origin.h)
};

/// The syscalls the profile lets through (always or under conditions, on any arch), grouped by where its
/// comments say they came from.
struct OriginGroup {
  profile::Origin origin = profile::Origin::kUnlabelled;
  std::vector<std::string> names;  ///< sorted
};

struct GuardFinding {
  std::string name;
  std::vector<sys::ArchToken> arches;
  bool present = false;  ///< true: allowed only under argument conditions; false: allowed without the guard
  std::string detail;    ///< the conditions, or what is missing and why it matters
};

struct ArchAudit {
  sys::ArchToken arch = 0;
  bool native = true;        ///< the target's own arch; false: a compat ABI (x86 or x32 on amd64, arm on arm64)
  size_t allowed = 0;        ///< syscalls that get through unconditionally
  size_t conditional = 0;    ///< syscalls allowed only under argument conditions
  size_t cacheable = 0;      ///< syscalls the kernel's action cache can answer without running the filter
  size_t names_on_arch = 0;  ///< every syscall libseccomp knows on this arch
  std::string note;          ///< why a compat arch deserves a look
};

struct AuditReport {
  profile::Target target;
  bool seccomp_off = false;
  profile::Verdict default_verdict;
  std::vector<ArchAudit> arches;            ///< native first
  std::vector<AuditFinding> risky;          ///< by category, then name
  std::vector<AuditFinding> beyond_docker;  ///< allowed wider than Docker's default allows
  std::vector<GuardFinding> guards;         ///< clone, clone3, personality, ... and every conditional ALLOW
  std::vector<AuditFinding> enosys_probes;  ///< ERRNO(ENOSYS) rules
  /// Rules that do not do what their text says once libseccomp has built the filter, most severe first.
  std::vector<RuleFinding> rule_effects;
  std::vector<OriginGroup> origins;         ///< observed, runtime-layer, reachable-only, unlabelled; non-empty only
  std::vector<std::string> notes;           ///< loader notes from the evaluation (skipped names, ...)
};

AuditReport Audit(const profile::Profile& profile, const profile::Target& target);

std::string FormatAuditText(const AuditReport& report, const std::string& file, bool colour);
std::string FormatAuditMarkdown(const AuditReport& report, const std::string& file);
/// Schema documented in docs/review.md ("profilegen": "audit", "version": 1).
nlohmann::ordered_json AuditToJson(const AuditReport& report, const std::string& file);
std::string FormatAudit(const AuditReport& report, const std::string& file, OutputFormat format, bool colour);

}  // namespace profilegen::review
