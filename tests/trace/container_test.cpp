#include "trace/container.h"

#include <catch2/catch.hpp>

#include "base/error.h"
#include "trace/trace.h"

using namespace profilegen::trace;

namespace {

ContainerFacts Facts(const std::string& engine, const std::string& runtime, bool nnp) {
  ContainerFacts f;
  f.engine = engine;
  f.engine_version = "1.0";
  f.runtime = runtime;
  f.runtime_version = "1.1.5";
  f.no_new_privileges = nnp;
  f.image = "img";
  f.image_id = "sha256:00";
  return f;
}

}  // namespace

TEST_CASE("container facts survive a trace round trip and merge without duplicates", "[trace]") {
  Trace t;
  t.host_arch = profilegen::sys::HostArch();
  t.containers.push_back(Facts("docker", "runc", false));
  Trace back = ParseTrace(SerializeTrace(t), "t.json");
  REQUIRE(back.containers.size() == 1);
  CHECK(back.containers[0] == t.containers[0]);

  Trace other = t;
  other.containers = {Facts("podman", "crun", true)};
  Trace merged = MergeAll({t, other, t});
  REQUIRE(merged.containers.size() == 2);
  CHECK(ParseTrace(SerializeTrace(merged), "m.json").containers == merged.containers);
}

TEST_CASE("traces without containers stay as they were", "[trace]") {
  Trace t;
  t.host_arch = profilegen::sys::HostArch();
  CHECK(SerializeTrace(t).find("containers") == std::string::npos);
}

TEST_CASE("malformed container facts name the JSON path", "[trace]") {
  const std::string head = R"({"profilegen": "trace", "version": 1, "syscalls": [], "containers": )";
  CHECK_THROWS_WITH(ParseTrace(head + R"([{"engine": "docker"}]})", "t.json"),
                    "t.json: containers[0]: missing \"runtime\"");
  CHECK_THROWS_WITH(ParseTrace(head + R"([{"engine": "docker", "runtime": "runc", "noNewPrivileges": 1}]})", "t.json"),
                    "t.json: containers[0].noNewPrivileges: expected true or false");
  CHECK_THROWS_WITH(ParseTrace(head + R"({}})", "t.json"), "t.json: containers: expected an array");
}
