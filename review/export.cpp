#include "review/export.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/error.h"
#include "review/policy.h"
#include "review/target.h"

namespace profilegen::review {

using nlohmann::ordered_json;
using profile::Profile;
using profile::Rule;

namespace {

// The errno the engine writes into the spec; podman fails on an errno string it
// cannot read.
std::optional<uint64_t> SpecErrno(std::optional<uint64_t> number, const std::optional<std::string>& text,
                                  profile::Engine engine, const std::string& where) {
  if (engine == profile::Engine::kPodman && text && !text->empty() && !profile::ErrnoFromString(*text)) {
    throw Error(where + ": unknown errno \"" + *text + "\"", kExitUsage);
  }
  return profile::EngineErrno(number, text, engine);
}

}  // namespace

Profile ResolveForEngine(const Profile& in, const profile::Target& target) {
  if (!in.default_action) {
    throw Error(
        "the profile switches seccomp off (no defaultAction): the engines would run the container "
        "unconfined, so there is no seccomp object to export",
        kExitUsage);
  }
  Profile out;
  out.default_action = in.default_action;
  out.default_errno_ret = SpecErrno(in.default_errno_ret, in.podman_default_errno, target.engine, "defaultErrno");
  out.architectures = profile::SpecArchitectures(in, target);
  out.flags = in.flags;
  out.listener_path = in.listener_path;
  out.listener_metadata = in.listener_metadata;
  for (size_t i = 0; i < in.syscalls.size(); ++i) {
    const Rule& rule = in.syscalls[i];
    if (rule.names.empty() || !profile::RuleApplies(rule, target)) continue;
    Rule r;
    r.names = rule.names;
    r.action = rule.action;
    r.errno_ret =
        SpecErrno(rule.errno_ret, rule.podman_errno, target.engine, "syscalls[" + std::to_string(i) + "].errno");
    r.args = rule.args;
    out.syscalls.push_back(std::move(r));
  }
  return out;
}

ordered_json ToOciSeccomp(const Profile& p) {
  ordered_json j;
  j["defaultAction"] = std::string(profile::ActionName(*p.default_action));
  if (p.default_errno_ret) j["defaultErrnoRet"] = *p.default_errno_ret;
  if (!p.architectures.empty()) j["architectures"] = p.architectures;
  if (p.flags) j["flags"] = *p.flags;
  if (!p.listener_path.empty()) j["listenerPath"] = p.listener_path;
  if (!p.listener_metadata.empty()) j["listenerMetadata"] = p.listener_metadata;
  ordered_json syscalls = ordered_json::array();
  for (const auto& r : p.syscalls) {
    ordered_json s;
    s["names"] = r.names;
    s["action"] = std::string(profile::ActionName(r.action));
    if (r.errno_ret) s["errnoRet"] = *r.errno_ret;
    if (!r.args.empty()) {
      ordered_json args = ordered_json::array();
      for (const auto& a : r.args) {
        args.push_back({{"index", a.index},
                        {"value", a.value},
                        {"valueTwo", a.value_two},
                        {"op", std::string(profile::OpName(a.op))}});
      }
      s["args"] = std::move(args);
    }
    syscalls.push_back(std::move(s));
  }
  if (!syscalls.empty()) j["syscalls"] = std::move(syscalls);
  return j;
}

std::string YamlString(std::string_view s) {
  auto lower = [](std::string_view v) {
    std::string out(v);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  static const char* const kReserved[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"};
  bool plain = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_');
  for (char c : s) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '/');
  }
  if (plain) {
    const std::string l = lower(s);
    for (const char* r : kReserved) plain = plain && l != r;
  }
  if (plain) return std::string(s);
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through: YAML is Unicode
        }
    }
  }
  return out + "\"";
}

std::string ToSeccompProfileYaml(const Profile& p, const std::string& name, const std::string& header) {
  std::string y;
  if (!header.empty()) {
    std::string h;
    // A comment must stay one line of valid text: anything but printable ASCII becomes '?'.
    for (char c : header) h += (c >= 0x20 && c < 0x7f) ? c : '?';
    y += "# " + h + "\n";
  }
  y += "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n";
  y += "kind: SeccompProfile\n";
  y += "metadata:\n";
  y += "  name: " + YamlString(name) + "\n";
  y += "spec:\n";
  y += "  defaultAction: " + YamlString(profile::ActionName(*p.default_action)) + "\n";
  if (!p.architectures.empty()) {
    y += "  architectures:\n";
    for (const auto& a : p.architectures) y += "    - " + YamlString(a) + "\n";
  }
  if (p.flags && !p.flags->empty()) {
    y += "  flags:\n";
    for (const auto& f : *p.flags) y += "    - " + YamlString(f) + "\n";
  }
  if (!p.listener_path.empty()) y += "  listenerPath: " + YamlString(p.listener_path) + "\n";
  if (!p.listener_metadata.empty()) y += "  listenerMetadata: " + YamlString(p.listener_metadata) + "\n";
  if (!p.syscalls.empty()) {
    y += "  syscalls:\n";
    for (const auto& r : p.syscalls) {
      y += "    - action: " + YamlString(profile::ActionName(r.action)) + "\n";
      if (r.errno_ret) y += "      errnoRet: " + std::to_string(*r.errno_ret) + "\n";
      y += "      names:\n";
      for (const auto& n : r.names) y += "        - " + YamlString(n) + "\n";
      if (!r.args.empty()) {
        y += "      args:\n";
        for (const auto& a : r.args) {
          y += "        - index: " + std::to_string(a.index) + "\n";
          y += "          value: " + std::to_string(a.value) + "\n";
          y += "          valueTwo: " + std::to_string(a.value_two) + "\n";
          y += "          op: " + YamlString(profile::OpName(a.op)) + "\n";
        }
      }
    }
  }
  return y;
}

std::vector<std::string> KubernetesWarnings(const Profile& p) {
  std::vector<std::string> w;
  if (p.default_errno_ret && *p.default_errno_ret != 1) {
    w.push_back(
        "the SeccompProfile resource has no defaultErrnoRet: the "
        "default action will return EPERM, not " +
        ErrnoName(*p.default_errno_ret) + " (list the syscalls that need " + ErrnoName(*p.default_errno_ret) +
        " explicitly)");
  }
  static const char* const kCrdArches[] = {
      "SCMP_ARCH_NATIVE",   "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
      "SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
      "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",    "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",
      "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",       "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64"};
  for (const auto& a : p.architectures) {
    if (std::find(std::begin(kCrdArches), std::end(kCrdArches), a) == std::end(kCrdArches)) {
      w.push_back("architecture " + a +
                  " is not in the SeccompProfile CRD's enumeration: the API server will reject it");
    }
  }
  return w;
}

std::string DefaultResourceName(const std::string& path) {
  std::string base = path;
  if (auto slash = base.find_last_of('/'); slash != std::string::npos) base = base.substr(slash + 1);
  if (auto dot = base.find_last_of('.'); dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  std::string name;
  for (char ch : base) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      name += static_cast<char>(std::tolower(c));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.size() > 253) name.resize(253);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "profilegen-profile" : name;
}

void CheckResourceName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 253;
  for (size_t i = 0; ok && i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool alnum = std::islower(c) || std::isdigit(c);
    if (i == 0 || i + 1 == name.size())
      ok = alnum;
    else
      ok = alnum || c == '-' || c == '.';
  }
  if (!ok) {
    throw Error("--name: \"" + name +
                    "\" is not a valid Kubernetes name (lower-case letters, digits, '-' and '.', "
                    "starting and ending with a letter or digit, at most 253 characters)",
                kExitUsage);
  }
}

}  // namespace profilegen::review
