#include "generator/merge_profiles.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "base/error.h"
#include "profile/writer.h"
#include "tests/generator/helpers.h"

using namespace profilegen;
using namespace profilegen::testing;
using profile::Action;

namespace {

generator::MergeResult MergeFixtures(const std::vector<std::string>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(Fixture(f));
  return generator::MergeProfileFiles(paths);
}

std::string MergeError(const std::vector<std::string>& files) {
  try {
    MergeFixtures(files);
  } catch (const Error& e) {
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("merge: union of allow-lists", "[merge]") {
  auto p = MergeFixtures({"profile-a.json", "profile-b.json"}).profile;
  CHECK(p.default_action == Action::kErrno);
  CHECK(p.default_errno_ret == 1u);
  REQUIRE(p.arch_map.size() == 1);
  CHECK(p.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86"});
  REQUIRE(UnconditionalAllows(p).size() == 1);
  CHECK(UnconditionalAllows(p)[0]->names == std::vector<std::string>{"close", "read", "statx", "write"});
  // Both conditional socket rules survive: the union allows either domain.
  CHECK(RulesFor(p, "socket").size() == 2);
  CHECK(ProfileAllows(p, "socket", 0, 1));
  CHECK(ProfileAllows(p, "socket", 0, 2));
  CHECK_FALSE(ProfileAllows(p, "socket", 0, 10));
  // b allows statx: a's ENOSYS answer for it goes; clone3's stays (both agree), once.
  REQUIRE(RuleFor(p, "clone3"));
  CHECK(RuleFor(p, "clone3")->action == Action::kErrno);
  CHECK(RuleFor(p, "clone3")->names == std::vector<std::string>{"clone3"});
  CHECK(RulesFor(p, "statx").size() == 1);
  // Provenance: each comment keeps its file.
  CHECK(Contains(UnconditionalAllows(p)[0]->comment, Fixture("profile-a.json") + ": a: app"));
  CHECK(Contains(UnconditionalAllows(p)[0]->comment, Fixture("profile-b.json") + ": b: app"));
}

TEST_CASE("merge: an unconditional ALLOW anywhere wins", "[merge]") {
  auto p = MergeFixtures({"profile-a.json", "profile-b.json", "profile-c.json"}).profile;
  REQUIRE(RuleFor(p, "socket"));
  CHECK(RuleFor(p, "socket")->args.empty());
  REQUIRE(RuleFor(p, "clone3"));
  CHECK(RuleFor(p, "clone3")->action == Action::kAllow);
  CHECK(p.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  // c has no defaultErrnoRet: EPERM all the same.
  CHECK(p.default_errno_ret == 1u);
}

TEST_CASE("merge: the same output whatever the order", "[merge]") {
  std::vector<std::string> files = {"profile-a.json", "profile-b.json", "profile-c.json"};
  const std::string expected = profile::WriteProfile(MergeFixtures(files).profile);
  std::sort(files.begin(), files.end());
  do {
    CHECK(profile::WriteProfile(MergeFixtures(files).profile) == expected);
  } while (std::next_permutation(files.begin(), files.end()));
}

TEST_CASE("merge: different default actions are an error naming the files", "[merge]") {
  std::string e = MergeError({"profile-a.json", "profile-kill.json"});
  CHECK(Contains(e, "the profiles have different default actions, so their union is not defined:"));
  CHECK(Contains(e, "SCMP_ACT_ERRNO(1): " + Fixture("profile-a.json")));
  CHECK(Contains(e, "SCMP_ACT_KILL_PROCESS: " + Fixture("profile-kill.json")));
  CHECK(Contains(e, "--default-action"));

  // Same action, other errno: not the same default either.
  profile::Profile a, b;
  a.default_action = b.default_action = Action::kErrno;
  a.default_errno_ret = 1;
  b.default_errno_ret = 38;
  CHECK_THROWS_WITH(generator::MergeProfiles({{"a", a}, {"b", b}}),
                    Catch::Contains("SCMP_ACT_ERRNO(1): a") && Catch::Contains("SCMP_ACT_ERRNO(38): b"));

  std::string deny = MergeError({"profile-a.json", "profile-denylist.json"});
  CHECK(Contains(deny, "merge unions allow-list profiles only:"));
  CHECK(Contains(deny, Fixture("profile-denylist.json") + ": is a deny-list (defaultAction SCMP_ACT_ALLOW)"));

  std::string unreadable = MergeError({"profile-a.json", "nope.json"});
  CHECK(Contains(unreadable, Fixture("nope.json")));
}

TEST_CASE("merge: disagreeing deny rules keep the most permissive, with a warning", "[merge]") {
  profile::Profile a, b;
  a.default_action = b.default_action = Action::kKillProcess;
  profile::Rule ra{{"statx"}, Action::kErrno, 38};
  profile::Rule rb{{"statx"}, Action::kErrno, 1};
  a.syscalls = {ra};
  b.syscalls = {rb};
  auto r = generator::MergeProfiles({{"b", b}, {"a", a}});
  REQUIRE(RuleFor(r.profile, "statx"));
  CHECK(RuleFor(r.profile, "statx")->errno_ret == 38u);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] ==
        "statx: the profiles disagree (SCMP_ACT_ERRNO(1), SCMP_ACT_ERRNO(38)); kept SCMP_ACT_ERRNO(38)");
}

TEST_CASE("merge: conditions of different rules are never put into one rule", "[merge]") {
  profile::Profile a, b;
  a.default_action = b.default_action = Action::kErrno;
  profile::Rule ra{{"socket"}, Action::kAllow};
  ra.args = {{0, 1, 0, profile::Op::kEq}};
  profile::Rule rb{{"socket"}, Action::kAllow};
  rb.args = {{1, 2, 0, profile::Op::kEq}};
  a.syscalls = {ra};
  b.syscalls = {rb};
  auto p = generator::MergeProfiles({{"a", a}, {"b", b}}).profile;
  // One rule with [arg0 == 1, arg1 == 2] would mean AND in runc: they must stay two rules.
  CHECK(RulesFor(p, "socket").size() == 2);
  CHECK(p.default_errno_ret == 1u);
}
