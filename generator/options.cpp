#include "generator/options.h"

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace profilegen::generator {
namespace {

struct ActionChoice {
  std::string_view flag;
  profile::Action action;
};

constexpr ActionChoice kActionChoices[] = {
    {"errno", profile::Action::kErrno},
    {"kill-process", profile::Action::kKillProcess},
    {"kill-thread", profile::Action::kKillThread},
    {"trap", profile::Action::kTrap},
    {"log", profile::Action::kLog},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

[[noreturn]] void Unknown(std::string_view option, std::string_view text, const std::vector<std::string>& choices,
                          std::string_view choices_text) {
  std::string msg = std::string(option) + ": unknown value \"" + std::string(text) + "\"";
  if (auto s = sys::Suggest(Lower(text), choices)) msg += " (did you mean " + *s + "?)";
  throw Error(msg + "; choose " + std::string(choices_text));
}

// errno names come from the C library (strerrorname_np), not from a table of our own.
std::optional<uint32_t> ErrnoByName(std::string_view name) {
  std::string upper = Upper(name);
  // Aliases strerrorname_np cannot return (it names each number once).
  if (upper == "ENOTSUP") return EOPNOTSUPP;
  if (upper == "EWOULDBLOCK") return EAGAIN;
  if (upper == "EDEADLOCK") return EDEADLK;
  for (uint32_t e = 1; e < 4096; ++e) {
    const char* n = strerrorname_np(static_cast<int>(e));
    if (n && upper == n) return e;
  }
  return std::nullopt;
}

}  // namespace

profile::Action ParseDefaultAction(std::string_view text) {
  std::string lower = Lower(text);
  for (const auto& c : kActionChoices) {
    if (lower == c.flag || text == profile::ActionName(c.action)) return c.action;
  }
  if (text == "SCMP_ACT_KILL") return profile::Action::kKillThread;
  std::vector<std::string> choices;
  for (const auto& c : kActionChoices) choices.emplace_back(c.flag);
  Unknown("--default-action", text, choices, "errno, kill-process, kill-thread, trap or log");
}

uint32_t ParseErrno(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t v = 0;
    for (char c : text) {
      v = v * 10 + static_cast<uint64_t>(c - '0');
      if (v > 4095) break;
    }
    if (v < 1 || v > 4095) {
      throw Error("--errno: " + std::string(text) +
                  " is out of range; the kernel accepts errno values 1 to 4095 (0 would make a denied call "
                  "look successful)");
    }
    return static_cast<uint32_t>(v);
  }
  if (auto e = ErrnoByName(text)) return *e;
  std::vector<std::string> names;
  for (int e = 1; e < 4096; ++e)
    if (const char* n = strerrorname_np(e)) names.emplace_back(n);
  std::string msg = "--errno: unknown errno name \"" + std::string(text) + "\"";
  if (auto s = sys::Suggest(Upper(text), names)) msg += " (did you mean " + *s + "?)";
  throw Error(msg + "; give a name such as EPERM, EACCES or ENOSYS, or a number from 1 to 4095");
}

Runtime ParseRuntime(std::string_view text) {
  std::string lower = Lower(text);
  if (lower == "runc") return Runtime::kRunc;
  if (lower == "crun") return Runtime::kCrun;
  if (lower == "none") return Runtime::kNone;
  Unknown("--runtime", text, {"runc", "crun", "none"}, "runc, crun or none");
}

ArgPolicy ParseArgPolicy(std::string_view text) {
  std::string lower = Lower(text);
  if (lower == "none") return ArgPolicy::kNone;
  if (lower == "guard") return ArgPolicy::kGuard;
  if (lower == "strict") return ArgPolicy::kStrict;
  Unknown("--args", text, {"none", "guard", "strict"}, "none, guard or strict");
}

sys::ArchToken ParseArch(std::string_view text) {
  if (auto a = sys::ArchByAnyName(text)) return a->token;
  if (auto a = sys::ArchByAnyName(Lower(text))) return a->token;
  std::vector<std::string> names;
  std::string list;
  for (const auto& a : sys::AllArches()) {
    names.emplace_back(a.native);
    list += (list.empty() ? "" : ", ") + std::string(a.native);
  }
  std::string msg = "--arch: unknown architecture \"" + std::string(text) + "\"";
  if (auto s = sys::Suggest(Lower(text), names)) msg += " (did you mean " + *s + "?)";
  throw Error(msg + "; known: " + list + " (or their SCMP_ARCH_* names)");
}

std::string_view DefaultActionFlag(profile::Action a) {
  for (const auto& c : kActionChoices)
    if (c.action == a) return c.flag;
  return profile::ActionName(a);
}

std::string_view RuntimeName(Runtime r) {
  switch (r) {
    case Runtime::kRunc:
      return "runc";
    case Runtime::kCrun:
      return "crun";
    case Runtime::kNone:
      break;
  }
  return "none";
}

std::string_view ArgPolicyName(ArgPolicy p) {
  switch (p) {
    case ArgPolicy::kGuard:
      return "guard";
    case ArgPolicy::kStrict:
      return "strict";
    case ArgPolicy::kNone:
      break;
  }
  return "none";
}

std::string ErrnoName(uint32_t e) {
  const char* n = e < 4096 ? strerrorname_np(static_cast<int>(e)) : nullptr;
  return n ? std::string(n) : std::to_string(e);
}

}  // namespace profilegen::generator
