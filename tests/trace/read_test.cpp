// The fast reader (simdjson) against the checked one (nlohmann DOM): what the fast one reads, the checked one reads
// the same; what it declines, ParseTrace hands to the checked one, so every message stays the checked reader's.
#include <seccomp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "base/error.h"
#include "trace/read_checked.h"
#include "trace/read_fast.h"
#include "trace/trace.h"

using namespace profilegen;

namespace {

const std::string kHead = R"({"profilegen": "trace", "version": 1, "command": ["/bin/app", "a \"quoted\" arg"],
  "started": "2026-11-27T21:00:00Z", "host": {"kernel": "6.1.0", "arch": "SCMP_ARCH_X86_64"},
  "exit": {"code": 0}, "tasks": 3, )";

std::string WithSyscalls(const std::string& entries) { return kHead + "\"syscalls\": [" + entries + "]}"; }

const std::string kGood = WithSyscalls(
    R"({"arch": "SCMP_ARCH_X86_64", "name": "read", "nr": 0, "count": 18446744073709551615,
        "first": {"pid": 9223372036854775807, "exe": "/usr/bin/caf\u00e9"}},
       {"arch": "SCMP_ARCH_X86_64", "name": "socket", "nr": 41, "count": 2, "first": {"pid": 7, "exe": "/bin/app"},
        "args": {"0": {"values": [1, 2, 10]}, "1": {"values": [], "overflow": true}}},
       {"arch": "SCMP_ARCH_X86", "name": null, "nr": 1000, "count": 1, "runs": 4},
       {"arch": "SCMP_ARCH_X32", "nr": 1, "count": 5})");

// "OK <serialised trace>" or "ERROR <message>".
std::string Outcome(const std::function<trace::Trace()>& read) {
  try {
    return "OK " + trace::SerializeTrace(read());
  } catch (const Error& e) {
    return std::string("ERROR ") + e.what();
  }
}

// Whatever the fast reader returns, the checked one returns too; ParseTrace answers as the checked one does.
// Returns whether the fast reader took the text.
bool Agree(const std::string& text) {
  INFO("input: " << text.substr(0, 400));
  std::string checked = Outcome([&] { return trace::ParseTraceChecked(text, "t.json"); });
  std::optional<trace::Trace> fast = trace::ParseTraceFast(text, "t.json");
  if (fast) CHECK("OK " + trace::SerializeTrace(*fast) == checked);
  CHECK(Outcome([&] { return trace::ParseTrace(text, "t.json"); }) == checked);
  return fast.has_value();
}

}  // namespace

TEST_CASE("fast reader: a well-formed trace is read by the fast reader, exactly as the checked one reads it",
          "[unit]") {
  CHECK(Agree(kGood));
  trace::Trace t = *trace::ParseTraceFast(kGood, "t.json");
  const auto& read = t.syscalls.at({SCMP_ARCH_X86_64, 0});
  CHECK(read.count == UINT64_MAX);  // uint64 exactness: no detour through a double
  CHECK(read.first.pid == INT64_MAX);
  CHECK(read.first.exe == "/usr/bin/caf\xc3\xa9");
  CHECK(t.syscalls.at({SCMP_ARCH_X86_64, 41}).args.at(1).overflow);
  CHECK(t.syscalls.at({SCMP_ARCH_X86_64, 41}).args.at(0).values == std::set<uint64_t>{1, 2, 10});
  CHECK_FALSE(t.syscalls.at({SCMP_ARCH_X86, 1000}).name);
  CHECK(t.syscalls.at({SCMP_ARCH_X86, 1000}).runs == 4);
  CHECK(t.syscalls.at({SCMP_ARCH_X32, 1}).name == "write");  // named by libseccomp, as the checked reader does
  CHECK(t.command[1] == "a \"quoted\" arg");
  CHECK(t.tasks == 3);
  // What SerializeTrace writes, the fast reader reads.
  CHECK(Agree(trace::SerializeTrace(t)));
  CHECK(trace::SerializeTrace(*trace::ParseTraceFast(trace::SerializeTrace(t), "t.json")) == trace::SerializeTrace(t));
}

TEST_CASE("fast reader: more than kMaxArgValues values become an overflow, as in the checked reader", "[unit]") {
  std::string values;
  for (size_t i = 0; i <= trace::kMaxArgValues; ++i) values += (i ? ", " : "") + std::to_string(i);
  std::string text = WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 16, "count": 1, "args": {"1": {"values": [)" +
                                  values + "]}}}");
  CHECK(Agree(text));
  CHECK(trace::ParseTraceFast(text, "t.json")->syscalls.begin()->second.args.at(1).overflow);
}

TEST_CASE("fast reader: unknown keys are ignored at every level, as before (a later schema may add sections)",
          "[unit]") {
  std::string deep = std::string(200, '[') + std::string(200, ']');
  CHECK(Agree(kHead + R"("reachable": {"/bin/app": ["read", "write"], "x": )" + deep +
              R"(}, "syscalls": [{"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1, "note": {"a": [1.5, -2, null]},
              "first": {"pid": 1, "tid": 2}, "args": {"0": {"values": [3], "why": "x"}}}]})"));
}

TEST_CASE("fast reader: what it declines, the checked reader decides, with the same messages as before", "[unit]") {
  const std::string rec = R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1})";
  // Duplicate keys: nlohmann keeps the last; the fast reader declines rather than guess.
  CHECK_FALSE(Agree(R"({"profilegen": "trace", "version": 2, "version": 1, "syscalls": []})"));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "nr": 1, "count": 1})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 41, "count": 1, "args": {"0": {"values": [1]},
                                    "0": {"values": [2]}}})")));
  CHECK_FALSE(Agree(kHead + R"("tasks": 4, "syscalls": []})"));
  // A duplicate entry, a newer schema, a name that does not match, numbers that are not uint64.
  CHECK_FALSE(Agree(WithSyscalls(rec + ", " + rec)));
  CHECK_FALSE(Agree(R"({"profilegen": "trace", "version": 2, "syscalls": []})"));
  CHECK_FALSE(Agree(R"({"profilegen": "trace", "version": 0, "syscalls": []})"));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "name": "write", "nr": 0, "count": 1})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 18446744073709551616})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1.0})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": -1})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1e999})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 1073741824, "count": 1})")));
  CHECK_FALSE(Agree(WithSyscalls(R"({"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1,
                                    "first": {"pid": 9223372036854775808}})")));
  CHECK_FALSE(Agree(kHead + R"("exit": {"code": "0"}, "syscalls": []})"));
  CHECK_FALSE(Agree(R"({"profilegen": "trace", "version": 1, "host": {"arch": "SCMP_ARCH_X86_65"}, "syscalls": []})"));
  // Malformed JSON of every kind the probe found simdjson and nlohmann to differ on, or to agree on by luck.
  for (std::string text :
       {std::string("\xef\xbb\xbf") + WithSyscalls(rec), WithSyscalls(rec) + std::string(1, '\0'),
        WithSyscalls(rec) + " x", kHead + "\"syscalls\": [" + rec + ",]}",
        kHead + R"("started": "\ud800", "syscalls": []})", kHead + R"("started": "\udc00", "syscalls": []})",
        kHead + "\"started\": \"a\x01\", \"syscalls\": []}", kHead + "\"started\": \"\xc0\x80\", \"syscalls\": []}",
        std::string("{"), std::string()}) {
    Agree(text);
  }
  // 256 levels of nesting are read; 257 are refused by both, with the checked reader's message.
  std::string ok = kHead + "\"x\": " + std::string(255, '[') + std::string(255, ']') + ", \"syscalls\": []}";
  CHECK(Agree(ok));
  std::string deep = kHead + "\"x\": " + std::string(256, '[') + std::string(256, ']') + ", \"syscalls\": []}";
  CHECK_FALSE(Agree(deep));
  CHECK(Outcome([&] { return trace::ParseTrace(deep, "t.json"); }).find("nested deeper than 256 levels") !=
        std::string::npos);
}
