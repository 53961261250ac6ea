// Trace schema v2: the reachable section round-trips, merges as a union, and v1 traces still read.
#include <catch2/catch.hpp>

#include "base/error.h"
#include "trace/trace.h"

namespace profilegen::trace {
namespace {

const char* kV1 = R"({"profilegen": "trace", "version": 1, "syscalls": [
  {"arch": "SCMP_ARCH_X86_64", "name": "read", "nr": 0, "count": 3, "first": {"pid": 1, "exe": "/bin/x"}}]})";

TEST_CASE("a v1 trace reads without a reachable section and writes as v1", "[trace][reachable]") {
  Trace t = ParseTrace(kV1, "t.json");
  CHECK(!t.reachable);
  CHECK(SerializeTrace(t).find("\"version\": 1,") != std::string::npos);
}

TEST_CASE("the reachable section round-trips as schema v2", "[trace][reachable]") {
  Trace t = ParseTrace(kV1, "t.json");
  sys::ArchToken x86_64 = sys::ArchByNativeName("amd64")->token;
  t.reachable = Reachable{{{x86_64, {"read", "fsync"}}}, {"/bin/x", "/lib/libc.so.6"}, 2};
  std::string text = SerializeTrace(t);
  CHECK(text.find("\"version\": 2,") != std::string::npos);
  Trace back = ParseTrace(text, "t.json");
  REQUIRE(back.reachable);
  CHECK(*back.reachable == *t.reachable);
  CHECK(SerializeTrace(back) == text);
}

TEST_CASE("merging unites reachable sets", "[trace][reachable]") {
  sys::ArchToken x86_64 = sys::ArchByNativeName("amd64")->token;
  Trace a = ParseTrace(kV1, "a.json"), b = ParseTrace(kV1, "b.json"), c = ParseTrace(kV1, "c.json");
  a.reachable = Reachable{{{x86_64, {"read"}}}, {"/bin/a"}, 1};
  b.reachable = Reachable{{{x86_64, {"fsync"}}}, {"/bin/b"}, 0};
  Trace m = MergeAll({a, b, c});
  REQUIRE(m.reachable);
  CHECK(m.reachable->names[x86_64] == std::set<std::string>{"fsync", "read"});
  CHECK(m.reachable->binaries == std::vector<std::string>{"/bin/a", "/bin/b"});
  CHECK(m.reachable->unresolved == 1);
}

TEST_CASE("a malformed reachable section is one clear error", "[trace][reachable]") {
  std::string text = R"({"profilegen": "trace", "version": 2, "syscalls": [],
                         "reachable": {"syscalls": {"SCMP_ARCH_NOPE": ["read"]}}})";
  try {
    ParseTrace(text, "t.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "t.json: reachable.syscalls.SCMP_ARCH_NOPE: unknown architecture");
  }
}

}  // namespace
}  // namespace profilegen::trace
