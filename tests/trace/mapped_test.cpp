// The optional "mapped" section: the files a recording saw mapped executable. Absent, a trace reads and writes
// exactly as before (v1 and v2 alike); present, it round-trips through both readers and merges as a union.
#include <catch2/catch.hpp>

#include "base/error.h"
#include "trace/read_checked.h"
#include "trace/trace.h"

namespace profilegen::trace {
namespace {

const char* kV1 = R"({"profilegen": "trace", "version": 1, "syscalls": [
  {"arch": "SCMP_ARCH_X86_64", "name": "read", "nr": 0, "count": 3, "first": {"pid": 1, "exe": "/bin/x"}}]})";

std::string ErrorOf(const std::string& text) {
  try {
    ParseTrace(text, "t.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("a trace without mapped files reads and writes as before", "[trace][mapped]") {
  Trace t = ParseTrace(kV1, "t.json");
  CHECK(t.mapped.empty());
  std::string text = SerializeTrace(t);
  CHECK(text.find("\"mapped\"") == std::string::npos);
  CHECK(text.find("\"version\": 1,") != std::string::npos);
  t.reachable = Reachable{};
  CHECK(SerializeTrace(t).find("\"mapped\"") == std::string::npos);
}

TEST_CASE("mapped files round-trip, sorted, through both readers, in v1 and v2", "[trace][mapped]") {
  Trace t = ParseTrace(kV1, "t.json");
  t.mapped = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/bin/x", "/opt/plugin.so (deleted)"};
  std::string text = SerializeTrace(t);
  CHECK(text.find("\"version\": 1,") != std::string::npos);  // an optional section: no version bump
  CHECK(text.find("\"mapped\": [\n        \"/bin/x\",\n        \"/opt/plugin.so (deleted)\",") != std::string::npos);
  Trace fast = ParseTrace(text, "t.json");
  Trace checked = ParseTraceChecked(text, "t.json");
  CHECK(fast.mapped == t.mapped);
  CHECK(checked.mapped == t.mapped);
  CHECK(SerializeTrace(fast) == text);
  t.reachable = Reachable{};
  Trace v2 = ParseTrace(SerializeTrace(t), "t.json");
  CHECK(v2.mapped == t.mapped);
  CHECK(v2.reachable);
}

TEST_CASE("merging unites mapped files", "[trace][mapped]") {
  Trace a = ParseTrace(kV1, "a.json"), b = ParseTrace(kV1, "b.json"), c = ParseTrace(kV1, "c.json");
  a.mapped = {"/bin/a", "/lib/libc.so.6"};
  b.mapped = {"/bin/b", "/lib/libc.so.6"};
  Trace m = MergeAll({a, b, c});
  CHECK(m.mapped == std::set<std::string>{"/bin/a", "/bin/b", "/lib/libc.so.6"});
}

TEST_CASE("a malformed mapped section is one clear error", "[trace][mapped]") {
  std::string head = R"({"profilegen": "trace", "version": 1, "syscalls": [], "mapped": )";
  CHECK(ErrorOf(head + R"("/bin/x"})") == "t.json: mapped: expected an array of file paths");
  CHECK(ErrorOf(head + R"(["/bin/x", 3]})") == "t.json: mapped[1]: expected a string, got 3");
  CHECK(ErrorOf(head + R"(["lib.so"]})") == "t.json: mapped[0]: expected an absolute path, got \"lib.so\"");
}

}  // namespace
}  // namespace profilegen::trace
