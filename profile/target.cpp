// The target a profile is read for, and which of its parts the engine reads for it: see target.h.
#include "profile/target.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace profilegen::profile {

const char* EngineName(Engine engine) { return engine == Engine::kPodman ? "podman" : "docker"; }

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

const Filter& IncludesFor(const Rule& rule, Engine engine) {
  return engine == Engine::kPodman && rule.podman_includes ? *rule.podman_includes : rule.includes;
}
const Filter& ExcludesFor(const Rule& rule, Engine engine) {
  return engine == Engine::kPodman && rule.podman_excludes ? *rule.podman_excludes : rule.excludes;
}

bool RuleApplies(const Rule& rule, const Target& target) {
  // moby seccomp_linux.go: excludes first (any match skips), then includes (every part must match).
  const std::string arch = NativeName(target.arch);
  const bool kernel_filter = target.engine == Engine::kDocker;  // podman's Filter has no minKernel
  const Filter& ex = ExcludesFor(rule, target.engine);
  if (!ex.arches.empty() && Contains(ex.arches, arch)) return false;
  for (const auto& cap : ex.caps) {
    if (target.caps.count(cap)) return false;
  }
  if (kernel_filter && !ex.min_kernel.empty() && KernelAtLeast(target, ex.min_kernel)) return false;
  const Filter& in = IncludesFor(rule, target.engine);
  if (!in.arches.empty() && !Contains(in.arches, arch)) return false;
  for (const auto& cap : in.caps) {
    if (!target.caps.count(cap)) return false;
  }
  if (kernel_filter && !in.min_kernel.empty() && !KernelAtLeast(target, in.min_kernel)) return false;
  return true;
}

namespace {

// podman's filter arch map knows fewer hosts than moby's (containers/common
// nativeToSeccomp).
bool PodmanMapsHost(sys::ArchToken host) {
  auto info = sys::ArchByToken(host);
  if (!info) return false;
  for (std::string_view a : {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
                             "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_S390X"}) {
    if (info->scmp == a) return true;
  }
  return false;
}

}  // namespace

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
  const bool map_known = target.engine != Engine::kPodman || PodmanMapsHost(host);
  for (const auto& entry : profile.arch_map) {
    if (map_known && host_info && entry.architecture == host_info->scmp) {
      add(entry.architecture);
      for (const auto& sub : entry.sub_architectures) add(sub);
    }
  }
  return out;
}

std::vector<std::string> SpecArchitectures(const Profile& profile, const Target& target) {
  if (!profile.architectures.empty()) return profile.architectures;
  const sys::ArchToken host = target.arch ? target.arch : sys::HostArch();
  auto info = sys::ArchByToken(host);
  if (!info || (target.engine == Engine::kPodman && !PodmanMapsHost(host))) return {};
  for (const auto& entry : profile.arch_map) {
    if (entry.architecture != info->scmp) continue;
    std::vector<std::string> out{entry.architecture};
    out.insert(out.end(), entry.sub_architectures.begin(), entry.sub_architectures.end());
    return out;
  }
  return {};
}

}  // namespace profilegen::profile
