#include "generator/minimise.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace profilegen::generator {
namespace {

using profile::Action;
using profile::Rule;

// Everything that decides what an entry does, except its names.
auto BehaviourKey(const Rule& r) {
  return std::tie(r.action, r.errno_ret, r.podman_errno, r.args, r.includes.caps, r.includes.arches,
                  r.includes.min_kernel, r.excludes.caps, r.excludes.arches, r.excludes.min_kernel);
}

int Class(const Rule& r) {
  if (IsUnconditionalAllow(r)) return 0;
  return r.action == Action::kAllow ? 1 : 2;
}

}  // namespace

bool EqualsDefault(const profile::Rule& rule, const profile::Profile& p) {
  if (!p.default_action || rule.action != *p.default_action) return false;
  if (!profile::ActionTakesErrno(rule.action)) return true;
  return rule.errno_ret.value_or(1) == p.default_errno_ret.value_or(1);
}

bool IsUnconditionalAllow(const profile::Rule& r) {
  return r.action == Action::kAllow && r.args.empty() && r.includes.empty() && r.excludes.empty();
}

void Minimise(profile::Profile& p) {
  MergeEqualBehaviour(p);
  SortRules(p.syscalls);
}

void MergeEqualBehaviour(profile::Profile& p) {
  struct Merged {
    Rule rule;
    std::set<std::string> names;
    std::vector<std::string> comments;  // distinct, in first-seen order
  };
  std::vector<Merged> merged;
  for (Rule& r : p.syscalls) {
    if (EqualsDefault(r, p)) continue;
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const Merged& m) { return BehaviourKey(m.rule) == BehaviourKey(r); });
    if (it == merged.end()) {
      merged.push_back({r, {}, {}});
      it = std::prev(merged.end());
    }
    it->names.insert(r.names.begin(), r.names.end());
    if (!r.comment.empty() && std::find(it->comments.begin(), it->comments.end(), r.comment) == it->comments.end()) {
      it->comments.push_back(r.comment);
    }
  }
  std::vector<Rule> out;
  for (Merged& m : merged) {
    m.names.erase("");
    if (m.names.empty()) continue;
    Rule r = std::move(m.rule);
    r.names.assign(m.names.begin(), m.names.end());
    r.comment.clear();
    for (const std::string& c : m.comments) r.comment += (r.comment.empty() ? "" : " | ") + c;
    out.push_back(std::move(r));
  }
  p.syscalls = std::move(out);
}

void SortRules(std::vector<profile::Rule>& rules) {
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    int ca = Class(a), cb = Class(b);
    if (ca != cb) return ca < cb;
    if (a.names != b.names) return a.names < b.names;
    return BehaviourKey(a) < BehaviourKey(b);
  });
}

}  // namespace profilegen::generator
