#include "engines/late_facts.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "base/error.h"
#include "trace/trace.h"

using namespace profilegen;
using namespace profilegen::engines;

namespace {

// A trace as the profilegen inside the container writes it with placeholder facts: no-new-privileges seen.
std::string PartialTrace(const std::string& containers) {
  return R"({"profilegen": "trace", "version": 1, "command": ["sh", "-c", "echo hi"],
    "started": "2026-11-30T03:00:00Z", "host": {"kernel": "6.18.44", "arch": "SCMP_ARCH_X86_64"},
    "exit": {"code": 7}, "tasks": 2,
    "syscalls": [{"arch": "SCMP_ARCH_X86_64", "name": "write", "nr": 1, "count": 3,
                  "first": {"pid": 1, "exe": "/bin/busybox"}}],
    "containers": )" +
         containers + "}";
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("late facts: the partial trace's name is hidden beside the output", "[engines]") {
  CHECK(PartialTraceName("trace.json") == ".trace.json.partial");
}

TEST_CASE("late facts: the engine's answer completes the partial trace, published at the output", "[engines]") {
  char tmpl[] = "/tmp/pg-latefacts-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string partial = dir + "/" + PartialTraceName("t.json"), output = dir + "/t.json";
  std::ofstream(partial) << PartialTrace(
      std::string(R"([{"engine": "podman", "runtime": ")") + kPendingRuntime +
      R"(", "noNewPrivileges": true, "image": "img:1", "imageId": "sha256:ab", "imageDigest": ""}])");
  trace::ContainerFacts facts{"podman", "4.3.1", "runc", "1.1.5+ds1", false, "img:1", "sha256:ab", ""};
  CompleteTrace(partial, output, facts);
  CHECK_FALSE(Exists(partial));
  trace::Trace t = trace::LoadTrace(output);
  REQUIRE(t.containers.size() == 1);
  trace::ContainerFacts want = facts;
  want.no_new_privileges = true;  // the container's own bit is kept
  CHECK(t.containers[0] == want);
  CHECK(t.exit.code == 7);
  CHECK(t.syscalls.size() == 1);

  SECTION("a partial trace that is not one container recording is an error, and nothing is published") {
    ::unlink(output.c_str());
    std::ofstream(partial) << PartialTrace("[]");
    CHECK_THROWS_AS(CompleteTrace(partial, output, facts), Error);
    CHECK_FALSE(Exists(output));
  }
  ::unlink(partial.c_str());
  ::unlink(output.c_str());
  ::rmdir(dir.c_str());
}
