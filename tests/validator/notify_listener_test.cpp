// SCMP_ACT_NOTIFY and its seccomp agent, per engine and runtime (validator/notify_listener.cpp). The engines'
// behaviour these cases encode was measured with the published spo-notify-invalid.json profile
// (published/RESULTS.txt, RESULTS.docker.txt): podman passes listenerPath on and both runtimes fail without an
// agent there; Docker 20.10 does not pass it on, so runc refuses the rules and crun starts the container.
#include <catch2/catch.hpp>

#include "validator/notify_listener.h"
#include "validator/validate.h"

namespace profilegen::validator {
namespace {

profile::Profile NotifyProfile(const std::string& listener_path) {
  profile::ParseResult parsed = profile::ParseProfile(
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]})");
  REQUIRE(!parsed.HasErrors());
  parsed.profile.listener_path = listener_path;
  return parsed.profile;
}

CompileOptions For(profile::Engine engine, Runtime runtime) {
  CompileOptions o;
  o.target.engine = engine;
  o.runtime = runtime;
  return o;
}

profile::Severity Only(const std::vector<profile::Diagnostic>& ds) {
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].path == "listenerPath");
  return ds[0].severity;
}

}  // namespace

TEST_CASE("notify: a missing agent socket stops both runtimes under podman", "[validator][notify]") {
  const profile::Profile p = NotifyProfile("/nonexistent/profilegen-agent.sock");
  CHECK(Only(CheckListener(p, For(profile::Engine::kPodman, Runtime::kRunc))) == profile::Severity::kError);
  CHECK(Only(CheckListener(p, For(profile::Engine::kPodman, Runtime::kCrun))) == profile::Severity::kError);
}

TEST_CASE("notify: Docker drops listenerPath, runc refuses the rules and crun starts", "[validator][notify]") {
  const profile::Profile p = NotifyProfile("/nonexistent/profilegen-agent.sock");
  const auto runc = CheckListener(p, For(profile::Engine::kDocker, Runtime::kRunc));
  CHECK(Only(runc) == profile::Severity::kError);
  CHECK(runc[0].message.find("listenerPath is not set") != std::string::npos);
  CHECK(runc[0].message.find("Docker does not pass") != std::string::npos);
  CHECK(Only(CheckListener(p, For(profile::Engine::kDocker, Runtime::kCrun))) == profile::Severity::kWarning);
}

TEST_CASE("notify: without listenerPath runc refuses and crun starts, whatever the engine", "[validator][notify]") {
  const profile::Profile p = NotifyProfile("");
  for (profile::Engine engine : {profile::Engine::kDocker, profile::Engine::kPodman}) {
    CHECK(Only(CheckListener(p, For(engine, Runtime::kRunc))) == profile::Severity::kError);
    CHECK(Only(CheckListener(p, For(engine, Runtime::kCrun))) == profile::Severity::kWarning);
  }
}

TEST_CASE("notify: a profile without NOTIFY rules needs no agent", "[validator][notify]") {
  profile::ParseResult parsed = profile::ParseProfile(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []})");
  CHECK(CheckListener(parsed.profile, For(profile::Engine::kDocker, Runtime::kRunc)).empty());
}

}  // namespace profilegen::validator
