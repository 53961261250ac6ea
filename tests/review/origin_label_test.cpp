// diff and audit label each allowed syscall observed, runtime-layer or reachable-only, from the comments
// `generate` writes (profile/origin.h).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "review/audit.h"
#include "review/diff.h"

using namespace profilegen;
using namespace profilegen::review;
using review_test::Amd64;
using review_test::Parse;

namespace {

// As `generate --reachable include` writes it after minimise merged the reachable-only entry into the
// unconditional one (comments joined with " | ").
const char* kIncluded = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [
  {"names": ["execve", "exit_group", "fsync", "mkdir", "read", "rename", "write"], "action": "SCMP_ACT_ALLOW",
   "comment": "observed in 1/1 runs, first by /usr/bin/redis-server: execve exit_group read write; runtime layer runc 1.1.5 (no-new-privileges=false): execve mkdir write (its clone3 answers ENOSYS under the clone guard: see the clone3 entry) | reachable-only (not observed, static analysis of 3 binaries found code that can call them): fsync rename"},
  {"names": ["chroot"], "action": "SCMP_ACT_ALLOW"}]})";

// What the same program recorded in production (record --from-log) would give: fsync observed now.
const char* kLearned = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [
  {"names": ["execve", "exit_group", "fsync", "getpid", "read", "write"], "action": "SCMP_ACT_ALLOW",
   "comment": "observed in 2/2 runs, first by /usr/bin/redis-server: execve exit_group read write; observed in 1/2 runs, first by /usr/bin/redis-server: fsync getpid"},
  {"names": ["rename"], "action": "SCMP_ACT_ALLOW",
   "comment": "old.json: reachable-only (not observed, static analysis of 3 binaries found code that can call them): rename"}]})";

const OriginGroup* Group(const AuditReport& r, profile::Origin o) {
  for (const auto& g : r.origins)
    if (g.origin == o) return &g;
  return nullptr;
}

}  // namespace

TEST_CASE("origins are read from generated comments, merged entries and merge's file prefixes", "[review][origin]") {
  auto origins = profile::AllowedOrigins(Parse(kIncluded));
  CHECK(profile::OriginOf(origins, "read") == profile::Origin::kObserved);
  CHECK(profile::OriginOf(origins, "execve") == profile::Origin::kObserved);  // observed beats the layer
  CHECK(profile::OriginOf(origins, "mkdir") == profile::Origin::kRuntimeLayer);
  CHECK(profile::OriginOf(origins, "fsync") == profile::Origin::kReachableOnly);
  CHECK(profile::OriginOf(origins, "rename") == profile::Origin::kReachableOnly);
  CHECK(profile::OriginOf(origins, "chroot") == profile::Origin::kUnlabelled);  // no comment
  CHECK(profile::OriginOf(origins, "mount") == profile::Origin::kUnlabelled);   // not in the profile
  auto learned = profile::AllowedOrigins(Parse(kLearned));
  CHECK(profile::OriginOf(learned, "rename") == profile::Origin::kReachableOnly);  // "old.json: reachable-only"
  CHECK(profile::OriginOf(learned, "getpid") == profile::Origin::kObserved);
}

TEST_CASE("a free-text comment labels nothing it does not list as the entry's names", "[review][origin]") {
  auto origins = profile::AllowedOrigins(Parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "observed by hand: write"},
    {"names": ["fsync"], "action": "SCMP_ACT_ERRNO", "comment": "reachable-only (x): fsync"}]})"));
  CHECK(profile::OriginOf(origins, "read") == profile::Origin::kUnlabelled);
  CHECK(origins.count("write") == 0);
  CHECK(origins.count("fsync") == 0);  // an ERRNO entry allows nothing
}

TEST_CASE("audit groups the allowed syscalls by origin, text and json", "[review][audit][origin]") {
  const AuditReport r = Audit(Parse(kIncluded), Amd64());
  REQUIRE(Group(r, profile::Origin::kReachableOnly));
  CHECK(Group(r, profile::Origin::kReachableOnly)->names == std::vector<std::string>{"fsync", "rename"});
  CHECK(Group(r, profile::Origin::kObserved)->names ==
        std::vector<std::string>{"execve", "exit_group", "read", "write"});
  CHECK(Group(r, profile::Origin::kRuntimeLayer)->names == std::vector<std::string>{"mkdir"});
  CHECK(Group(r, profile::Origin::kUnlabelled)->names == std::vector<std::string>{"chroot"});

  const std::string text = FormatAuditText(r, "p.json", false);
  INFO(text);
  CHECK(text.find("where the allowed syscalls come from (8)\n"
                  "  observed (4)\n    execve exit_group read write\n"
                  "  runtime-layer (1)\n    mkdir\n"
                  "  reachable-only (2)\n    fsync rename\n"
                  "  unlabelled (1)\n    chroot\n") != std::string::npos);
  CHECK(text.find("chroot  allowed     Docker: allowed     [amd64] (unlabelled)") == std::string::npos);

  const nlohmann::json j = nlohmann::json::parse(FormatAudit(r, "p.json", OutputFormat::kJson, false));
  CHECK(j["origins"]["reachable-only"] == nlohmann::json::array({"fsync", "rename"}));
  CHECK(j["origins"]["observed"].size() == 4);
  CHECK(j["risky"][0]["name"] == "chroot");
  CHECK(j["risky"][0]["origin"] == "unlabelled");

  const std::string md = FormatAuditMarkdown(r, "p.json");
  CHECK(md.find("| reachable-only | 2 | `fsync`, `rename` |") != std::string::npos);
}

TEST_CASE("audit of a profile without labels says so instead of listing every name", "[review][audit][origin]") {
  const AuditReport r = Audit(Parse(ReadFile(review_test::kMoby)), Amd64());
  REQUIRE(r.origins.size() == 1);
  CHECK(r.origins[0].origin == profile::Origin::kUnlabelled);
  const std::string text = FormatAuditText(r, "moby.json", false);
  CHECK(text.find("no entry comment says where they come from") != std::string::npos);
}

TEST_CASE("diff labels each changed syscall with the origin of the side that allows it", "[review][diff][origin]") {
  const DiffResult d = DiffProfiles(Parse(kIncluded), Parse(kLearned), Amd64());
  const std::string text = FormatDiffText(d, {"old.json", "new.json", FailOn::kNever}, false);
  INFO(text);
  CHECK(text.find("+ getpid  [amd64] default ERRNO(EPERM) -> ALLOW (observed)\n") != std::string::npos);
  CHECK(text.find("- mkdir   [amd64] ALLOW -> default ERRNO(EPERM) (runtime-layer)\n") != std::string::npos);
  CHECK(text.find("- chroot  [amd64] ALLOW -> default ERRNO(EPERM)\n") != std::string::npos);  // unlabelled

  const nlohmann::json j = nlohmann::json::parse(FormatDiff(d, {"old.json", "new.json"}, OutputFormat::kJson, false));
  bool seen = false;
  for (const auto& s : j["arches"][0]["syscalls"]) {
    if (s["name"] != "getpid") continue;
    seen = true;
    CHECK(s["new"]["origin"] == "observed");
    CHECK(s["old"]["origin"] == "unlabelled");
  }
  CHECK(seen);
  const std::string md = FormatDiffMarkdown(d, {"old.json", "new.json"});
  CHECK(md.find("| added | `getpid` | amd64 | `default ERRNO(EPERM)` | `ALLOW` | observed |") != std::string::npos);
}

TEST_CASE("a reachable-only syscall added by a diff is labelled so", "[review][diff][origin]") {
  const char* observed_only = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "observed in 1/1 runs, first by /x: read"}]})";
  const DiffResult d = DiffProfiles(Parse(observed_only), Parse(kIncluded), Amd64());
  const std::string text = FormatDiffText(d, {"a.json", "b.json", FailOn::kNever}, false);
  INFO(text);
  CHECK(text.find("+ fsync       [amd64] default ERRNO(EPERM) -> ALLOW (reachable-only)\n") != std::string::npos);
}
