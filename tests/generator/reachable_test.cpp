// --reachable report | include: reachable-but-unobserved syscalls, the risk catalogue's names kept out.
#include <catch2/catch.hpp>

#include "generator/generate.h"
#include "generator/reachable.h"
#include "profile/origin.h"
#include "trace/trace.h"

namespace profilegen::generator {
namespace {

trace::Trace WithReachable() {
  trace::Trace t = trace::ParseTrace(R"({"profilegen": "trace", "version": 1, "syscalls": [
    {"arch": "SCMP_ARCH_X86_64", "name": "read", "nr": 0, "count": 3, "first": {"pid": 1, "exe": "/bin/x"}}]})",
                                     "t.json");
  sys::ArchToken x86_64 = sys::ArchByNativeName("amd64")->token;
  t.reachable = trace::Reachable{{{x86_64, {"read", "fsync", "mount", "rename"}}}, {"/bin/x"}, 0};
  return trace::MergeAll({t});
}

std::set<std::string> Allowed(const profile::Profile& p) {
  std::set<std::string> out;
  for (const profile::Rule& r : p.syscalls) {
    if (r.action == profile::Action::kAllow && r.args.empty()) out.insert(r.names.begin(), r.names.end());
  }
  return out;
}

TEST_CASE("--reachable report: the profile is what was observed, a warning lists the rest", "[generator][reachable]") {
  GenerateOptions o;
  o.runtime = Runtime::kNone;
  o.reachable_denied = {"mount"};
  GenerateResult r = Generate(WithReachable(), o);
  CHECK(Allowed(r.profile) == std::set<std::string>{"read"});
  bool warned = false;
  for (const std::string& w : r.warnings) warned |= w.find("3 syscalls are reachable but were not observed") == 0;
  CHECK(warned);
}

TEST_CASE("--reachable include: reachable names allowed and labelled, risky ones stay denied", "[generator][reachable]") {
  GenerateOptions o;
  o.runtime = Runtime::kNone;
  o.include_reachable = true;
  o.reachable_denied = {"mount"};
  GenerateResult r = Generate(WithReachable(), o);
  CHECK(Allowed(r.profile) == std::set<std::string>{"fsync", "read", "rename"});
  bool labelled = false;
  for (const profile::Rule& rule : r.profile.syscalls) {
    labelled |= rule.comment.find("reachable-only (not observed, static analysis of 1 binaries") != std::string::npos &&
                rule.comment.find(": fsync rename") != std::string::npos;
  }
  CHECK(labelled);
  // What diff and audit read back from the comments (profile/origin.h).
  auto origins = profile::AllowedOrigins(r.profile);
  CHECK(profile::OriginOf(origins, "read") == profile::Origin::kObserved);
  CHECK(profile::OriginOf(origins, "fsync") == profile::Origin::kReachableOnly);
  CHECK(profile::OriginOf(origins, "rename") == profile::Origin::kReachableOnly);
}

}  // namespace
}  // namespace profilegen::generator
