#pragma once
// Shared helpers for the generator tests: fixture paths, finding rules, and runc's argument semantics.
#include <algorithm>
#include <string>
#include <vector>

#include "generator/generate.h"
#include "profile/model.h"

namespace profilegen::testing {

inline std::string Fixture(const std::string& name) {
  return std::string(PROFILEGEN_SOURCE_DIR) + "/tests/generator/data/" + name;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline bool HasName(const profile::Rule& r, const std::string& name) {
  return std::find(r.names.begin(), r.names.end(), name) != r.names.end();
}

/// Every rule naming `name`.
inline std::vector<const profile::Rule*> RulesFor(const profile::Profile& p, const std::string& name) {
  std::vector<const profile::Rule*> out;
  for (const auto& r : p.syscalls)
    if (HasName(r, name)) out.push_back(&r);
  return out;
}

/// The single rule naming `name`, or nullptr (also when there are several).
inline const profile::Rule* RuleFor(const profile::Profile& p, const std::string& name) {
  auto rules = RulesFor(p, name);
  return rules.size() == 1 ? rules[0] : nullptr;
}

/// The unconditional ALLOW entries.
inline std::vector<const profile::Rule*> UnconditionalAllows(const profile::Profile& p) {
  std::vector<const profile::Rule*> out;
  for (const auto& r : p.syscalls)
    if (r.action == profile::Action::kAllow && r.args.empty() && r.includes.empty() && r.excludes.empty())
      out.push_back(&r);
  return out;
}

inline bool ConditionHolds(const profile::ArgCondition& c, uint64_t arg) {
  switch (c.op) {
    case profile::Op::kEq:
      return arg == c.value;
    case profile::Op::kNe:
      return arg != c.value;
    case profile::Op::kLt:
      return arg < c.value;
    case profile::Op::kLe:
      return arg <= c.value;
    case profile::Op::kGt:
      return arg > c.value;
    case profile::Op::kGe:
      return arg >= c.value;
    case profile::Op::kMaskedEq:
      return (arg & c.value) == c.value_two;
  }
  return false;
}

/// Whether an ALLOW rule lets `name` through on an amd64 host when argument `index` is `value` (the other
/// arguments unknown: a condition on them counts as holding), with runc's semantics: a repeated index makes
/// every condition its own rule (OR), distinct indexes are ANDed.
inline bool Allows(const profile::Rule& r, const std::string& name, int index, uint64_t value) {
  if (r.action != profile::Action::kAllow || !HasName(r, name)) return false;
  if (!r.includes.arches.empty() &&
      std::find(r.includes.arches.begin(), r.includes.arches.end(), "amd64") == r.includes.arches.end())
    return false;
  if (std::find(r.excludes.arches.begin(), r.excludes.arches.end(), "amd64") != r.excludes.arches.end()) return false;
  if (r.args.empty()) return true;
  bool repeated = false;
  for (size_t i = 0; i < r.args.size(); ++i)
    for (size_t j = i + 1; j < r.args.size(); ++j)
      if (r.args[i].index == r.args[j].index) repeated = true;
  auto holds = [&](const profile::ArgCondition& c) {
    return static_cast<int>(c.index) != index || ConditionHolds(c, value);
  };
  if (repeated) return std::any_of(r.args.begin(), r.args.end(), holds);
  return std::all_of(r.args.begin(), r.args.end(), holds);
}

inline bool ProfileAllows(const profile::Profile& p, const std::string& name, int index, uint64_t value) {
  return std::any_of(p.syscalls.begin(), p.syscalls.end(),
                     [&](const profile::Rule& r) { return Allows(r, name, index, value); });
}

}  // namespace profilegen::testing
