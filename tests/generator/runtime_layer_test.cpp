#include "generator/runtime_layer.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "generator/embedded_data.h"
#include "syscalls/syscalls.h"

using namespace profilegen;
using namespace profilegen::generator;

namespace {

std::string Message(const std::string& text) {
  try {
    ParseRuntimeLayer(text, "runtime-x.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("runtime layer: the data files are compiled in, byte for byte", "[runtime]") {
  const auto& files = EmbeddedRuntimeLayers();
  REQUIRE(files.size() == 2);
  CHECK(files[0].name == "runtime-crun.json");
  CHECK(files[1].name == "runtime-runc.json");
  for (const auto& f : files) {
    std::ifstream in(std::string(PROFILEGEN_SOURCE_DIR) + "/generator/data/" + std::string(f.name));
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == f.content);
  }
}

TEST_CASE("runtime layer: provenance and versions", "[runtime]") {
  const auto& files = RuntimeLayerFiles();
  REQUIRE(files.size() == 2);
  CHECK(files[0].runtime == "crun");
  CHECK(files[0].runtime_version == "1.8.1");
  CHECK(files[1].runtime == "runc");
  CHECK(files[1].runtime_version == "1.1.5");
  for (const auto& f : files) {
    CHECK(f.measured.find("busybox") != std::string::npos);
    for (const auto& g : f.groups) {
      CHECK_FALSE(g.why.empty());
      for (const auto& n : g.names) CHECK(sys::IsKnownName(n));
    }
  }
  CHECK(SelectRuntimeLayer(Runtime::kCrun, true).names == std::set<std::string>{"execve"});
  // crun without no_new_privs writes to its sync pipe after the filter load (measured with tests/e2e/bare.c).
  CHECK(SelectRuntimeLayer(Runtime::kCrun, false).names.count("write") == 1);
  CHECK(SelectRuntimeLayer(Runtime::kCrun, true).names.count("write") == 0);
  CHECK(SelectRuntimeLayer(Runtime::kCrun, true).label == "runtime layer crun 1.8.1 (no-new-privileges=true)");
  CHECK(SelectRuntimeLayer(Runtime::kRunc, false).label == "runtime layer runc 1.1.5 (no-new-privileges=false)");
  CHECK(SelectRuntimeLayer(Runtime::kNone, false).names.empty());
  CHECK(SelectRuntimeLayer(Runtime::kNone, false).label.empty());
}

TEST_CASE("runtime layer: bad data is refused with its location", "[runtime]") {
  const std::string head = R"({"profilegen": "runtime-layer", "version": 1, "runtime": "x", "runtimeVersion": "1",
                               "measured": "by hand", "groups": )";
  CHECK(Message(head + R"([{"when": "always", "why": "w", "names": ["opnat"]}]})") ==
        "runtime-x.json: groups[0].names[0]: \"opnat\" is not a syscall libseccomp knows");
  CHECK(Message(head + R"([{"when": "sometimes", "why": "w", "names": ["read"]}]})")
            .find("groups[0].when: expected \"always\"") != std::string::npos);
  CHECK(Message(head + R"([]})") == "runtime-x.json: groups: expected a non-empty array");
  CHECK(Message(R"({"profilegen": "trace"})").find("not a runtime layer file") != std::string::npos);
  auto ok = ParseRuntimeLayer(head + R"([{"when": "no-new-privileges=true", "why": "w", "names": ["read"]}]})", "x");
  CHECK(ok.groups[0].AppliesTo(true));
  CHECK_FALSE(ok.groups[0].AppliesTo(false));
}
