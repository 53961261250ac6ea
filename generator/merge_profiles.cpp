#include "generator/merge_profiles.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include "base/error.h"
#include "generator/minimise.h"
#include "profile/parse.h"
#include "syscalls/syscalls.h"

namespace profilegen::generator {
namespace {

using profile::Action;
using profile::Profile;
using profile::Rule;

std::string VerdictText(const Profile& p) {
  if (!p.default_action) return "(no defaultAction)";
  std::string s(profile::ActionName(*p.default_action));
  if (profile::ActionTakesErrno(*p.default_action)) s += "(" + std::to_string(p.default_errno_ret.value_or(1)) + ")";
  if (p.podman_default_errno) s += " defaultErrno " + *p.podman_default_errno;
  return s;
}

void CheckAllowLists(const std::vector<ProfileInput>& inputs) {
  std::string problems;
  for (const ProfileInput& in : inputs) {
    if (!in.profile.default_action) {
      problems += "\n  " + in.name + ": has no defaultAction (the engines run such a profile without seccomp)";
    } else if (*in.profile.default_action == Action::kAllow) {
      problems += "\n  " + in.name + ": is a deny-list (defaultAction SCMP_ACT_ALLOW)";
    }
  }
  if (!problems.empty()) throw Error("merge unions allow-list profiles only:" + problems);

  std::map<std::string, std::vector<std::string>> by_verdict;
  for (const ProfileInput& in : inputs) by_verdict[VerdictText(in.profile)].push_back(in.name);
  if (by_verdict.size() > 1) {
    std::string msg = "the profiles have different default actions, so their union is not defined:";
    for (const auto& [verdict, files] : by_verdict) {
      msg += "\n  " + verdict + ":";
      for (const std::string& f : files) msg += " " + f;
    }
    throw Error(msg + "\nregenerate them with the same --default-action and --errno");
  }
}

template <typename T, typename Show>
void CheckSame(const std::vector<ProfileInput>& inputs, const char* what, T Profile::*field, Show show) {
  std::map<std::string, std::vector<std::string>> by_value;
  for (const ProfileInput& in : inputs) by_value[show(in.profile.*field)].push_back(in.name);
  if (by_value.size() <= 1) return;
  std::string msg = std::string("the profiles differ in ") + what + ", which merge cannot unite:";
  for (const auto& [value, files] : by_value) {
    msg += "\n  " + value + ":";
    for (const std::string& f : files) msg += " " + f;
  }
  throw Error(msg);
}

void MergeArches(const std::vector<ProfileInput>& inputs, Profile& out) {
  bool any_map = false, any_list = false;
  for (const ProfileInput& in : inputs) {
    any_map |= !in.profile.arch_map.empty();
    any_list |= !in.profile.architectures.empty();
  }
  if (any_map && any_list) {
    std::string msg = "some profiles use \"archMap\" and others \"architectures\"; merge cannot unite the two:";
    for (const ProfileInput& in : inputs) {
      msg += "\n  " + in.name + ": " +
             (!in.profile.arch_map.empty()        ? "archMap"
              : !in.profile.architectures.empty() ? "architectures"
                                                  : "neither");
    }
    throw Error(msg);
  }
  std::set<std::string> list;
  std::map<std::string, std::set<std::string>> map;
  for (const ProfileInput& in : inputs) {
    list.insert(in.profile.architectures.begin(), in.profile.architectures.end());
    for (const auto& e : in.profile.arch_map)
      map[e.architecture].insert(e.sub_architectures.begin(), e.sub_architectures.end());
  }
  out.architectures.assign(list.begin(), list.end());
  for (auto& [arch, subs] : map) {
    profile::ArchMapEntry entry;
    entry.architecture = arch;
    // Docker's order for known sub-architectures (x86_64: x86, x32), then any others sorted.
    if (auto top = sys::ArchByScmpName(arch)) {
      for (sys::ArchToken s : sys::SubArches(top->token)) {
        std::string name(sys::ArchByToken(s)->scmp);
        if (subs.erase(name)) entry.sub_architectures.push_back(name);
      }
    }
    entry.sub_architectures.insert(entry.sub_architectures.end(), subs.begin(), subs.end());
    out.arch_map.push_back(std::move(entry));
  }
}

// For two unconditional non-ALLOW rules on one name: the one that lets more programs work. ENOSYS first
// (callers fall back), then LOG, TRACE, other errnos (lowest first), TRAP, KILL_THREAD, KILL_PROCESS.
std::pair<int, int64_t> Permissiveness(const Rule& r) {
  switch (r.action) {
    case Action::kErrno:
      if (r.errno_ret.value_or(1) == ENOSYS) return {6, 0};
      return {3, -static_cast<int64_t>(r.errno_ret.value_or(1))};
    case Action::kLog:
      return {5, 0};
    case Action::kTrace:
      return {4, 0};
    case Action::kNotify:
      return {3, 1};
    case Action::kTrap:
      return {2, 0};
    case Action::kKillThread:
      return {1, 0};
    case Action::kKillProcess:
    case Action::kAllow:
      break;
  }
  return {0, 0};
}

bool Unconditional(const Rule& r) { return r.args.empty() && r.includes.empty() && r.excludes.empty(); }

std::string RuleVerdict(const Rule& r) {
  std::string s(profile::ActionName(r.action));
  if (profile::ActionTakesErrno(r.action)) s += "(" + std::to_string(r.errno_ret.value_or(1)) + ")";
  return s;
}

}  // namespace

MergeResult MergeProfiles(std::vector<ProfileInput> inputs) {
  if (inputs.empty()) throw Error("merge needs at least one profile");
  std::sort(inputs.begin(), inputs.end(), [](const ProfileInput& a, const ProfileInput& b) { return a.name < b.name; });
  CheckAllowLists(inputs);
  auto show_flags = [](const std::optional<std::vector<std::string>>& f) {
    if (!f) return std::string("(absent)");
    std::string s = "[";
    for (const auto& x : *f) s += (s.size() > 1 ? ", " : "") + x;
    return s + "]";
  };
  auto show_string = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  CheckSame(inputs, "\"flags\"", &Profile::flags, show_flags);
  CheckSame(inputs, "\"listenerPath\"", &Profile::listener_path, show_string);
  CheckSame(inputs, "\"listenerMetadata\"", &Profile::listener_metadata, show_string);

  MergeResult result;
  Profile& out = result.profile;
  const Profile& first = inputs.front().profile;
  out.default_action = first.default_action;
  out.default_errno_ret = first.default_errno_ret;
  if (!out.default_errno_ret && profile::ActionTakesErrno(*out.default_action)) out.default_errno_ret = 1;
  out.podman_default_errno = first.podman_default_errno;
  out.flags = first.flags;
  out.listener_path = first.listener_path;
  out.listener_metadata = first.listener_metadata;
  MergeArches(inputs, out);

  // Every input's rules, comments prefixed with their file; rules equal to the default mean nothing.
  std::vector<Rule> rules;
  for (const ProfileInput& in : inputs) {
    for (Rule r : in.profile.syscalls) {
      if (EqualsDefault(r, out)) continue;
      if (!r.comment.empty()) r.comment = in.name + ": " + r.comment;
      rules.push_back(std::move(r));
    }
  }
  std::set<std::string> allowed_always, allowed_sometimes;
  for (const Rule& r : rules) {
    if (r.action != Action::kAllow) continue;
    (IsUnconditionalAllow(r) ? allowed_always : allowed_sometimes).insert(r.names.begin(), r.names.end());
  }
  // An unconditional non-ALLOW rule per name: the most permissive one wins (they conflict in libseccomp).
  std::map<std::string, const Rule*> deny_winner;
  std::map<std::string, std::set<std::string>> deny_seen;
  for (const Rule& r : rules) {
    if (r.action == Action::kAllow || !Unconditional(r)) continue;
    for (const std::string& n : r.names) {
      deny_seen[n].insert(RuleVerdict(r));
      auto [it, inserted] = deny_winner.emplace(n, &r);
      if (!inserted && Permissiveness(r) > Permissiveness(*it->second)) it->second = &r;
    }
  }
  for (const auto& [name, verdicts] : deny_seen) {
    if (verdicts.size() > 1 && !allowed_always.count(name) && !allowed_sometimes.count(name)) {
      std::string list;
      for (const std::string& v : verdicts) list += (list.empty() ? "" : ", ") + v;
      result.warnings.push_back(name + ": the profiles disagree (" + list + "); kept " +
                                RuleVerdict(*deny_winner[name]));
    }
  }

  for (Rule& r : rules) {
    std::vector<std::string> keep;
    for (const std::string& n : r.names) {
      bool drop = false;
      if (IsUnconditionalAllow(r)) {
        drop = false;
      } else if (allowed_always.count(n)) {
        drop = true;  // allowed whatever the arguments: narrower rules for it are moot
      } else if (r.action != Action::kAllow && Unconditional(r)) {
        // An unconditional deny would override the conditional ALLOW rules of another input.
        const Rule& winner = *deny_winner[n];
        drop = allowed_sometimes.count(n) || winner.action != r.action || winner.errno_ret != r.errno_ret;
      }
      if (!drop) keep.push_back(n);
    }
    r.names = std::move(keep);
    out.syscalls.push_back(std::move(r));
  }
  Minimise(out);
  return result;
}

MergeResult MergeProfileFiles(const std::vector<std::string>& paths) {
  std::vector<ProfileInput> inputs;
  std::vector<std::string> errors;
  for (const std::string& path : paths) {
    try {
      inputs.push_back({path, profile::LoadProfileOrThrow(path)});
    } catch (const Error& e) {
      errors.push_back(e.what());
    }
  }
  if (errors.size() == 1) throw Error(errors[0]);
  if (!errors.empty()) {
    std::string msg =
        std::to_string(errors.size()) + " of " + std::to_string(paths.size()) + " profiles cannot be used:";
    for (const std::string& e : errors) msg += "\n  " + e;
    throw Error(msg);
  }
  return MergeProfiles(std::move(inputs));
}

}  // namespace profilegen::generator
