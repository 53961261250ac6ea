// What each rule of a syscall really does in the rule tree libseccomp builds: see rule_effect.h. Every answer
// comes from the tree model (LibseccompChains) and PolicyVerdict; nothing here decides which rule covers which.
#include "profile/rule_effect.h"

#include <algorithm>
#include <set>

#include "profile/libseccomp_tree.h"

namespace profilegen::profile {

std::string_view RuleFateName(RuleFate fate) {
  switch (fate) {
    case RuleFate::kDropped: return "dropped";
    case RuleFate::kOverridden: return "overridden";
    case RuleFate::kAlwaysTrue: return "always-true";
    case RuleFate::kMultiplexed: return "multiplexed";
    case RuleFate::kRefused: return "refused";
  }
  return "dropped";
}

namespace {

using Call = std::array<uint64_t, 6>;

constexpr size_t kMaxCalls = 256;  // candidate calls tried per rule

// The tree libseccomp builds from the rules (all but `skip`), nullopt when it refuses one (EEXIST; `refused`
// then says which).
std::optional<std::string> TreeShape(const std::vector<EffectiveRule>& rules, bool arch32,
                                     std::optional<size_t> skip = std::nullopt, size_t* refused = nullptr) {
  LibseccompChains chains(arch32);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (skip && *skip == i) continue;
    if (!chains.Add(rules[i].conditions, rules[i].verdict)) {
      if (refused) *refused = i;
      return std::nullopt;
    }
  }
  return chains.Shape();
}

const SyscallPolicy* Find(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name) {
  auto a = policy.arches.find(arch);
  if (a == policy.arches.end()) return nullptr;
  auto s = a->second.syscalls.find(name);
  return s == a->second.syscalls.end() ? nullptr : &s->second;
}

uint64_t Width(bool arch32) { return arch32 ? 0xffffffffULL : ~0ULL; }

// Values of an argument that satisfy `c` (the ones a reader would try first), possibly none.
std::vector<uint64_t> Satisfying(const ArgCondition& c, bool arch32) {
  const uint64_t w = Width(arch32);
  const uint64_t v = c.value & w;
  std::vector<uint64_t> tries;
  switch (c.op) {
    case Op::kEq:
    case Op::kLe:
    case Op::kGe: tries = {v}; break;
    case Op::kNe: tries = {(v + 1) & w, 0}; break;
    case Op::kLt: tries = {(v - 1) & w, 0}; break;
    case Op::kGt: tries = {(v + 1) & w}; break;
    case Op::kMaskedEq: tries = {c.value_two & c.value & w, c.value_two & w}; break;
  }
  tries.push_back(0);
  std::vector<uint64_t> out;
  for (uint64_t x : tries) {
    if (ConditionHolds(c, x, arch32) && std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  }
  return out;
}

bool Matches(const std::vector<ArgCondition>& conditions, const Call& call, bool arch32) {
  for (const auto& c : conditions) {
    if (!ConditionHolds(c, call[c.index], arch32)) return false;
  }
  return true;
}

// Calls the conditions match: each constrained argument takes a value that satisfies its conditions, each free
// one 0 or a value another rule of the syscall compares it with (`others`), so that overlaps are visited.
std::vector<Call> CallsMatching(const std::vector<ArgCondition>& conditions,
                                const std::vector<const std::vector<ArgCondition>*>& others, bool arch32) {
  std::vector<std::vector<uint64_t>> per_arg(6);
  for (uint32_t k = 0; k < 6; ++k) {
    std::vector<const ArgCondition*> own;
    for (const auto& c : conditions) {
      if (c.index == k) own.push_back(&c);
    }
    std::set<uint64_t> values;
    if (own.empty()) {
      values.insert(0);
      for (const auto* set : others) {
        for (const auto& c : *set) {
          if (c.index != k) continue;
          for (uint64_t x : Satisfying(c, arch32)) values.insert(x);
        }
      }
    } else {
      for (const auto* c : own) {
        for (uint64_t x : Satisfying(*c, arch32)) values.insert(x);
      }
      for (const auto* set : others) {
        for (const auto& c : *set) {
          if (c.index != k) continue;
          for (uint64_t x : Satisfying(c, arch32)) values.insert(x);
        }
      }
      std::erase_if(values, [&](uint64_t x) {
        return std::any_of(own.begin(), own.end(), [&](const ArgCondition* c) { return !ConditionHolds(*c, x, arch32); });
      });
      if (values.empty()) return {};  // no call matches
    }
    per_arg[k].assign(values.begin(), values.end());
  }
  std::vector<Call> out;
  Call call{};
  // Odometer over the values, argument 0 fastest; stops at kMaxCalls.
  std::vector<size_t> pos(6, 0);
  for (;;) {
    for (size_t k = 0; k < 6; ++k) call[k] = per_arg[k][pos[k]];
    if (Matches(conditions, call, arch32)) out.push_back(call);
    if (out.size() >= kMaxCalls) break;
    size_t k = 0;
    while (k < 6 && ++pos[k] == per_arg[k].size()) pos[k++] = 0;
    if (k == 6) break;
  }
  return out;
}

Verdict VerdictAt(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name, const Call& call,
                  bool* ambiguous) {
  uint64_t args[6];
  std::copy(call.begin(), call.end(), args);
  return PolicyVerdict(policy, arch, name, args, ambiguous);
}

}  // namespace

std::vector<RuleEffect> RuleEffects(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name) {
  const SyscallPolicy* sp = Find(policy, arch, name);
  if (!sp || policy.seccomp_off || policy.arches.at(arch).number_unloaded) return {};
  const bool arch32 = sys::Is32Bit(arch);
  const std::vector<EffectiveRule>& added = sp->added;
  size_t refused = 0;
  const std::optional<std::string> whole = TreeShape(added, arch32, std::nullopt, &refused);
  if (!whole) {  // EEXIST: the runtime cannot load the profile at all; nothing else matters
    RuleEffect e;
    e.fate = RuleFate::kRefused;
    e.syscall = name;
    e.index = refused;
    e.rule = added[refused];
    if (refused < sp->sources.size()) e.source = sp->sources[refused];
    e.kept = LibseccompConditions(e.rule.conditions, arch32);
    e.real = policy.default_verdict;
    return {e};
  }

  std::vector<bool> dropped(added.size(), false);
  std::vector<std::vector<ArgCondition>> kept(added.size());
  for (size_t i = 0; i < added.size(); ++i) {
    kept[i] = LibseccompConditions(added[i].conditions, arch32);
    if (added.size() > 1) {
      const std::optional<std::string> without = TreeShape(added, arch32, i);
      dropped[i] = without && *without == *whole;
    }
  }
  // The rule that gives `real` at `call`: one whose kept conditions hold there with that verdict, rules in the
  // filter before dropped ones, then the fewest conditions (the shorter chain covers), then the earliest.
  auto winner_at = [&](const Call& call, const Verdict& real, size_t self, bool self_allowed) -> std::optional<size_t> {
    std::optional<size_t> best;
    auto rank = [&](size_t j) { return std::make_tuple(dropped[j] ? 1 : 0, kept[j].size(), j); };
    for (size_t j = 0; j < added.size(); ++j) {
      if ((j == self && !self_allowed) || added[j].verdict != real || !Matches(kept[j], call, arch32)) continue;
      if (!best || rank(j) < rank(*best)) best = j;
    }
    return best;
  };

  std::vector<RuleEffect> out;
  for (size_t i = 0; i < added.size(); ++i) {
    const EffectiveRule& rule = added[i];
    const RuleSource source = i < sp->sources.size() ? sp->sources[i] : RuleSource{};
    // A socketcall/ipc copy libseccomp derives and then drops (the syscall's own rule covers it) changes nothing
    // the profile says.
    if (source.multiplexed && dropped[i]) continue;
    std::vector<const std::vector<ArgCondition>*> others;
    for (size_t j = 0; j < added.size(); ++j) {
      if (j != i) others.push_back(&added[j].conditions);
    }
    const std::vector<Call> calls = CallsMatching(rule.conditions, others, arch32);
    // The first call where another verdict wins, else the first call.
    std::optional<Call> shown;
    Verdict real = rule.verdict;
    bool ambiguous = false, other_wins = false;
    for (const Call& call : calls) {
      bool amb = false;
      const Verdict v = VerdictAt(policy, arch, name, call, &amb);
      if (!shown) {
        shown = call, real = v, ambiguous = amb;
      }
      if (v != rule.verdict && !amb) {
        shown = call, real = v, ambiguous = false, other_wins = true;
        break;
      }
    }
    auto make = [&](RuleFate fate) {
      RuleEffect e;
      e.fate = fate;
      e.syscall = name;
      e.index = i;
      e.rule = rule;
      e.source = source;
      e.kept = kept[i];
      e.call = shown;
      e.real = real;
      e.ambiguous = ambiguous;
      if (shown) e.winner = winner_at(*shown, real, i, fate != RuleFate::kDropped);
      return e;
    };
    if (dropped[i]) {
      out.push_back(make(RuleFate::kDropped));
    } else if (other_wins) {
      out.push_back(make(RuleFate::kOverridden));
    }
    const bool zero_mask = std::any_of(rule.conditions.begin(), rule.conditions.end(), [&](const ArgCondition& c) {
      return c.op == Op::kMaskedEq && (c.value & Width(arch32)) == 0;
    });
    if (zero_mask) out.push_back(make(RuleFate::kAlwaysTrue));
    if (source.multiplexed && !source.written.empty()) out.push_back(make(RuleFate::kMultiplexed));
  }
  return out;
}

std::optional<size_t> RefusedRule(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name) {
  const SyscallPolicy* sp = Find(policy, arch, name);
  if (!sp) return std::nullopt;
  size_t refused = 0;
  if (TreeShape(sp->added, sys::Is32Bit(arch), std::nullopt, &refused)) return std::nullopt;
  return refused;
}

bool SameRuleTree(const EffectivePolicy& a, const EffectivePolicy& b, sys::ArchToken arch, const std::string& name) {
  const SyscallPolicy* pa = Find(a, arch, name);
  const SyscallPolicy* pb = Find(b, arch, name);
  if (!pa || !pb) return !pa && !pb;
  const bool arch32 = sys::Is32Bit(arch);
  const auto sa = TreeShape(pa->added, arch32);
  const auto sb = TreeShape(pb->added, arch32);
  return sa && sb && *sa == *sb;
}

std::optional<Disagreement> FindDisagreement(const EffectivePolicy& a, const EffectivePolicy& b, sys::ArchToken arch,
                                             const std::string& name) {
  const bool arch32 = sys::Is32Bit(arch);
  std::vector<const std::vector<ArgCondition>*> sets;
  for (const EffectivePolicy* p : {&a, &b}) {
    if (const SyscallPolicy* sp = Find(*p, arch, name)) {
      for (const auto& r : sp->added) sets.push_back(&r.conditions);
    }
  }
  std::vector<Call> calls{Call{}};
  for (const auto* set : sets) {
    for (const Call& c : CallsMatching(*set, sets, arch32)) calls.push_back(c);
  }
  for (const Call& call : calls) {
    bool amb_a = false, amb_b = false;
    const Verdict va = VerdictAt(a, arch, name, call, &amb_a);
    const Verdict vb = VerdictAt(b, arch, name, call, &amb_b);
    if (!amb_a && !amb_b && va != vb) return Disagreement{call, va, vb};
  }
  return std::nullopt;
}

}  // namespace profilegen::profile
