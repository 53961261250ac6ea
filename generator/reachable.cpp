#include "generator/reachable.h"

#include "base/error.h"
#include "profile/origin.h"

namespace profilegen::generator {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

}  // namespace

ReachablePolicy ParseReachablePolicy(std::string_view text) {
  if (text == "report") return ReachablePolicy::kReport;
  if (text == "include") return ReachablePolicy::kInclude;
  throw Error("--reachable: '" + std::string(text) + "' is not one of report, include");
}

std::vector<std::string> ReachableUnobserved(const trace::Trace& merged, sys::ArchToken host,
                                             const std::set<std::string>& in_rules) {
  std::vector<std::string> out;
  if (!merged.reachable) return out;
  auto it = merged.reachable->names.find(host);
  if (it == merged.reachable->names.end()) return out;
  for (const std::string& n : it->second) {
    if (in_rules.count(n)) continue;
    if (sys::Resolve(host, n).status != sys::NameStatus::kPresent) continue;
    out.push_back(n);
  }
  return out;
}

std::optional<profile::Rule> ReachableRule(const trace::Trace& merged, sys::ArchToken host,
                                           const std::set<std::string>& in_rules, ReachablePolicy policy,
                                           const std::set<std::string>& denied, std::vector<std::string>& warnings) {
  if (!merged.reachable) {
    if (policy == ReachablePolicy::kInclude) {
      warnings.push_back("--reachable include: the traces hold no reachable set (record with --reachable)");
    }
    return std::nullopt;
  }
  std::vector<std::string> risky, safe;
  for (const std::string& n : ReachableUnobserved(merged, host, in_rules)) (denied.count(n) ? risky : safe).push_back(n);
  std::string unresolved = merged.reachable->unresolved
                               ? " (" + std::to_string(merged.reachable->unresolved) +
                                     " syscall sites with numbers not known statically)"
                               : "";
  if (policy == ReachablePolicy::kReport) {
    if (!risky.empty() || !safe.empty()) {
      warnings.push_back(std::to_string(risky.size() + safe.size()) + " syscalls are reachable but were not observed" +
                         unresolved + "; risky: " + (risky.empty() ? "none" : Join(risky)) +
                         "; others: " + (safe.empty() ? "none" : Join(safe)) +
                         " (--reachable include allows the others)");
    }
    return std::nullopt;
  }
  if (!risky.empty()) {
    warnings.push_back("--reachable include leaves the risky reachable syscalls denied until observed: " +
                       Join(risky));
  }
  if (safe.empty()) return std::nullopt;
  profile::Rule r;
  r.names = safe;
  r.action = profile::Action::kAllow;
  // No "; " inside: review (profile/origin.h) reads comments piece by piece.
  r.comment = std::string(profile::kReachableOnlyWord) + " (not observed, static analysis of " +
              std::to_string(merged.reachable->binaries.size()) + " binaries found code that can call them" +
              (merged.reachable->unresolved ? ", " + std::to_string(merged.reachable->unresolved) +
                                                  " syscall sites with numbers not known statically"
                                            : std::string()) +
              "): " + Join(safe);
  return r;
}

}  // namespace profilegen::generator
