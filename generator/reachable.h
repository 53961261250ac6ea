#pragma once
/// --reachable: what to do with the syscalls static analysis found reachable (trace schema v2) that the
/// recordings never observed.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profile/model.h"
#include "trace/trace.h"

namespace profilegen::generator {

enum class ReachablePolicy {
  kReport,   ///< the profile is what was observed; a warning lists the reachable-but-unobserved names
  kInclude,  ///< also allow the reachable names that are not in the risk catalogue, labelled reachable-only
};

/// "report" | "include". Throws Error (exit 2).
ReachablePolicy ParseReachablePolicy(std::string_view text);

/// The reachable host-arch names of `merged` that no rule of the profile mentions yet, sorted.
std::vector<std::string> ReachableUnobserved(const trace::Trace& merged, sys::ArchToken host,
                                             const std::set<std::string>& in_rules);

/// For kInclude: one ALLOW rule with the reachable, unmentioned names that are not `denied` (the risk
/// catalogue, passed in by the caller), its comment saying they are reachable-only; nullopt when there are none.
/// Adds to `warnings` what it left out (or, for kReport, what a reachable-only profile would add).
std::optional<profile::Rule> ReachableRule(const trace::Trace& merged, sys::ArchToken host,
                                           const std::set<std::string>& in_rules, ReachablePolicy policy,
                                           const std::set<std::string>& denied, std::vector<std::string>& warnings);

}  // namespace profilegen::generator
