#pragma once
/// Semantic diff of two profiles: their effective policies for one target, per arch and syscall (action,
/// errno and argument conditions), never their text. Each change that lets more through is tagged with its
/// risk from the catalogue and with what Docker's default does for the same syscall.
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "profile/effective.h"
#include "profile/origin.h"
#include "profile/rule_effect.h"
#include "review/format.h"
#include "review/policy.h"
#include "review/risk.h"

namespace profilegen::review {

/// How one syscall is treated on one arch of one side.
struct Treatment {
  bool in_filter = true;   ///< false: the arch is not in this side's filter (the kernel kills a bad arch)
  bool by_default = true;  ///< no rule of its own: the default action applies
  std::vector<profile::EffectiveRule> rules;  ///< own rules, or the default as one unconditional rule
  profile::Verdict fallthrough;               ///< the default action (what conditional rules fall to)
  Allowance allowance = Allowance::kNever;
  /// Where this side's comments say the syscall came from, when its own rules let it through (else unlabelled).
  profile::Origin origin = profile::Origin::kUnlabelled;
  /// "ALLOW", "default ERRNO(EPERM)", "ALLOW if arg0 == 8 | else ERRNO(EPERM)", "arch not in filter".
  std::string Describe() const;
};

enum class ChangeKind { kAdded, kRemoved, kChanged };
std::string_view ChangeKindName(ChangeKind k);  ///< "added", "removed", "changed"

enum class Direction { kWidened, kNarrowed, kOther };
std::string_view DirectionName(Direction d);  ///< "widened", "narrowed", "changed"

struct SyscallChange {
  std::string name;
  /// added: denied before, gets through now (always or under conditions); removed: the reverse;
  /// changed: anything else (conditions, errno, action) on a syscall both or neither side allow.
  ChangeKind kind = ChangeKind::kChanged;
  /// widened: every call allowed before still is and more get through (errno -> allow, conditional ->
  /// unconditional, an ALLOW rule added); narrowed: the reverse; other: neither can be shown.
  Direction direction = Direction::kOther;
  Treatment before, after;
  std::optional<RiskInfo> risk;          ///< set on changes that may let more through and hit the catalogue
  Allowance docker = Allowance::kNever;  ///< Docker's default profile, same target and arch
  /// A call on which the two filters answer differently (profile::FindDisagreement), when either side has
  /// conditional rules and one was found.
  std::optional<profile::Disagreement> witness;
  /// What the rules' text hides, when anything: "the same rules in another order: libseccomp's rule tree picks
  /// another winner", "libseccomp refuses the new profile's rules for it (EEXIST): ...".
  std::string kernel_note;
};

/// A syscall whose rules differ as written while libseccomp builds the same rule tree from both sides: the
/// kernel treats it the same way (not a change; shown so that a reviewer knows the rewrite is inert).
struct SameFilter {
  std::string name;
  std::vector<sys::ArchToken> arches;
  Treatment before, after;
};

enum class ArchStatus { kBoth, kAdded, kRemoved };
std::string_view ArchStatusName(ArchStatus s);  ///< "both", "added", "removed"

struct ArchDiff {
  sys::ArchToken arch = 0;
  ArchStatus status = ArchStatus::kBoth;
  std::vector<SyscallChange> syscalls;  ///< sorted by name; for an added/removed arch: what it allows
};

/// Distinct syscall names per kind (a change on amd64, x86 and x32 counts once), and arches.
struct DiffCounts {
  size_t added = 0, removed = 0, changed = 0, widened = 0, risky = 0;
  size_t arches_added = 0, arches_removed = 0;
};

struct DiffResult {
  profile::Target target;
  bool old_off = false, new_off = false;  ///< seccomp switched off by the profile
  profile::Verdict old_default, new_default;
  std::vector<SameFilter> same_filter;  ///< by name
  std::vector<ArchDiff> arches;  ///< host arch first, then by SCMP name; arches without changes omitted

  bool SeccompChanged() const { return old_off != new_off; }
  bool SeccompSwitchedOff() const { return new_off && !old_off; }
  bool DefaultChanged() const { return !old_off && !new_off && old_default != new_default; }
  /// The new default lets through calls the old one denied: every unlisted syscall is now allowed.
  bool DefaultWidened() const;
  bool Identical() const;
  DiffCounts Counts() const;
};

/// The origin labels of both sides (profile::AllowedOrigins), empty when unknown.
struct DiffOrigins {
  std::map<std::string, profile::Origin> old_side, new_side;
};

/// Compares two effective policies (evaluated for `target`; `docker` is Docker's default for it, used for the
/// docker column).
DiffResult DiffPolicies(const profile::EffectivePolicy& old_policy, const profile::EffectivePolicy& new_policy,
                        const profile::Target& target, const profile::EffectivePolicy& docker,
                        const DiffOrigins& origins = {});

/// The origin label a change is shown with: the old side's for a removed syscall, the new side's otherwise.
profile::Origin ShownOrigin(const SyscallChange& change);

/// Evaluates both profiles and Docker's default for the target, then DiffPolicies.
DiffResult DiffProfiles(const profile::Profile& old_profile, const profile::Profile& new_profile,
                        const profile::Target& target);

/// The CI gate.
enum class FailOn { kNever, kAdded, kRisky, kAny };
/// "added" | "risky" | "any" (and "never"); throws Error(kExitUsage) otherwise.
FailOn ParseFailOn(const std::string& s);
std::string_view FailOnName(FailOn f);
/// any: any difference; added: a syscall added (or an arch added that allows any, the default now allowing,
/// seccomp switched off); risky: an added or widened syscall from the catalogue (or the last two above).
bool GateFails(const DiffResult& diff, FailOn fail_on);

struct DiffLabels {
  std::string old_name, new_name;  ///< as given on the command line
  FailOn fail_on = FailOn::kNever;
};

std::string FormatDiffText(const DiffResult& diff, const DiffLabels& labels, bool colour);
std::string FormatDiffMarkdown(const DiffResult& diff, const DiffLabels& labels);
/// Schema documented in docs/review.md ("profilegen": "diff", "version": 1).
nlohmann::ordered_json DiffToJson(const DiffResult& diff, const DiffLabels& labels);
std::string FormatDiff(const DiffResult& diff, const DiffLabels& labels, OutputFormat format, bool colour);

/// JSON helpers shared with audit.
nlohmann::ordered_json VerdictToJson(const profile::Verdict& v);
nlohmann::ordered_json RuleToJson(const profile::EffectiveRule& r);
nlohmann::ordered_json TargetToJson(const profile::Target& t);

}  // namespace profilegen::review
