#pragma once
/// The effective policy of a profile for one target: what the kernel filter will do, per architecture and
/// syscall, after includes/excludes, archMap, runc's rule skipping and libseccomp's merge rules. Two profiles
/// with the same effective policy are the same to every loader, whatever their text, order or comments.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profile/model.h"
#include "profile/parse.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile {

enum class Engine { kDocker, kPodman };

/// What the profile is evaluated for.
struct Target {
  Engine engine = Engine::kDocker;
  sys::ArchToken arch = 0;  ///< host arch; 0 means this machine's
  std::set<std::string> caps;  ///< bounding set; see DefaultCaps()
  int kernel_major = 0, kernel_minor = 0;  ///< 0.0 means this machine's kernel
};

/// Docker's default capability set (14 capabilities).
const std::set<std::string>& DefaultCaps();
/// Every capability name (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE).
const std::set<std::string>& AllCaps();
/// Fills arch and kernel from this machine when left zero.
Target ResolveTarget(Target t);

/// An action with its errno (errno only for ERRNO/TRACE, defaulted to EPERM=1 as runc does).
struct Verdict {
  Action action = Action::kErrno;
  uint64_t errno_ret = 0;
  auto operator<=>(const Verdict&) const = default;
  std::string ToString() const;  ///< "SCMP_ACT_ERRNO(1)", "SCMP_ACT_ALLOW"
};

/// One libseccomp rule: a verdict when all conditions hold (an empty list: always).
struct EffectiveRule {
  Verdict verdict;
  std::vector<ArgCondition> conditions;  ///< ANDed, sorted
  auto operator<=>(const EffectiveRule&) const = default;
};

/// What one syscall gets on one arch: unconditional (one rule, no conditions) or conditional rules
/// (sorted, deduplicated), all others fall to the default.
struct SyscallPolicy {
  std::vector<EffectiveRule> rules;
  bool operator==(const SyscallPolicy&) const = default;
  bool Unconditional() const { return rules.size() == 1 && rules[0].conditions.empty(); }
};

struct ArchPolicy {
  std::map<std::string, SyscallPolicy> syscalls;  ///< by name; only names present on this arch
  bool operator==(const ArchPolicy&) const = default;
};

struct EffectivePolicy {
  bool seccomp_off = false;  ///< {} or no defaultAction: the engines run unconfined
  Verdict default_verdict;
  std::map<sys::ArchToken, ArchPolicy> arches;  ///< host first conceptually; every arch the filter covers
  std::vector<Diagnostic> notes;  ///< what was dropped or skipped on the way, with JSON paths (warnings)
  bool operator==(const EffectivePolicy& o) const {
    return seccomp_off == o.seccomp_off && default_verdict == o.default_verdict && arches == o.arches;
  }
};

/// Computes the effective policy. The profile must have parsed without errors.
EffectivePolicy Evaluate(const Profile& profile, const Target& target);

/// Whether a rule entry applies to the target (moby's includes/excludes; podman ignores minKernel).
bool RuleApplies(const Rule& rule, const Target& target);

/// The arches the filter covers for the target: `architectures`, or the archMap entry of the host.
std::vector<sys::ArchToken> FilterArches(const Profile& profile, const Target& target);

}  // namespace profilegen::profile
