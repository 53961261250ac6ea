#include "profile/effective.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

namespace profilegen::profile {

const std::set<std::string>& DefaultCaps() {
  // moby's oci/caps DefaultCapabilities().
  static const std::set<std::string> caps{
      "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",    "CAP_AUDIT_WRITE",
  };
  return caps;
}

const std::set<std::string>& AllCaps() {
  // linux/capability.h, 0 (CAP_CHOWN) to 40 (CAP_CHECKPOINT_RESTORE).
  static const std::set<std::string> caps{
      "CAP_CHOWN",
      "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH",
      "CAP_FOWNER",
      "CAP_FSETID",
      "CAP_KILL",
      "CAP_SETGID",
      "CAP_SETUID",
      "CAP_SETPCAP",
      "CAP_LINUX_IMMUTABLE",
      "CAP_NET_BIND_SERVICE",
      "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN",
      "CAP_NET_RAW",
      "CAP_IPC_LOCK",
      "CAP_IPC_OWNER",
      "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE",
      "CAP_SYS_PACCT",
      "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT",
      "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE",
      "CAP_SYS_TIME",
      "CAP_SYS_TTY_CONFIG",
      "CAP_MKNOD",
      "CAP_LEASE",
      "CAP_AUDIT_WRITE",
      "CAP_AUDIT_CONTROL",
      "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN",
      "CAP_SYSLOG",
      "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ",
      "CAP_PERFMON",
      "CAP_BPF",
      "CAP_CHECKPOINT_RESTORE",
  };
  return caps;
}

Target ResolveTarget(Target t) {
  if (t.arch == 0) t.arch = sys::HostArch();
  if (t.kernel_major == 0 && t.kernel_minor == 0) {
    struct utsname u {};
    int major = 0, minor = 0;
    if (uname(&u) == 0 && std::sscanf(u.release, "%d.%d", &major, &minor) == 2) {
      t.kernel_major = major;
      t.kernel_minor = minor;
    }
  }
  return t;
}

namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// "X.Y" -> (X, Y); a malformed value (the parser reports it) never matches.
std::optional<std::pair<int, int>> ParseMinKernel(const std::string& s) {
  int major = 0, minor = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%d.%d%c", &major, &minor, &tail) != 2) return std::nullopt;
  return std::pair{major, minor};
}

bool KernelAtLeast(const Target& t, const std::string& min_kernel) {
  auto v = ParseMinKernel(min_kernel);
  if (!v) return false;
  return std::pair{t.kernel_major, t.kernel_minor} >= *v;
}

std::string NativeName(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  return info ? std::string(info->native) : std::string();
}

}  // namespace

bool RuleApplies(const Rule& rule, const Target& target) {
  // moby seccomp_linux.go: excludes first (any match skips), then includes (every part must match).
  const std::string arch = NativeName(target.arch);
  const bool kernel_filter = target.engine == Engine::kDocker;  // podman's Filter has no minKernel
  const Filter& ex = rule.excludes;
  if (!ex.arches.empty() && Contains(ex.arches, arch)) return false;
  for (const auto& cap : ex.caps) {
    if (target.caps.count(cap)) return false;
  }
  if (kernel_filter && !ex.min_kernel.empty() && KernelAtLeast(target, ex.min_kernel)) return false;
  const Filter& in = rule.includes;
  if (!in.arches.empty() && !Contains(in.arches, arch)) return false;
  for (const auto& cap : in.caps) {
    if (!target.caps.count(cap)) return false;
  }
  if (kernel_filter && !in.min_kernel.empty() && !KernelAtLeast(target, in.min_kernel)) return false;
  return true;
}

std::vector<sys::ArchToken> FilterArches(const Profile& profile, const Target& target) {
  const sys::ArchToken host = target.arch ? target.arch : sys::HostArch();
  // seccomp_init always covers the native arch; the profile's arches are added to it.
  std::vector<sys::ArchToken> out{host};
  auto add = [&](const std::string& name) {
    std::optional<sys::ArchInfo> info;
    if (name == "SCMP_ARCH_NATIVE") {
      if (target.engine == Engine::kPodman) info = sys::ArchByToken(host);
    } else {
      info = sys::ArchByScmpName(name);
    }
    if (info && std::find(out.begin(), out.end(), info->token) == out.end()) out.push_back(info->token);
  };
  for (const auto& a : profile.architectures) add(a);
  auto host_info = sys::ArchByToken(host);
  for (const auto& entry : profile.arch_map) {
    if (host_info && entry.architecture == host_info->scmp) {
      add(entry.architecture);
      for (const auto& sub : entry.sub_architectures) add(sub);
    }
  }
  return out;
}

std::string Verdict::ToString() const {
  std::string s(ActionName(action));
  if (ActionTakesErrno(action)) s += "(" + std::to_string(errno_ret) + ")";
  return s;
}

namespace {

// podman's filter arch map knows fewer hosts than moby's (containers/common nativeToSeccomp).
bool PodmanMapsHost(sys::ArchToken host) {
  auto info = sys::ArchByToken(host);
  if (!info) return false;
  for (std::string_view a : {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
                             "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_S390X"}) {
    if (info->scmp == a) return true;
  }
  return false;
}

// The errno an ERRNO/TRACE verdict carries for the engine: podman's string wins over the number; runc defaults to
// EPERM and libseccomp keeps 16 bits.
Verdict VerdictFor(Engine engine, Action action, std::optional<uint64_t> errno_ret,
                   const std::optional<std::string>& podman_errno) {
  Verdict v{action, 0};
  if (!ActionTakesErrno(action)) return v;
  uint64_t e = errno_ret.value_or(1);
  if (engine == Engine::kPodman && podman_errno && !podman_errno->empty()) {
    if (auto p = ErrnoFromString(*podman_errno)) e = *p;
  }
  v.errno_ret = e & 0xffff;
  return v;
}

std::string EntryPath(size_t i) { return "syscalls[" + std::to_string(i) + "]"; }

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
  ArchBuilder(ArchPolicy& policy, Notes& notes) : policy_(policy), notes_(notes) {}

  void Add(const std::string& name, const std::string& path, size_t entry, const EffectiveRule& rule) {
    SyscallPolicy& sp = policy_.syscalls[name];
    auto& origin = origins_[name];
    if (sp.Unconditional()) {
      // libseccomp: an existing unconditional rule wins over every later rule for the syscall.
      if (!(rule.conditions.empty() && rule.verdict == sp.rules[0].verdict)) {
        notes_.Add(Severity::kWarning, path,
                   "libseccomp drops this rule for \"" + name + "\": the earlier unconditional rule in " +
                       EntryPath(origin.front()) + " (" + sp.rules[0].verdict.ToString() + ") wins");
      }
      return;
    }
    if (rule.conditions.empty()) {
      if (!sp.rules.empty()) {
        notes_.Add(Severity::kWarning, path,
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
        notes_.Add(Severity::kError, path,
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
  std::map<std::string, std::vector<size_t>> origins_;  // parallel to each syscall's rules
};

// runc's matchCall: no repeated index -> one ANDed rule; any repeated index -> one rule per condition (ORed).
std::vector<std::vector<ArgCondition>> RuncConditionSets(const std::vector<ArgCondition>& args) {
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

  Profile effective_input = profile;
  if (target.engine == Engine::kPodman && !PodmanMapsHost(target.arch)) effective_input.arch_map.clear();
  const std::vector<sys::ArchToken> arches = FilterArches(effective_input, target);

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
      for (auto& conds : RuncConditionSets(rule.args)) c.rules.push_back({verdict, std::move(conds)});
    }
    candidates.push_back(std::move(c));
  }

  for (sys::ArchToken arch : arches) {
    ArchBuilder builder(out.arches[arch], notes);
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
        if (r.status == sys::NameStatus::kAbsent) continue;  // not a syscall on this arch: no BPF for it
        for (const auto& er : c.rules) builder.Add(name, path, c.entry, er);
      }
    }
    builder.Finish();
  }
  return out;
}

}  // namespace profilegen::profile
