#include "profile/effective.h"

#include <algorithm>
#include <cstdio>

#include "profile/libseccomp_tree.h"

namespace profilegen::profile {

std::string Verdict::ToString() const {
  std::string s(ActionName(action));
  if (ActionTakesErrno(action)) s += "(" + std::to_string(errno_ret) + ")";
  return s;
}

std::optional<uint64_t> EngineErrno(std::optional<uint64_t> errno_ret, const std::optional<std::string>& podman_errno,
                                    Engine engine) {
  // podman: the errno string wins over the number (containers/common getErrno);
  // Docker never reads it.
  if (engine == Engine::kPodman && podman_errno && !podman_errno->empty()) {
    if (auto p = ErrnoFromString(*podman_errno)) return p;
  }
  return errno_ret;
}

namespace {

// The errno an ERRNO/TRACE verdict carries for the engine; runc defaults to
// EPERM and libseccomp keeps 16 bits.
Verdict VerdictFor(Engine engine, Action action, std::optional<uint64_t> errno_ret,
                   const std::optional<std::string>& podman_errno) {
  Verdict v{action, 0};
  if (!ActionTakesErrno(action)) return v;
  v.errno_ret = EngineErrno(errno_ret, podman_errno, engine).value_or(1) & 0xffff;
  return v;
}

}  // namespace

Verdict DefaultVerdict(const Profile& p, Engine engine) {
  return VerdictFor(engine, p.default_action.value_or(Action::kErrno), p.default_errno_ret, p.podman_default_errno);
}

Verdict RuleVerdict(const Rule& r, Engine engine) { return VerdictFor(engine, r.action, r.errno_ret, r.podman_errno); }

std::optional<Multiplexed> MultiplexedCall(sys::ArchToken arch, std::string_view name) {
  // libseccomp's pseudo numbers: -100 - SYS_xxx for the socketcall family, -200
  // - call for the ipc family.
  const int64_t nr = sys::LibseccompNumber(arch, name);
  std::string mux;
  uint64_t call = 0;
  if (nr <= -101 && nr >= -199) {
    mux = "socketcall";
    call = static_cast<uint64_t>(-100 - nr);
  } else if (nr <= -201 && nr >= -299) {
    mux = "ipc";
    call = static_cast<uint64_t>(-200 - nr);
  } else {
    return std::nullopt;
  }
  if (sys::Resolve(arch, mux).status != sys::NameStatus::kPresent) return std::nullopt;
  return Multiplexed{mux, call};
}

std::vector<ArgCondition> MultiplexedConditions(const Multiplexed& mux, const std::vector<ArgCondition>& conditions) {
  std::vector<ArgCondition> out{{0, mux.call, 0, Op::kEq}};
  for (const auto& c : conditions) {
    if (c.index != 0) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::vector<ArgCondition>> ConditionSets(const std::vector<ArgCondition>& args) {
  std::set<uint32_t> indexes;
  bool repeated = false;
  for (const auto& a : args) repeated |= !indexes.insert(a.index).second;
  std::vector<std::vector<ArgCondition>> sets;
  if (repeated) {
    for (const auto& a : args) sets.push_back({a});
  } else {
    sets.push_back(args);
    std::sort(sets.back().begin(), sets.back().end());
  }
  return sets;
}

bool ConditionHolds(const ArgCondition& c, uint64_t arg, bool arch32) {
  uint64_t value = c.value, two = c.value_two;
  if (arch32) {
    arg &= 0xffffffffu;
    value &= 0xffffffffu;
    two &= 0xffffffffu;
  }
  switch (c.op) {
    case Op::kNe: return arg != value;
    case Op::kLt: return arg < value;
    case Op::kLe: return arg <= value;
    case Op::kEq: return arg == value;
    case Op::kGe: return arg >= value;
    case Op::kGt: return arg > value;
    case Op::kMaskedEq: return (arg & value) == (two & value);  // libseccomp masks the value too
  }
  return false;
}

Verdict PolicyVerdict(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name,
                      const uint64_t (&args)[6], bool* ambiguous) {
  if (ambiguous) *ambiguous = false;
  if (policy.seccomp_off) return Verdict{Action::kAllow, 0};
  auto a = policy.arches.find(arch);
  if (a == policy.arches.end()) return Verdict{Action::kKillThread, 0};  // libseccomp's bad-arch action
  if (a->second.number_unloaded) return policy.default_verdict;
  auto s = a->second.syscalls.find(name);
  if (s == a->second.syscalls.end()) return policy.default_verdict;
  LibseccompChains chains(sys::Is32Bit(arch));
  for (const EffectiveRule& r : s->second.added) {
    if (!chains.Add(r.conditions, r.verdict)) {
      if (ambiguous) *ambiguous = true;  // EEXIST: no filter is loaded at all
      return policy.default_verdict;
    }
  }
  bool unsure = false;
  const std::optional<Verdict> decided = chains.Decide(args, &unsure);
  if (unsure && ambiguous) *ambiguous = true;
  return decided.value_or(policy.default_verdict);
}

namespace {

std::string EntryPath(size_t i) { return "syscalls[" + std::to_string(i) + "]"; }

}  // namespace

std::string RuleSource::Path() const {
  return EntryPath(entry) + ".names[" + std::to_string(name_index) + "]";
}

namespace {

// Collects notes once each, whatever the number of arches they happen on.
class Notes {
 public:
  explicit Notes(std::vector<Diagnostic>& out) : out_(out) {}
  void Add(Severity s, std::string path, std::string message) {
    if (seen_.emplace(path, message).second) out_.push_back({s, std::move(path), std::move(message)});
  }

 private:
  std::vector<Diagnostic>& out_;
  std::set<std::pair<std::string, std::string>> seen_;
};

struct Placed {
  size_t entry;  // where the rule came from, for notes
};

// One arch's rules as libseccomp keeps them while runc adds them in profile order.
class ArchBuilder {
 public:
  ArchBuilder(ArchPolicy& policy, Notes& notes, bool arch32) : policy_(policy), notes_(notes), arch32_(arch32) {}

  // `quiet`: a rule libseccomp derives itself (i386 socketcall/ipc multiplexing) merges silently: the notes would
  // describe libseccomp's bookkeeping, not the profile.
  void Add(const std::string& name, const std::string& path, const RuleSource& source, const EffectiveRule& given,
           bool quiet = false) {
    const size_t entry = source.entry;
    std::vector<Diagnostic> discard;
    Notes quiet_notes(discard);
    Notes& notes = quiet ? quiet_notes : notes_;
    SyscallPolicy& sp = policy_.syscalls[name];
    sp.added.push_back(given);
    sp.sources.push_back(source);
    // The rule as libseccomp keeps it: a MASKED_EQ with a zero mask always holds and is dropped.
    const EffectiveRule rule{given.verdict, LibseccompConditions(given.conditions, arch32_)};
    auto& origin = origins_[name];
    if (sp.Unconditional()) {
      // libseccomp: an existing unconditional rule wins over every later rule for the syscall.
      if (!(rule.conditions.empty() && rule.verdict == sp.rules[0].verdict)) {
        notes.Add(Severity::kWarning, path,
                   "libseccomp drops this rule for \"" + name + "\": the earlier unconditional rule in " +
                       EntryPath(origin.front()) + " (" + sp.rules[0].verdict.ToString() + ") wins");
      }
      return;
    }
    if (rule.conditions.empty()) {
      if (!sp.rules.empty()) {
        notes.Add(Severity::kWarning, path,
                   "this unconditional rule for \"" + name + "\" replaces the earlier conditional rules (from " +
                       EntryPath(origin.front()) + ")");
      }
      sp.rules = {rule};
      origin = {entry};
      return;
    }
    for (size_t k = 0; k < sp.rules.size(); ++k) {
      if (sp.rules[k].conditions != rule.conditions) continue;
      if (sp.rules[k].verdict != rule.verdict) {
        notes.Add(Severity::kError, path,
                   "\"" + name + "\" has the same conditions as " + EntryPath(origin[k]) +
                       " with a different action (" + sp.rules[k].verdict.ToString() + " there, " +
                       rule.verdict.ToString() +
                       " here): libseccomp fails with EEXIST and runc cannot load the profile");
      }
      return;  // the same rule twice: libseccomp keeps one
    }
    sp.rules.push_back(rule);
    origin.push_back(entry);
  }

  void Finish() {
    for (auto& [name, sp] : policy_.syscalls) std::sort(sp.rules.begin(), sp.rules.end());
  }

 private:
  ArchPolicy& policy_;
  Notes& notes_;
  bool arch32_;
  std::map<std::string, std::vector<size_t>> origins_;  // parallel to each syscall's rules
};

// libseccomp 2.5.4 (gen_bpf.c _gen_bpf_syscalls) loads the syscall number in an arch's section only in the block
// of its first entry, the one of highest priority (fewest tree nodes; ties: lowest unsigned number first, so real
// syscalls before pseudo numbers). Entries under pseudo numbers (an i386 socket- or ipc-family name without a
// direct call, such as semop) are then left out of the BPF: when one of them is first, nothing loads the number
// and every comparison of the section reads the arch instead. x86_64 and x32 load it in their ABI check.
// Returns the pseudo entry that comes first, if one does.
std::optional<std::string> NumberUnloaded(const ArchPolicy& arch_policy,
                                          const std::map<std::string, std::vector<EffectiveRule>>& pseudo,
                                          sys::ArchToken arch) {
  const auto info = sys::ArchByToken(arch);
  if (pseudo.empty() || !info || info->scmp == "SCMP_ARCH_X86_64" || info->scmp == "SCMP_ARCH_X32") return std::nullopt;
  const bool arch32 = sys::Is32Bit(arch);
  auto priority = [&](const std::vector<EffectiveRule>& rules) -> std::optional<unsigned> {
    LibseccompChains chains(arch32);
    for (const auto& r : rules) {
      if (!chains.Add(r.conditions, r.verdict)) return std::nullopt;  // EEXIST: no filter at all
    }
    return chains.Priority();
  };
  std::optional<unsigned> real_best, pseudo_best;
  std::string first;
  for (const auto& [name, sp] : arch_policy.syscalls) {
    auto p = priority(sp.added);
    if (!p) return std::nullopt;
    if (!real_best || *p > *real_best) real_best = p;
  }
  for (const auto& [name, rules] : pseudo) {
    auto p = priority(rules);
    if (!p) return std::nullopt;
    if (!pseudo_best || *p > *pseudo_best) {
      pseudo_best = p;
      first = name;
    }
  }
  if (pseudo_best && (!real_best || *pseudo_best > *real_best)) return first;
  return std::nullopt;
}

}  // namespace

EffectivePolicy Evaluate(const Profile& profile, const Target& target_in) {
  const Target target = ResolveTarget(target_in);
  EffectivePolicy out;
  Notes notes(out.notes);
  if (!profile.default_action) {
    // Docker and podman: no defaultAction and no syscalls -> no seccomp at all.
    out.seccomp_off = true;
    if (!profile.syscalls.empty()) {
      notes.Add(Severity::kError, "defaultAction", "missing defaultAction: runc rejects this profile");
    }
    return out;
  }
  out.default_verdict =
      VerdictFor(target.engine, *profile.default_action, profile.default_errno_ret, profile.podman_default_errno);

  const std::vector<sys::ArchToken> arches = FilterArches(profile, target);

  // Which entries survive includes/excludes and runc's skipping, with the libseccomp rules they add.
  struct Candidate {
    size_t entry;
    std::vector<EffectiveRule> rules;
  };
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < profile.syscalls.size(); ++i) {
    const Rule& rule = profile.syscalls[i];
    if (target.engine == Engine::kPodman && (!rule.includes.min_kernel.empty() || !rule.excludes.min_kernel.empty())) {
      notes.Add(Severity::kWarning, EntryPath(i), "podman ignores minKernel: this entry does not depend on the kernel");
    }
    if (!RuleApplies(rule, target)) continue;
    const Verdict verdict = VerdictFor(target.engine, rule.action, rule.errno_ret, rule.podman_errno);
    if (verdict == out.default_verdict) {
      notes.Add(Severity::kWarning, EntryPath(i),
                "runc skips this entry: its action equals the default action (" + verdict.ToString() + ")");
      continue;
    }
    Candidate c{i, {}};
    if (rule.args.empty()) {
      c.rules.push_back({verdict, {}});
    } else {
      for (auto& conds : ConditionSets(rule.args)) c.rules.push_back({verdict, std::move(conds)});
    }
    candidates.push_back(std::move(c));
  }

  for (sys::ArchToken arch : arches) {
    std::map<std::string, std::vector<EffectiveRule>> pseudo;  // entries under libseccomp's pseudo numbers
    ArchBuilder builder(out.arches[arch], notes, sys::Is32Bit(arch));
    for (const auto& c : candidates) {
      const Rule& rule = profile.syscalls[c.entry];
      for (size_t j = 0; j < rule.names.size(); ++j) {
        const std::string& name = rule.names[j];
        const std::string path = EntryPath(c.entry) + ".names[" + std::to_string(j) + "]";
        auto r = sys::Resolve(arch, name);
        if (r.status == sys::NameStatus::kUnknown) {
          notes.Add(Severity::kWarning, path,
                    "runc skips \"" + name + "\": the libseccomp on this machine does not know it");
          continue;
        }
        if (r.status == sys::NameStatus::kPresent) {
          for (const auto& er : c.rules) builder.Add(name, path, {c.entry, name, j, false, er.conditions}, er);
        } else if (MultiplexedCall(arch, name)) {
          // libseccomp keeps an entry under the pseudo number: no BPF of its own, but it takes part in the
          // order of the entries.
          for (const auto& er : c.rules) pseudo[name].push_back(er);
        }  // else: not a syscall on this arch, no BPF for it
        if (auto mux = MultiplexedCall(arch, name)) {
          // libseccomp also adds the multiplexed form: the call number replaces the condition on argument 0.
          for (const auto& er : c.rules)
            builder.Add(mux->syscall, path, {c.entry, name, j, true, er.conditions},
                        {er.verdict, MultiplexedConditions(*mux, er.conditions)}, true);
        }
      }
    }
    builder.Finish();
    if (auto first = NumberUnloaded(out.arches[arch], pseudo, arch)) {
      out.arches[arch].number_unloaded = true;
      const std::string label = sys::ArchLabel(arch);
      notes.Add(Severity::kWarning, "",
                "libseccomp 2.5.4 orders the pseudo-syscall entry for \"" + *first + "\" (no direct " + label +
                    " call) first in the " + label +
                    " section of the filter and then never loads the syscall number there: every " + label +
                    " call gets the default action (linear layout: crun, runc 1.1; runc 1.2's binary tree past 32 names loads it)");
    }
  }
  return out;
}

}  // namespace profilegen::profile
