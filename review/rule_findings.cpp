#include "review/rule_findings.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "review/policy.h"

namespace profilegen::review {

using profile::RuleEffect;
using profile::RuleFate;
using profile::Verdict;

std::string_view RuleSeverityName(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::kHigh: return "high";
    case RuleSeverity::kMedium: return "medium";
    case RuleSeverity::kLow: return "low";
    case RuleSeverity::kInfo: return "info";
  }
  return "info";
}

namespace {

std::string Conditions(const std::vector<profile::ArgCondition>& conditions) {
  std::string s;
  for (const auto& c : conditions) s += (s.empty() ? "" : " && ") + DescribeCondition(c);
  return s;
}

std::string Rule(const Verdict& v, const std::vector<profile::ArgCondition>& conditions) {
  return DescribeVerdict(v) + (conditions.empty() ? "" : " if " + Conditions(conditions));
}

RuleSeverity Judge(const RuleEffect& e) {
  const bool rule_allows = VerdictAllows(e.rule.verdict);
  switch (e.fate) {
    case RuleFate::kDropped:
    case RuleFate::kOverridden:
      if (e.real == e.rule.verdict) return RuleSeverity::kInfo;
      if (!rule_allows && VerdictAllows(e.real)) return RuleSeverity::kHigh;
      if (rule_allows) return RuleSeverity::kLow;
      return RuleSeverity::kMedium;
    case RuleFate::kAlwaysTrue:
      if (!rule_allows) return RuleSeverity::kLow;
      return e.kept.empty() ? RuleSeverity::kHigh : RuleSeverity::kMedium;
    case RuleFate::kMultiplexed:
      return rule_allows ? RuleSeverity::kHigh : RuleSeverity::kLow;
    case RuleFate::kRefused:
      return RuleSeverity::kHigh;  // nothing runs under the profile
  }
  return RuleSeverity::kInfo;
}

std::string Effect(const RuleEffect& e, const std::string& call, const std::string& winner) {
  const std::string gets = call.empty() ? std::string() : call + " gets " + DescribeVerdict(e.real) + " from " + winner;
  switch (e.fate) {
    case RuleFate::kDropped:
      return std::string(e.real == e.rule.verdict ? "redundant" : "never applied") +
             ": libseccomp builds the same filter without it" + (gets.empty() ? "" : "; " + gets);
    case RuleFate::kOverridden:
      return "overridden where it overlaps another rule: " + gets + ", not " + DescribeVerdict(e.rule.verdict);
    case RuleFate::kAlwaysTrue: {
      std::string s = "a MASKED_EQ with a zero mask always holds: libseccomp drops it";
      s += e.kept.empty() ? ", so the rule applies to every " + e.syscall + " call"
                          : ", so the rule applies whenever " + Conditions(e.kept);
      return s;
    }
    case RuleFate::kMultiplexed: {
      std::string s = "libseccomp also adds it to " + e.syscall + " as " + Rule(e.rule.verdict, e.kept) + ": " +
                      e.source.name + "'s own arguments are not checked there (" + e.syscall +
                      " passes them in memory)";
      return s + (gets.empty() ? "" : "; " + gets);
    }
    case RuleFate::kRefused:
      return "libseccomp refuses it (EEXIST: it conflicts with an earlier rule for " + e.syscall +
             " on the same arguments): the runtime cannot load the profile";
  }
  return {};
}

}  // namespace

std::string DescribeSourcedRule(const profile::RuleSource& source, const profile::EffectiveRule& rule) {
  const std::vector<profile::ArgCondition>& shown = source.multiplexed ? source.written : rule.conditions;
  return source.Path() + " " + source.name + ": " + Rule(rule.verdict, shown);
}

std::string DescribeCall(const std::string& name, const std::array<uint64_t, 6>& args) {
  size_t n = 6;
  while (n > 1 && args[n - 1] == 0) --n;
  std::string s = name + "(";
  for (size_t i = 0; i < n; ++i) {
    char buf[32];
    if (args[i] > 4095) {
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(args[i]));
    } else {
      std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(args[i]));
    }
    s += (i ? ", " : "") + std::string(buf);
  }
  return s + ")";
}

std::vector<RuleFinding> RuleFindings(const profile::EffectivePolicy& policy,
                                      const std::vector<sys::ArchToken>& arch_order) {
  if (policy.seccomp_off) return {};
  using Key = std::tuple<int, std::string, int, std::string, std::string, std::string>;
  std::map<Key, RuleFinding> merged;
  for (sys::ArchToken arch : arch_order) {
    auto a = policy.arches.find(arch);
    if (a == policy.arches.end()) continue;
    for (const auto& [name, sp] : a->second.syscalls) {
      const bool multiplexed = !sp.sources.empty() && sp.sources[0].multiplexed;
      if (sp.added.size() == 1 && !multiplexed &&
          std::none_of(sp.added[0].conditions.begin(), sp.added[0].conditions.end(),
                       [](const profile::ArgCondition& c) { return c.op == profile::Op::kMaskedEq; })) {
        continue;  // one plain rule does what it says
      }
      for (const RuleEffect& e : profile::RuleEffects(policy, arch, name)) {
        RuleFinding f;
        f.severity = Judge(e);
        f.fate = e.fate;
        f.syscall = name;
        f.rule = DescribeSourcedRule(e.source, e.rule);
        if (e.fate == RuleFate::kRefused) {
          f.winner = "none: no filter is loaded";
        } else if (e.winner) {
          f.winner = DescribeSourcedRule(sp.sources[*e.winner], sp.added[*e.winner]);
        } else {
          f.winner = "the default action " + DescribeVerdict(policy.default_verdict);
        }
        if (e.call) f.call = DescribeCall(name, *e.call);
        f.real = DescribeVerdict(e.real);
        f.effect = Effect(e, f.call, f.winner);
        Key key{static_cast<int>(f.severity), name, static_cast<int>(f.fate), f.rule, f.winner, f.effect};
        auto [it, inserted] = merged.try_emplace(key, std::move(f));
        it->second.arches.push_back(arch);
      }
    }
  }
  std::vector<RuleFinding> out;
  for (auto& [_, f] : merged) out.push_back(std::move(f));
  return out;
}

}  // namespace profilegen::review
