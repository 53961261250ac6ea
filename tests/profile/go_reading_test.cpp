// Go's decoder, as each engine's own types make it read a profile (moby:
// *Filter pointers; podman: Filter values).
#include <catch2/catch.hpp>

#include "profile/effective.h"
#include "test_util.h"

using namespace profilegen;
using namespace profilegen::profile;
using namespace profilegen::profile::testing;

namespace {

Target On(Engine engine, const char* arch) {
  Target t;
  t.engine = engine;
  t.arch = sys::ArchByScmpName(arch).value().token;
  t.caps = DefaultCaps();
  t.kernel_major = 6;
  t.kernel_minor = 1;
  return t;
}

}  // namespace

TEST_CASE(
    "a repeated includes ending in null: moby resets its pointer, podman "
    "keeps the struct",
    "[profile][go]") {
  const Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}, "includes": null}]})");
  const Rule& r = p.syscalls[0];
  CHECK(r.includes.empty());  // moby: nil
  REQUIRE(r.podman_includes);
  CHECK(r.podman_includes->arches == std::vector<std::string>{"amd64"});
  CHECK(RuleApplies(r, On(Engine::kDocker, "SCMP_ARCH_AARCH64")));
  CHECK_FALSE(RuleApplies(r, On(Engine::kPodman, "SCMP_ARCH_AARCH64")));
  CHECK(RuleApplies(r, On(Engine::kPodman, "SCMP_ARCH_X86_64")));

  const ParseResult warned = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}, "excludes": null}]})");
  CHECK_THAT(FormatAll(warned, "p.json"), Catch::Contains("podman keeps the earlier members"));
}

TEST_CASE(
    "object, null, object: moby keeps only what follows the null, podman "
    "merges all",
    "[profile][go]") {
  const Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}, "includes": null,
       "includes": {"caps": ["CAP_SYS_ADMIN"]}}]})");
  const Rule& r = p.syscalls[0];
  CHECK(r.includes.arches.empty());
  CHECK(r.includes.caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
  REQUIRE(r.podman_includes);
  CHECK(r.podman_includes->arches == std::vector<std::string>{"amd64"});
  CHECK(r.podman_includes->caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
}

TEST_CASE("repeated objects without null merge the same for both engines", "[profile][go]") {
  const Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]},
       "includes": {"caps": ["CAP_SYS_ADMIN"]}}]})");
  CHECK(p.syscalls[0].includes.arches == std::vector<std::string>{"amd64"});
  CHECK(p.syscalls[0].includes.caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
  CHECK_FALSE(p.syscalls[0].podman_includes);
}
