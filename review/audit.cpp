#include "review/audit.h"

#include <algorithm>
#include <map>
#include <set>

#include "review/docker_default.h"
#include "review/target.h"

namespace profilegen::review {

using profile::Action;
using profile::SyscallPolicy;
using profile::Verdict;

namespace {

constexpr uint64_t kEnosys = 38;

std::string CompatNote(sys::ArchToken arch) {
  const std::string n = ArchNative(arch);
  if (n == "x86") {
    return "32-bit x86 ABI: reachable through int 0x80 even from 64-bit programs; drop it unless the image runs "
           "i386 binaries";
  }
  if (n == "x32") {
    return "x32 ABI: almost never used; its calls are never served by the kernel's action cache; drop it unless "
           "the image runs x32 binaries";
  }
  if (n == "arm") return "32-bit ARM ABI: drop it unless the image runs armhf binaries";
  return "compat ABI: drop it unless the image runs binaries built for it";
}

// The kernel's action cache is a per-arch bitmap of syscalls that reach RET_ALLOW without reading arguments.
// x32 numbers carry bit 30 and fall outside the bitmap, so nothing on x32 is cached.
bool Cacheable(sys::ArchToken arch, const SyscallPolicy* policy, const Verdict& def) {
  if (ArchNative(arch) == "x32") return false;
  if (!policy || policy->rules.empty()) return def.action == Action::kAllow;
  return policy->Unconditional() && policy->rules[0].verdict.action == Action::kAllow;
}

bool HasEnosysRule(const SyscallPolicy* policy) {
  if (!policy) return false;
  for (const auto& r : policy->rules) {
    if (r.verdict.action == Action::kErrno && r.verdict.errno_ret == kEnosys) return true;
  }
  return false;
}

// Findings merged over arches: same syscall, same treatment, same verdicts.
class Merger {
 public:
  void Add(sys::ArchToken arch, AuditFinding f) {
    std::string key = f.name + '\0' + f.treatment + '\0' + std::string(AllowanceName(f.docker));
    auto [it, inserted] = items_.try_emplace(key, std::move(f));
    it->second.arches.push_back(arch);
  }
  std::vector<AuditFinding> Take() {
    std::vector<AuditFinding> out;
    for (auto& [_, f] : items_) out.push_back(std::move(f));
    return out;
  }

 private:
  std::map<std::string, AuditFinding> items_;
};

class GuardMerger {
 public:
  void Add(sys::ArchToken arch, const std::string& name, bool present, const std::string& detail) {
    std::string key = std::string(present ? "1" : "0") + name + '\0' + detail;
    auto [it, inserted] = items_.try_emplace(key, GuardFinding{name, {}, present, detail});
    it->second.arches.push_back(arch);
  }
  std::vector<GuardFinding> Take() {
    std::vector<GuardFinding> out;
    for (auto& [_, g] : items_) out.push_back(std::move(g));
    return out;  // missing guards first (key "0..."), then present ones, each by name
  }

 private:
  std::map<std::string, GuardFinding> items_;
};

std::string ConditionsOf(const SyscallPolicy* p, const Verdict& def) { return DescribePolicy(p, def); }

void CheckGuards(sys::ArchToken arch, const std::string& name, const SyscallPolicy* p, const Verdict& def,
                 Allowance allowance, GuardMerger& guards) {
  if (name == "clone") {
    if (allowance == Allowance::kNever) return;
    if (ClonePermitsNamespaces(arch, p, def)) {
      guards.Add(arch, name, false,
                 "no namespace-flag guard: clone can create namespaces (CLONE_NEW* in arg" +
                     std::to_string(CloneFlagsArg(arch)) +
                     "); Docker allows it only with mask 0x7e020000 == 0 "
                     "unless CAP_SYS_ADMIN");
    } else {
      guards.Add(arch, name, true, "namespace flags ruled out: " + ConditionsOf(p, def));
    }
    return;
  }
  if (name == "clone3") {
    if (allowance != Allowance::kNever) {
      guards.Add(arch, name, false,
                 "cannot be guarded: its flags are in memory seccomp cannot read; Docker answers ENOSYS (unless "
                 "CAP_SYS_ADMIN) so that libcs fall back to clone, which can be guarded");
    } else if (HasEnosysRule(p)) {
      guards.Add(arch, name, true, "answers ENOSYS: libcs fall back to clone, where namespace flags are guarded");
    }
    return;
  }
  if (name == "personality" && allowance == Allowance::kAlways) {
    guards.Add(arch, name, false,
               "no persona guard: any execution domain, including READ_IMPLIES_EXEC; Docker allows only 0x0, 0x8, "
               "0x20000, 0x20008 and 0xffffffff (query)");
    return;
  }
  if (allowance == Allowance::kConditional) guards.Add(arch, name, true, ConditionsOf(p, def));
}

int CategoryOrder(const std::optional<RiskInfo>& r) { return r ? static_cast<int>(r->category) : 99; }

}  // namespace

AuditReport Audit(const profile::Profile& profile, const profile::Target& target) {
  AuditReport r;
  r.target = target;
  const profile::EffectivePolicy policy = profile::Evaluate(profile, target);
  for (const auto& n : policy.notes) r.notes.push_back((n.path.empty() ? "" : n.path + ": ") + n.message);
  r.seccomp_off = policy.seccomp_off;
  r.default_verdict = policy.default_verdict;
  if (r.seccomp_off) return r;
  const DockerBaseline docker(target);
  const Verdict& def = policy.default_verdict;
  const bool default_allows = VerdictAllows(def);

  std::vector<sys::ArchToken> order;
  for (const auto& [arch, _] : policy.arches) order.push_back(arch);
  order = OrderArches(std::move(order), target.arch);

  const std::map<std::string, profile::Origin> origins = profile::AllowedOrigins(profile);
  std::map<profile::Origin, std::set<std::string>> allowed_by_origin;
  Merger risky, beyond, enosys;
  GuardMerger guards;
  for (sys::ArchToken arch : order) {
    const profile::ArchPolicy& ap = policy.arches.at(arch);
    ArchAudit aa;
    aa.arch = arch;
    aa.native = arch == target.arch;
    if (!aa.native) aa.note = CompatNote(arch);
    const std::vector<std::string>& known = sys::NamesOn(arch);
    aa.names_on_arch = known.size();
    // With a denying default only the listed syscalls can get through; with an allowing one, every name can.
    std::vector<std::string> names;
    for (const auto& [name, _] : ap.syscalls) names.push_back(name);
    if (default_allows) {
      names.insert(names.end(), known.begin(), known.end());
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
    }
    for (const auto& name : names) {
      auto it = ap.syscalls.find(name);
      const SyscallPolicy* p = it == ap.syscalls.end() ? nullptr : &it->second;
      const Allowance allowance = AllowanceOf(p, def);
      if (allowance == Allowance::kAlways) ++aa.allowed;
      if (allowance == Allowance::kConditional) ++aa.conditional;
      if (Cacheable(arch, p, def)) ++aa.cacheable;
      AuditFinding f;
      f.name = name;
      f.allowance = allowance;
      f.docker = docker.Of(arch, name);
      f.treatment = DescribePolicy(p, def);
      f.risk = AssessRisk(arch, name, p, def);
      f.origin = profile::OriginOf(origins, name);
      if (p && allowance != Allowance::kNever) allowed_by_origin[f.origin].insert(name);
      if (f.risk) risky.Add(arch, f);
      if (allowance > f.docker) beyond.Add(arch, f);
      if (HasEnosysRule(p)) enosys.Add(arch, f);
      CheckGuards(arch, name, p, def, allowance, guards);
    }
    r.arches.push_back(aa);
  }
  r.rule_effects = RuleFindings(policy, order);
  r.risky = risky.Take();
  std::stable_sort(r.risky.begin(), r.risky.end(), [](const AuditFinding& a, const AuditFinding& b) {
    return CategoryOrder(a.risk) < CategoryOrder(b.risk);
  });
  r.beyond_docker = beyond.Take();
  r.enosys_probes = enosys.Take();
  r.guards = guards.Take();
  for (profile::Origin o : {profile::Origin::kObserved, profile::Origin::kRuntimeLayer,
                            profile::Origin::kReachableOnly, profile::Origin::kUnlabelled}) {
    auto it = allowed_by_origin.find(o);
    if (it != allowed_by_origin.end()) r.origins.push_back({o, {it->second.begin(), it->second.end()}});
  }
  return r;
}

}  // namespace profilegen::review
