// --args strict with a runtime layer: the runtime's own calls of a syscall that strict mode guards by its
// arguments (prctl) stay allowed, but only with the argument values the runtime was measured to use.
#include <sys/prctl.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "generator/generate.h"
#include "generator/load_traces.h"
#include "tests/generator/helpers.h"

using namespace profilegen;
using namespace profilegen::testing;
using generator::ArgPolicy;
using generator::GenerateOptions;
using generator::Runtime;

namespace {

generator::GenerateResult Strict(Runtime runtime, bool no_new_privileges) {
  GenerateOptions o;
  o.args = ArgPolicy::kStrict;
  o.runtime = runtime;
  o.no_new_privileges = no_new_privileges;
  return generator::Generate(generator::LoadAndMergeTraces({Fixture("run1.json")}), o);
}

bool AnyWarning(const generator::GenerateResult& r, const std::string& needle) {
  return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const std::string& w) { return Contains(w, needle); });
}

}  // namespace

TEST_CASE("generate --args strict: the default runtime layer's prctl is guarded by its measured options",
          "[generate][guards][runtime]") {
  // Docker's default: runc without no-new-privileges. run1.json's program calls prctl(PR_SET_NAME) (15).
  auto r = Strict(Runtime::kRunc, false);
  const auto& p = r.profile;
  for (const auto* u : UnconditionalAllows(p)) CHECK_FALSE(HasName(*u, "prctl"));
  CHECK(ProfileAllows(p, "prctl", 0, PR_SET_NAME));        // the program's own
  CHECK(ProfileAllows(p, "prctl", 0, PR_CAPBSET_DROP));    // runc drops the bounding set after the filter
  CHECK(ProfileAllows(p, "prctl", 0, PR_SET_KEEPCAPS));    // around setuid
  CHECK(ProfileAllows(p, "prctl", 0, PR_CAP_AMBIENT));     // ambient capabilities
  CHECK_FALSE(ProfileAllows(p, "prctl", 0, PR_SET_SECCOMP));
  CHECK_FALSE(ProfileAllows(p, "prctl", 0, PR_SET_DUMPABLE));
  // Every prctl rule says where its values come from.
  for (const auto* rule : RulesFor(p, "prctl")) {
    INFO(rule->comment);
    CHECK((Contains(rule->comment, "observed") || Contains(rule->comment, "runtime layer runc 1.1.5")));
  }
  // runc's Go background group lists prctl without measured values: said, not hidden.
  CHECK(AnyWarning(r, "prctl"));

  auto crun = Strict(Runtime::kCrun, false).profile;
  for (const auto* u : UnconditionalAllows(crun)) CHECK_FALSE(HasName(*u, "prctl"));
  CHECK(ProfileAllows(crun, "prctl", 0, PR_CAPBSET_DROP));
  CHECK(ProfileAllows(crun, "prctl", 0, PR_SET_KEEPCAPS));
  CHECK(ProfileAllows(crun, "prctl", 0, PR_CAP_AMBIENT));
  CHECK_FALSE(ProfileAllows(crun, "prctl", 0, PR_SET_SECCOMP));
}

TEST_CASE("generate --args guard leaves the runtime layer's prctl unconditional", "[generate][guards][runtime]") {
  GenerateOptions o;
  o.args = ArgPolicy::kGuard;
  auto p = generator::Generate(generator::LoadAndMergeTraces({Fixture("run1.json")}), o).profile;
  CHECK(HasName(*UnconditionalAllows(p)[0], "prctl"));
}
