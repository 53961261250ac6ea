#include "review/diff.h"

#include <algorithm>
#include <set>

#include "base/error.h"
#include "review/docker_default.h"
#include "review/target.h"

namespace profilegen::review {

using profile::EffectivePolicy;
using profile::EffectiveRule;
using profile::SyscallPolicy;
using profile::Verdict;

std::string_view ChangeKindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kChanged:
      return "changed";
  }
  return "changed";
}

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kWidened:
      return "widened";
    case Direction::kNarrowed:
      return "narrowed";
    case Direction::kOther:
      return "changed";
  }
  return "changed";
}

std::string_view ArchStatusName(ArchStatus s) {
  switch (s) {
    case ArchStatus::kBoth:
      return "both";
    case ArchStatus::kAdded:
      return "added";
    case ArchStatus::kRemoved:
      return "removed";
  }
  return "both";
}

std::string Treatment::Describe() const {
  if (!in_filter) return "arch not in filter";
  if (by_default) return "default " + DescribeVerdict(fallthrough);
  SyscallPolicy p{rules};
  return DescribePolicy(&p, fallthrough);
}

bool DiffResult::DefaultWidened() const {
  return DefaultChanged() && VerdictAllows(new_default) && !VerdictAllows(old_default);
}

bool DiffResult::Identical() const {
  if (old_off || new_off) return old_off == new_off;
  return !DefaultChanged() && arches.empty();
}

DiffCounts DiffResult::Counts() const {
  // Per syscall name, not per arch: read added on amd64, x86 and x32 is one added syscall.
  DiffCounts c;
  std::set<std::string> added, removed, changed, widened, risky;
  for (const auto& a : arches) {
    if (a.status == ArchStatus::kAdded) ++c.arches_added;
    if (a.status == ArchStatus::kRemoved) ++c.arches_removed;
    for (const auto& s : a.syscalls) {
      if (s.kind == ChangeKind::kAdded) added.insert(s.name);
      if (s.kind == ChangeKind::kRemoved) removed.insert(s.name);
      if (s.kind == ChangeKind::kChanged) changed.insert(s.name);
      if (s.direction == Direction::kWidened) widened.insert(s.name);
      if (s.risk) risky.insert(s.name);
    }
  }
  c.added = added.size();
  c.removed = removed.size();
  c.changed = changed.size();
  c.widened = widened.size();
  c.risky = risky.size();
  return c;
}

namespace {

Treatment MakeTreatment(const profile::ArchPolicy* arch, const std::string& name, const Verdict& fallthrough,
                        const std::map<std::string, profile::Origin>& origins) {
  Treatment t;
  t.fallthrough = fallthrough;
  if (!arch) {
    t.in_filter = false;
    t.allowance = Allowance::kNever;
    return t;
  }
  auto it = arch->syscalls.find(name);
  if (it == arch->syscalls.end() || it->second.rules.empty()) {
    t.rules = {EffectiveRule{fallthrough, {}}};
    t.allowance = AllowanceOf(nullptr, fallthrough);
    return t;
  }
  t.by_default = false;
  t.rules = it->second.rules;
  t.allowance = AllowanceOf(&it->second, fallthrough);
  if (t.allowance != Allowance::kNever) t.origin = profile::OriginOf(origins, name);
  return t;
}

// The rules of one side that let calls through, and those that stop them; conditional rules fall through to
// the default, which counts as one more (unconditional) rule.
void SplitRules(const Treatment& t, std::set<EffectiveRule>& allow, std::set<EffectiveRule>& deny) {
  for (const auto& r : t.rules) (VerdictAllows(r.verdict) ? allow : deny).insert(r);
  if (!t.by_default && !(t.rules.size() == 1 && t.rules[0].conditions.empty())) {
    EffectiveRule fall{t.fallthrough, {}};
    (VerdictAllows(t.fallthrough) ? allow : deny).insert(fall);
  }
}

Direction DirectionOf(const Treatment& before, const Treatment& after) {
  if (after.allowance > before.allowance) return Direction::kWidened;
  if (after.allowance < before.allowance) return Direction::kNarrowed;
  if (after.allowance != Allowance::kConditional) return Direction::kOther;
  std::set<EffectiveRule> allow_b, deny_b, allow_a, deny_a;
  SplitRules(before, allow_b, deny_b);
  SplitRules(after, allow_a, deny_a);
  auto subset = [](const std::set<EffectiveRule>& x, const std::set<EffectiveRule>& y) {
    return std::includes(y.begin(), y.end(), x.begin(), x.end());
  };
  if (subset(allow_b, allow_a) && subset(deny_a, deny_b)) return Direction::kWidened;
  if (subset(allow_a, allow_b) && subset(deny_b, deny_a)) return Direction::kNarrowed;
  return Direction::kOther;
}

bool SameBehaviour(const Treatment& a, const Treatment& b) {
  if (a.in_filter != b.in_filter) return false;
  if (!a.in_filter) return true;
  bool a_single = a.rules.size() == 1 && a.rules[0].conditions.empty();
  bool b_single = b.rules.size() == 1 && b.rules[0].conditions.empty();
  if (a_single && b_single) return a.rules[0].verdict == b.rules[0].verdict;
  // Conditional rules: the same rules; a different fall-through is reported once, as the default change.
  return a.rules == b.rules;
}

std::optional<RiskInfo> RiskOf(sys::ArchToken arch, const std::string& name, const Treatment& t) {
  if (!t.in_filter) return std::nullopt;
  if (t.by_default) return AssessRisk(arch, name, nullptr, t.fallthrough);
  SyscallPolicy p{t.rules};
  return AssessRisk(arch, name, &p, t.fallthrough);
}

Allowance DockerAllowance(const EffectivePolicy& docker, sys::ArchToken arch, const std::string& name) {
  auto a = docker.arches.find(arch);
  if (a == docker.arches.end()) return Allowance::kNever;
  auto s = a->second.syscalls.find(name);
  return AllowanceOf(s == a->second.syscalls.end() ? nullptr : &s->second, docker.default_verdict);
}

std::optional<SyscallChange> Compare(sys::ArchToken arch, const std::string& name, const Treatment& before,
                                     const Treatment& after, const EffectivePolicy& docker) {
  if (SameBehaviour(before, after)) return std::nullopt;
  SyscallChange c;
  c.name = name;
  c.before = before;
  c.after = after;
  c.direction = DirectionOf(before, after);
  if (before.allowance == Allowance::kNever && after.allowance != Allowance::kNever) {
    c.kind = ChangeKind::kAdded;
  } else if (before.allowance != Allowance::kNever && after.allowance == Allowance::kNever) {
    c.kind = ChangeKind::kRemoved;
  } else {
    c.kind = ChangeKind::kChanged;
  }
  // A change that may let more through carries the risk of what it lets through. A narrowing does not,
  // and neither does a change that leaves a syscall exactly as risky as it already was without widening it.
  if (c.direction == Direction::kWidened || (c.direction == Direction::kOther && !RiskOf(arch, name, before))) {
    c.risk = RiskOf(arch, name, after);
  }
  c.docker = DockerAllowance(docker, arch, name);
  return c;
}

std::vector<sys::ArchToken> ArchOrder(const EffectivePolicy& a, const EffectivePolicy& b, sys::ArchToken host) {
  std::vector<sys::ArchToken> all;
  for (const auto& [arch, _] : a.arches) all.push_back(arch);
  for (const auto& [arch, _] : b.arches) all.push_back(arch);
  return OrderArches(std::move(all), host);
}

}  // namespace

DiffResult DiffPolicies(const EffectivePolicy& old_policy, const EffectivePolicy& new_policy,
                        const profile::Target& target, const EffectivePolicy& docker, const DiffOrigins& origins) {
  DiffResult d;
  d.target = target;
  d.old_off = old_policy.seccomp_off;
  d.new_off = new_policy.seccomp_off;
  d.old_default = old_policy.default_verdict;
  d.new_default = new_policy.default_verdict;
  if (d.old_off || d.new_off) return d;  // nothing per syscall to compare against an unconfined side
  struct Seen {
    sys::ArchToken arch;
    Treatment before, after;
  };
  std::map<std::string, std::vector<Seen>> same_filter;
  for (sys::ArchToken arch : ArchOrder(old_policy, new_policy, target.arch)) {
    auto o = old_policy.arches.find(arch);
    auto n = new_policy.arches.find(arch);
    const profile::ArchPolicy* op = o == old_policy.arches.end() ? nullptr : &o->second;
    const profile::ArchPolicy* np = n == new_policy.arches.end() ? nullptr : &n->second;
    ArchDiff ad;
    ad.arch = arch;
    ad.status = !op ? ArchStatus::kAdded : !np ? ArchStatus::kRemoved : ArchStatus::kBoth;
    std::set<std::string> names;
    if (op) {
      for (const auto& [name, _] : op->syscalls) names.insert(name);
    }
    if (np) {
      for (const auto& [name, _] : np->syscalls) names.insert(name);
    }
    for (const auto& name : names) {
      Treatment before = MakeTreatment(op, name, d.old_default, origins.old_side);
      Treatment after = MakeTreatment(np, name, d.new_default, origins.new_side);
      auto change = Compare(arch, name, before, after, docker);
      // The rules as written decide nothing: the kernel runs what libseccomp builds from them.
      const bool same_tree = op && np && profile::SameRuleTree(old_policy, new_policy, arch, name);
      if (change && same_tree && ad.status == ArchStatus::kBoth) {
        same_filter[name].push_back({arch, before, after});
        continue;
      }
      if (!change && op && np && !same_tree) {
        // The same rules as far as their text goes: the tree may give another winner, or be refused.
        std::string note;
        const bool old_refused = profile::RefusedRule(old_policy, arch, name).has_value();
        const bool new_refused = profile::RefusedRule(new_policy, arch, name).has_value();
        if (old_refused != new_refused) {
          note = std::string("libseccomp refuses the ") + (new_refused ? "new" : "old") + " profile's rules for " +
                 name + " (EEXIST): the runtime cannot load that profile";
        } else if (profile::FindDisagreement(old_policy, new_policy, arch, name)) {
          note = "the same rules in another order: libseccomp's rule tree picks another winner";
        }
        if (!note.empty()) {
          change = SyscallChange{};
          change->name = name;
          change->before = before;
          change->after = after;
          change->kind = ChangeKind::kChanged;
          change->direction = Direction::kOther;
          change->docker = DockerAllowance(docker, arch, name);
          change->kernel_note = note;
        }
      }
      if (!change) continue;
      // A call the two filters answer differently, where the rules' text leaves it open: conditional rules.
      auto conditional = [](const Treatment& t) {
        return !t.by_default && !(t.rules.size() == 1 && t.rules[0].conditions.empty());
      };
      if (op && np && (conditional(before) || conditional(after))) {
        change->witness = profile::FindDisagreement(old_policy, new_policy, arch, name);
      }
      // An arch that appears or disappears: list what it allows, not every errno rule it carries.
      if (ad.status != ArchStatus::kBoth && change->kind == ChangeKind::kChanged) continue;
      ad.syscalls.push_back(std::move(*change));
    }
    if (ad.status != ArchStatus::kBoth || !ad.syscalls.empty()) d.arches.push_back(std::move(ad));
  }
  for (auto& [name, seen] : same_filter) {
    SameFilter sf{name, {}, seen.front().before, seen.front().after};
    for (const auto& s : seen) sf.arches.push_back(s.arch);
    d.same_filter.push_back(std::move(sf));
  }
  return d;
}

DiffResult DiffProfiles(const profile::Profile& old_profile, const profile::Profile& new_profile,
                        const profile::Target& target) {
  DockerBaseline docker(target);
  return DiffPolicies(profile::Evaluate(old_profile, target), profile::Evaluate(new_profile, target), target,
                      docker.policy(), {profile::AllowedOrigins(old_profile), profile::AllowedOrigins(new_profile)});
}

profile::Origin ShownOrigin(const SyscallChange& change) {
  return change.kind == ChangeKind::kRemoved ? change.before.origin : change.after.origin;
}

FailOn ParseFailOn(const std::string& s) {
  if (s == "added") return FailOn::kAdded;
  if (s == "risky") return FailOn::kRisky;
  if (s == "any") return FailOn::kAny;
  if (s == "never" || s.empty()) return FailOn::kNever;
  throw Error("--fail-on: unknown condition \"" + s + "\"; use added, risky or any", kExitUsage);
}

std::string_view FailOnName(FailOn f) {
  switch (f) {
    case FailOn::kNever:
      return "never";
    case FailOn::kAdded:
      return "added";
    case FailOn::kRisky:
      return "risky";
    case FailOn::kAny:
      return "any";
  }
  return "never";
}

bool GateFails(const DiffResult& diff, FailOn fail_on) {
  const DiffCounts c = diff.Counts();
  const bool everything_opened = diff.SeccompSwitchedOff() || diff.DefaultWidened();
  switch (fail_on) {
    case FailOn::kNever:
      return false;
    case FailOn::kAny:
      return !diff.Identical();
    case FailOn::kAdded:
      return everything_opened || c.added > 0;
    case FailOn::kRisky:
      return everything_opened || c.risky > 0;
  }
  return false;
}

}  // namespace profilegen::review
