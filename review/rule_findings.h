#pragma once
/// The rules of a profile that do not do what their text says once libseccomp has built the filter
/// (profile/rule_effect.h), judged for a reviewer: how much each one matters and which rule wins instead.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "profile/effective.h"
#include "profile/rule_effect.h"

namespace profilegen::review {

/// high: a rule meant to stop calls does not (a deny guard dropped or overridden by an ALLOW, a guard lost);
/// medium: the calls still stop, but differently or over a wider range than written; low: the filter refuses
/// more than written (fails closed); info: the rule is redundant, the kernel does what it says anyway.
enum class RuleSeverity { kHigh, kMedium, kLow, kInfo };
std::string_view RuleSeverityName(RuleSeverity s);  ///< "high", "medium", "low", "info"

struct RuleFinding {
  RuleSeverity severity = RuleSeverity::kInfo;
  profile::RuleFate fate = profile::RuleFate::kDropped;
  std::string syscall;                 ///< the filter entry ("socketcall" for a multiplexed copy)
  std::vector<sys::ArchToken> arches;  ///< where the same finding holds
  std::string rule;    ///< "syscalls[1].names[0] read: ERRNO(EPERM) if arg0 == 1 && arg1 == 2"
  std::string winner;  ///< "syscalls[0].names[0] read: ALLOW if arg0 == 1", "the default action ERRNO(EPERM)"
  std::string call;    ///< "read(1, 2)": a call the rule matches; empty when none does
  std::string real;    ///< what the kernel returns for `call` ("ALLOW")
  std::string effect;  ///< one sentence: what happens instead of what the text says
};

/// Every rule of the policy that misleads, merged over arches (in `arch_order`), most severe first.
std::vector<RuleFinding> RuleFindings(const profile::EffectivePolicy& policy,
                                      const std::vector<sys::ArchToken>& arch_order);

/// "syscalls[0].names[0] read: ALLOW if arg0 == 1".
std::string DescribeSourcedRule(const profile::RuleSource& source, const profile::EffectiveRule& rule);
/// "read(1, 2)": trailing zero arguments left out; values above 4095 in hex.
std::string DescribeCall(const std::string& name, const std::array<uint64_t, 6>& args);

}  // namespace profilegen::review
