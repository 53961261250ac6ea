#include "profile/model.h"

#include <string.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <map>
#include <utility>

namespace profilegen::profile {

namespace {

// Spellings the loaders accept, in moby's order. "SCMP_ACT_KILL" is runc's alias of KILL_THREAD.
constexpr std::array<std::pair<std::string_view, Action>, 9> kActions{{
    {"SCMP_ACT_KILL", Action::kKillThread},
    {"SCMP_ACT_KILL_THREAD", Action::kKillThread},
    {"SCMP_ACT_KILL_PROCESS", Action::kKillProcess},
    {"SCMP_ACT_TRAP", Action::kTrap},
    {"SCMP_ACT_ERRNO", Action::kErrno},
    {"SCMP_ACT_TRACE", Action::kTrace},
    {"SCMP_ACT_ALLOW", Action::kAllow},
    {"SCMP_ACT_LOG", Action::kLog},
    {"SCMP_ACT_NOTIFY", Action::kNotify},
}};

constexpr std::array<std::pair<std::string_view, Op>, 7> kOps{{
    {"SCMP_CMP_NE", Op::kNe},
    {"SCMP_CMP_LT", Op::kLt},
    {"SCMP_CMP_LE", Op::kLe},
    {"SCMP_CMP_EQ", Op::kEq},
    {"SCMP_CMP_GE", Op::kGe},
    {"SCMP_CMP_GT", Op::kGt},
    {"SCMP_CMP_MASKED_EQ", Op::kMaskedEq},
}};

}  // namespace

std::optional<Action> ActionFromString(std::string_view s) {
  for (const auto& [name, action] : kActions) {
    if (name == s) return action;
  }
  return std::nullopt;
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kKillThread:
      return "SCMP_ACT_KILL_THREAD";
    case Action::kKillProcess:
      return "SCMP_ACT_KILL_PROCESS";
    case Action::kTrap:
      return "SCMP_ACT_TRAP";
    case Action::kErrno:
      return "SCMP_ACT_ERRNO";
    case Action::kTrace:
      return "SCMP_ACT_TRACE";
    case Action::kAllow:
      return "SCMP_ACT_ALLOW";
    case Action::kLog:
      return "SCMP_ACT_LOG";
    case Action::kNotify:
      return "SCMP_ACT_NOTIFY";
  }
  return "SCMP_ACT_UNKNOWN";
}

const std::vector<std::string>& ActionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& entry : kActions) v.emplace_back(entry.first);
    return v;
  }();
  return names;
}

std::optional<Op> OpFromString(std::string_view s) {
  for (const auto& [name, op] : kOps) {
    if (name == s) return op;
  }
  return std::nullopt;
}

std::string_view OpName(Op op) {
  for (const auto& [name, o] : kOps) {
    if (o == op) return name;
  }
  return "SCMP_CMP_UNKNOWN";
}

const std::vector<std::string>& OpNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& entry : kOps) v.emplace_back(entry.first);
    return v;
  }();
  return names;
}

namespace {

const std::map<std::string, int, std::less<>>& ErrnoByName() {
  static const std::map<std::string, int, std::less<>> m = [] {
    std::map<std::string, int, std::less<>> names;
    for (int e = 1; e < 4096; ++e) {
      if (const char* n = strerrorname_np(e)) names.emplace(n, e);
    }
    // Aliases strerrorname_np does not return.
    names.emplace("EWOULDBLOCK", EWOULDBLOCK);
    names.emplace("EDEADLOCK", EDEADLOCK);
    names.emplace("ENOTSUP", ENOTSUP);
    return names;
  }();
  return m;
}

}  // namespace

std::optional<uint64_t> ErrnoFromString(std::string_view s) {
  if (!s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoull(std::string(s));
  }
  auto it = ErrnoByName().find(s);
  if (it != ErrnoByName().end()) return static_cast<uint64_t>(it->second);
  return std::nullopt;
}

const std::vector<std::string>& ErrnoNames() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> names;
    for (const auto& entry : ErrnoByName()) names.push_back(entry.first);
    return names;
  }();
  return v;
}

std::string ErrnoLabel(uint64_t e) {
  if (e > 0 && e < 4096) {
    if (const char* n = strerrorname_np(static_cast<int>(e))) return std::string(n) + " = " + std::to_string(e);
  }
  return std::to_string(e);
}

}  // namespace profilegen::profile
