#include <catch2/catch.hpp>
#include <seccomp.h>

#include <algorithm>
#include <random>

#include "base/error.h"
#include "trace/trace.h"

using namespace profilegen;

namespace {

trace::Trace Make(std::vector<std::tuple<uint32_t, int64_t, uint64_t>> calls, std::string exe = "/bin/app") {
  trace::Trace t;
  t.command = {"app"};
  t.host_arch = SCMP_ARCH_X86_64;
  t.tasks = 1;
  t.exit.code = 0;
  for (auto [arch, nr, count] : calls) {
    trace::SyscallRecord r;
    r.arch = arch;
    r.nr = nr;
    r.name = sys::NameOf(arch, nr);
    r.count = count;
    r.first = {42, exe};
    t.syscalls[{arch, nr}] = r;
  }
  return t;
}

std::string Err(const std::string& text) {
  try {
    trace::ParseTrace(text, "t.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a trace survives write and read unchanged", "[unit]") {
  trace::Trace t = Make({{SCMP_ARCH_X86_64, 0, 10}, {SCMP_ARCH_X86, 20, 1}, {SCMP_ARCH_X32, 1, 3}});
  t.syscalls[{SCMP_ARCH_X86_64, 0}].args[0].Add(7);
  t.syscalls[{SCMP_ARCH_X86_64, 0}].args[1].overflow = true;
  t.exit = {std::nullopt, "SIGSEGV"};
  std::string text = trace::SerializeTrace(t);
  trace::Trace back = trace::ParseTrace(text, "t.json");
  CHECK(trace::SerializeTrace(back) == text);
  CHECK(back.syscalls.at({SCMP_ARCH_X32, 1}).name == "write");
  CHECK(back.exit.signal == "SIGSEGV");
  CHECK(text.find("\"arch\": \"SCMP_ARCH_X32\"") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("merging: union, counts summed, runs counted, value sets united, order-independent", "[unit]") {
  trace::Trace a = Make({{SCMP_ARCH_X86_64, 0, 10}, {SCMP_ARCH_X86_64, 1, 5}}, "/bin/a");
  trace::Trace b = Make({{SCMP_ARCH_X86_64, 0, 1}, {SCMP_ARCH_X86_64, 41, 2}}, "/bin/b");
  a.syscalls[{SCMP_ARCH_X86_64, 0}].args[0].Add(1);
  b.syscalls[{SCMP_ARCH_X86_64, 0}].args[0].Add(2);
  trace::Trace m1 = trace::MergeAll({a, b});
  trace::Trace m2 = trace::MergeAll({b, a});
  CHECK(trace::SerializeTrace(m1) == trace::SerializeTrace(m2));
  CHECK(m1.runs == 2);
  const auto& read = m1.syscalls.at({SCMP_ARCH_X86_64, 0});
  CHECK(read.count == 11);
  CHECK(read.runs == 2);
  CHECK(read.args.at(0).values == std::set<uint64_t>{1, 2});
  CHECK(m1.syscalls.at({SCMP_ARCH_X86_64, 41}).runs == 1);
  CHECK(m1.syscalls.size() == 3);
}

TEST_CASE("argument value sets are bounded; overflow is sticky", "[unit]") {
  trace::ArgValues v;
  for (uint64_t i = 0; i <= trace::kMaxArgValues; ++i) v.Add(i);
  CHECK(v.overflow);
  CHECK(v.values.empty());
  trace::ArgValues w;
  w.Add(1);
  w.Merge(v);
  CHECK(w.overflow);
  w.Add(3);
  CHECK(w.values.empty());
}

TEST_CASE("bad traces get one clear message naming the file and JSON path", "[unit]") {
  CHECK(Err("{") .rfind("t.json:1:2: malformed JSON", 0) == 0);
  CHECK(Err("[]") == "t.json: (top level): expected a JSON object");
  CHECK(Err("{}") == "t.json: profilegen: not a profilegen trace (expected \"profilegen\": \"trace\")");
  CHECK(Err(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []})") ==
        "t.json: (top level): this looks like a seccomp profile, not a trace (traces come from `profilegen record`)");
  CHECK(Err(R"({"profilegen": "trace", "version": 3, "syscalls": []})") ==
        "t.json: version: trace schema version 3 is newer than this profilegen understands (2); upgrade profilegen");
  CHECK(Err(R"({"profilegen": "trace", "version": 1})") == "t.json: (top level): missing \"syscalls\"");
  CHECK(Err(R"({"profilegen": "trace", "version": 1, "syscalls": [{"arch": "SCMP_ARCH_X86_65", "nr": 0, "count": 1}]})") ==
        "t.json: syscalls[0].arch: unknown architecture \"SCMP_ARCH_X86_65\"");
  CHECK(Err(R"({"profilegen": "trace", "version": 1, "syscalls": [{"arch": "SCMP_ARCH_X86_64", "nr": -1, "count": 1}]})") ==
        "t.json: syscalls[0].nr: expected a non-negative integer, got -1");
  CHECK(Err(R"({"profilegen": "trace", "version": 1, "syscalls": [{"arch": "SCMP_ARCH_X86_64", "name": "write", "nr": 0, "count": 1}]})") ==
        "t.json: syscalls[0].name: \"write\" does not match syscall 0 on SCMP_ARCH_X86_64, which is \"read\"");
  CHECK(Err(R"({"profilegen": "trace", "version": 1, "syscalls": [{"arch": "SCMP_ARCH_X86_64", "nr": 0, "count": 1, "args": {"9": {"values": []}}}]})") ==
        "t.json: syscalls[0].args: argument index must be \"0\" to \"5\", got \"9\"");
  CHECK(Err(std::string(100000, '[')).find("nested deeper than 256 levels") != std::string::npos);
}

TEST_CASE("unnamed numbers keep a null name and their number", "[unit]") {
  trace::Trace t = Make({{SCMP_ARCH_X86_64, 1000, 1}});
  std::string text = trace::SerializeTrace(t);
  CHECK(text.find("\"name\": null") != std::string::npos);
  auto back = trace::ParseTrace(text, "t.json");
  CHECK_FALSE(back.syscalls.begin()->second.name);
  CHECK(back.syscalls.begin()->second.DisplayName() == "#1000");
}
