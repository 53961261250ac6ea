// The profiles committed in samples/profiles/ (made by scripts/sample-profiles.sh) validate, load, and let
// their samples run unchanged under `profilegen run`.
#include <catch2/catch.hpp>

#include "tests/tracer/harness.h"

using harness::Binary;
using harness::Sample;
using harness::Sh;

TEST_CASE("committed sample profiles validate, load and enforce", "[ptrace]") {
  harness::TempDir dir;
  struct Case {
    const char* profile;
    std::string command;
    const char* expect;
  };
  const Case cases[] = {
      {"mkdir_tool", Sample("mkdir_tool") + " " + (dir / "d1"), "mkdir_tool: made"},
      {"threads", Sample("threads"), "threads: 4 workers done"},
      {"pipeline", Sample("pipeline"), "HELLO FROM A PIPELINE"},
      {"signals", Sample("signals"), "signals: usr1=1 alrm=1 chld=1"},
      {"static32", Sample("static32"), "static32: pid"},
      {"int80", Sample("int80"), "int80: getpid via int 0x80 = same"},
  };
  for (const Case& c : cases) {
    SECTION(c.profile) {
      const bool i386 = std::string(c.profile) == "static32" || std::string(c.profile) == "int80";
      if (i386 && !harness::NeedI386(std::string("the ") + c.profile + " sample under its profile")) continue;
      std::string profile = std::string(PROFILEGEN_SOURCE_DIR) + "/samples/profiles/" + c.profile + ".json";
      auto v = Sh(Binary() + " validate --runtime none --load " + profile);  // made with generate --runtime none
      INFO(v.output);
      CHECK(v.code == 0);
      auto r = Sh("env -i PATH=/usr/bin:/bin " + Binary() + " run --profile " + profile + " -- " + c.command);
      INFO(r.output);
      CHECK(r.code == 0);
      CHECK(r.output.find(c.expect) != std::string::npos);
    }
  }
  SECTION("a profile without the sample's distinctive syscall denies it") {
    auto r = Sh("sed '/\"mkdir\",/d' " + std::string(PROFILEGEN_SOURCE_DIR) + "/samples/profiles/mkdir_tool.json > " +
                (dir / "p.json") + " && " + Binary() + " run --profile " + (dir / "p.json") + " -- " +
                Sample("mkdir_tool") + " " + (dir / "d2"));
    CHECK(r.code == 1);
    CHECK(r.output.find("mkdir: Operation not permitted") != std::string::npos);
  }
}
