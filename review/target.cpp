#include "review/target.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/error.h"

namespace profilegen::review {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::set<std::string> ParseCaps(const std::string& text) {
  if (text == "default") return profile::DefaultCaps();
  if (text == "all") return profile::AllCaps();
  if (text == "none" || text.empty()) return {};
  const std::vector<std::string> known(profile::AllCaps().begin(), profile::AllCaps().end());
  std::set<std::string> caps;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    std::string cap = Upper(item);
    if (cap.rfind("CAP_", 0) != 0) cap = "CAP_" + cap;
    if (!profile::AllCaps().count(cap)) {
      std::string msg = "--caps: unknown capability \"" + item + "\"";
      if (auto s = sys::Suggest(cap, known)) msg += " (did you mean " + *s + "?)";
      throw Error(msg + "; use default, all, none or a comma-separated list such as CAP_SYS_ADMIN,CAP_NET_ADMIN",
                  kExitUsage);
    }
    caps.insert(cap);
  }
  return caps;
}

}  // namespace

std::string ArchNative(sys::ArchToken arch) {
  if (auto info = sys::ArchByToken(arch)) return std::string(info->native);
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%x", arch);
  return buf;
}

std::vector<sys::ArchToken> OrderArches(std::vector<sys::ArchToken> arches, sys::ArchToken host) {
  const std::vector<sys::ArchToken> subs = sys::SubArches(host);
  auto rank = [&](sys::ArchToken a) -> size_t {
    if (a == host) return 0;
    auto it = std::find(subs.begin(), subs.end(), a);
    return it == subs.end() ? subs.size() + 1 : 1 + static_cast<size_t>(it - subs.begin());
  };
  std::sort(arches.begin(), arches.end(), [&](sys::ArchToken x, sys::ArchToken y) {
    if (rank(x) != rank(y)) return rank(x) < rank(y);
    return sys::ArchLabel(x) < sys::ArchLabel(y);
  });
  arches.erase(std::unique(arches.begin(), arches.end()), arches.end());
  return arches;
}

profile::Target MakeTarget(const TargetOptions& options) {
  profile::Target t;
  if (options.engine == "docker") {
    t.engine = profile::Engine::kDocker;
  } else if (options.engine == "podman") {
    t.engine = profile::Engine::kPodman;
  } else {
    throw Error("--target: unknown engine \"" + options.engine + "\"; use docker or podman", kExitUsage);
  }
  if (!options.arch.empty() && options.arch != "host") {
    auto info = sys::ArchByAnyName(options.arch);
    if (!info) {
      std::vector<std::string> names;
      for (const auto& a : sys::AllArches()) names.emplace_back(a.native);
      std::string msg = "--arch: unknown architecture \"" + options.arch + "\"";
      if (auto s = sys::Suggest(options.arch, names)) msg += " (did you mean " + *s + "?)";
      throw Error(msg + "; use a Go name such as amd64, arm64, s390x, ppc64le, riscv64", kExitUsage);
    }
    t.arch = info->token;
  }
  t.caps = ParseCaps(options.caps);
  if (options.kernel != "host" && !options.kernel.empty()) {
    int major = -1, minor = -1;
    char tail = 0;
    if (std::sscanf(options.kernel.c_str(), "%d.%d%c", &major, &minor, &tail) != 2 || major < 1 || minor < 0 ||
        major > 255 || minor > 255) {
      throw Error("--kernel: \"" + options.kernel + "\" is not a kernel version; use X.Y (such as 6.1) or host",
                  kExitUsage);
    }
    t.kernel_major = major;
    t.kernel_minor = minor;
  }
  return profile::ResolveTarget(t);
}

std::string DescribeTarget(const profile::Target& target) {
  std::string caps;
  if (target.caps == profile::DefaultCaps()) {
    caps = "default caps";
  } else if (target.caps == profile::AllCaps()) {
    caps = "all caps";
  } else if (target.caps.empty()) {
    caps = "no caps";
  } else {
    for (const auto& c : target.caps) caps += (caps.empty() ? "" : ",") + c;
  }
  return std::string(profile::EngineName(target.engine)) + ", " + ArchNative(target.arch) + ", " + caps + ", kernel " +
         std::to_string(target.kernel_major) + "." + std::to_string(target.kernel_minor);
}

}  // namespace profilegen::review
