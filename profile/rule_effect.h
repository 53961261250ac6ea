#pragma once
/// What each rule of a syscall really does once libseccomp 2.5.4 has built its rule tree for one arch
/// (profile/libseccomp_tree.h), as opposed to what its text says: a rule the tree drops (another rule on the
/// same syscall covers it, whatever the actions), a rule another rule overrides at a call it matches, a condition
/// libseccomp drops as always true (MASKED_EQ with a zero mask in the arch's width), and the socketcall/ipc copy
/// libseccomp makes of a socket- or ipc-family rule on i386 and s390 (the condition on argument 0 replaced by
/// the call number). Facts only: review/ judges how much each one matters.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/effective.h"

namespace profilegen::profile {

enum class RuleFate {
  kDropped,      ///< libseccomp builds the same filter without the rule: it never decides a call
  kOverridden,   ///< in the filter, but at a call it matches another verdict wins
  kAlwaysTrue,   ///< a condition is a MASKED_EQ with a zero mask: libseccomp drops it as always true
  kMultiplexed,  ///< libseccomp's socketcall/ipc copy of a guarded rule: the guard on argument 0 is not there
  kRefused,      ///< libseccomp refuses the rule (EEXIST): the runtime cannot load the profile at all
};
/// "dropped", "overridden", "always-true", "multiplexed", "refused".
std::string_view RuleFateName(RuleFate fate);

struct RuleEffect {
  RuleFate fate = RuleFate::kDropped;
  std::string syscall;  ///< the filter entry that holds the rule ("socketcall" for a multiplexed copy)
  size_t index = 0;     ///< into SyscallPolicy::added and ::sources
  EffectiveRule rule;   ///< as the runtime gives it to libseccomp
  RuleSource source;
  std::vector<ArgCondition> kept;  ///< the conditions libseccomp keeps (LibseccompConditions)
  /// A call of `syscall` the rule matches (its conditions hold), chosen where another verdict wins when there is
  /// such a call among the values the syscall's rules compare with; nullopt when no call matches the rule.
  std::optional<std::array<uint64_t, 6>> call;
  Verdict real;                  ///< what the filter returns for `call` (PolicyVerdict)
  std::optional<size_t> winner;  ///< the rule (index into added) that gives `real`; nullopt: the default action
  bool ambiguous = false;        ///< PolicyVerdict's answer depends on the BPF layout (see PolicyVerdict)
};

/// The rules of `name` on `arch` whose text misleads, in the runtime's order (a rule may appear under several
/// fates; a socketcall/ipc copy that the syscall's own rules cover is left out: it changes nothing). Empty when
/// every rule does what it says and when the syscall has no rules; when libseccomp refuses a rule (EEXIST), that
/// rule alone, as kRefused.
std::vector<RuleEffect> RuleEffects(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name);

/// Whether libseccomp builds the same rule tree for `name` on `arch` from both policies (the same comparisons
/// and actions for the syscall; a syscall without rules on both sides counts as the same; the default actions
/// are not compared). False when either side's rules are refused (EEXIST).
bool SameRuleTree(const EffectivePolicy& a, const EffectivePolicy& b, sys::ArchToken arch, const std::string& name);

/// The rule (index into SyscallPolicy::added) libseccomp refuses with EEXIST for `name` on `arch`, if any.
std::optional<size_t> RefusedRule(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name);

/// A call of `name` on `arch` on which the two policies' filters answer differently, searched among the calls
/// that the rules of either side match; nullopt when none was found there (which proves nothing).
struct Disagreement {
  std::array<uint64_t, 6> args{};
  Verdict a, b;
};
std::optional<Disagreement> FindDisagreement(const EffectivePolicy& a, const EffectivePolicy& b, sys::ArchToken arch,
                                             const std::string& name);

}  // namespace profilegen::profile
