// validate and the runtime's own syscalls after the filter load whose failure the runtime ignores: runc 1.1.5's
// fcntl(F_SETFD) (generator/data/runtime-runc.json, "validate": "error-unless-errno"). An errno answer lets the
// container start, SIGSYS or a kill stops it (measured by hand with runc and Docker's default profile without
// fcntl: KILL_PROCESS and TRAP defaults fail 3 of 3 starts, ERRNO starts, no-new-privileges starts with all
// three).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "profile/runtime_layer.h"
#include "tests/validator/helpers.h"
#include "validator/validate.h"

namespace profilegen::validator {
namespace {

Report ValidateMobyWithoutFcntl(const std::string& default_action, bool nnp, Runtime runtime = Runtime::kRunc) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(testing::MobyWithout({"fcntl"}));
  j["defaultAction"] = default_action;
  ValidateOptions o;
  o.compile.target.caps = profile::DefaultCaps();
  o.compile.runtime = runtime;
  o.no_new_privileges = nnp;
  return ValidateText(j.dump(), "p.json", o);
}

bool Mentions(const Report& r, const std::string& text) {
  for (const auto& d : r.diagnostics)
    if (d.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("runtime layer: runc's fcntl is fatal unless the answer is an errno", "[validator][runtime]") {
  bool listed = false;
  for (const profile::RuntimeNeed& n : profile::RuntimeNeeds(profile::RuntimeLayerFor("runc"), false)) {
    if (n.name != "fcntl") continue;
    listed = true;
    CHECK(n.fatal);
    CHECK(n.errno_harmless);
  }
  CHECK(listed);
  for (const profile::RuntimeNeed& n : profile::RuntimeNeeds(profile::RuntimeLayerFor("runc"), true))
    CHECK(n.name != "fcntl");
}

TEST_CASE("validate: runc cannot start a container whose profile kills or traps fcntl", "[validator][runtime]") {
  for (const char* action : {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL", "SCMP_ACT_TRAP"}) {
    INFO(action);
    const Report r = ValidateMobyWithoutFcntl(action, false);
    CHECK_FALSE(r.starts);
    CHECK(r.ExitCode() == 1);
    CHECK(Mentions(r, "makes fcntl after loading the filter"));
  }
  // An errno answer: runc ignores the failure and starts.
  const Report errno_default = ValidateMobyWithoutFcntl("SCMP_ACT_ERRNO", false);
  CHECK_FALSE(Mentions(errno_default, "fcntl"));
  // With no_new_privs runc loads the filter later and makes no fcntl after it.
  const Report nnp = ValidateMobyWithoutFcntl("SCMP_ACT_KILL_PROCESS", true);
  CHECK_FALSE(Mentions(nnp, "fcntl"));
}

TEST_CASE("runtime layer data: \"validate\" takes error, warning or error-unless-errno", "[validator][runtime]") {
  const std::string head = R"({"profilegen": "runtime-layer", "version": 1, "runtime": "runc", "runtimeVersion": "1.1.5", "measured": "by hand", "groups": [)";
  auto parse = [&](const std::string& value) {
    return profile::ParseRuntimeLayer(
        head + R"({"when": "always", "why": "w", "names": ["fcntl"], "validate": ")" + value + R"("}]})", "t.json");
  };
  CHECK(parse("error-unless-errno").groups.at(0).errno_harmless);
  CHECK_FALSE(parse("error").groups.at(0).errno_harmless);
  CHECK_FALSE(parse("warning").groups.at(0).fatal);
  CHECK_THROWS_WITH(parse("sometimes"), Catch::Contains("error-unless-errno"));
}

}  // namespace profilegen::validator
