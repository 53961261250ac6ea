#include "profile/model.h"

#include <array>
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
    case Action::kKillThread: return "SCMP_ACT_KILL_THREAD";
    case Action::kKillProcess: return "SCMP_ACT_KILL_PROCESS";
    case Action::kTrap: return "SCMP_ACT_TRAP";
    case Action::kErrno: return "SCMP_ACT_ERRNO";
    case Action::kTrace: return "SCMP_ACT_TRACE";
    case Action::kAllow: return "SCMP_ACT_ALLOW";
    case Action::kLog: return "SCMP_ACT_LOG";
    case Action::kNotify: return "SCMP_ACT_NOTIFY";
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

}  // namespace profilegen::profile
