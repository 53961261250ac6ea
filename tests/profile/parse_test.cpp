#include <catch2/catch.hpp>
#include <random>
#include <regex>
#include <set>

#include "base/error.h"
#include "syscalls/syscalls.h"
#include "test_util.h"

using namespace profilegen;
using namespace profilegen::profile;
using namespace profilegen::profile::testing;

namespace {

// The names in a profile that the libseccomp on this machine does not know (they depend on its version).
std::set<std::string> UnknownNames(const Profile& p) {
  std::set<std::string> out;
  for (const auto& r : p.syscalls)
    for (const auto& n : r.names)
      if (!sys::IsKnownName(n)) out.insert(n);
  return out;
}

// Splits the diagnostics into unknown-syscall warnings (returning their names) and the rest (formatted).
std::set<std::string> SplitUnknown(const ParseResult& r, std::vector<std::string>& rest) {
  static const std::regex unknown(R"re(unknown syscall "([a-z0-9_]+)".*so runc skips it)re");
  std::set<std::string> names;
  for (const auto& d : r.diagnostics) {
    std::smatch m;
    if (d.severity == Severity::kWarning && std::regex_search(d.message, m, unknown)) {
      names.insert(m[1]);
    } else {
      rest.push_back(d.Format("f"));
    }
  }
  return names;
}

}  // namespace

TEST_CASE("moby's default profile parses without errors", "[profile][parse][fixture]") {
  ParseResult r = ParseProfile(Fixture("moby-default.json"));
  INFO(FormatAll(r, "moby-default.json"));
  REQUIRE_FALSE(r.HasErrors());
  // Its only warnings: names newer than this machine's libseccomp (e.g. mseal on 2.5.4), which runc skips.
  std::vector<std::string> rest;
  CHECK(SplitUnknown(r, rest) == UnknownNames(r.profile));
  CHECK(rest.empty());

  const Profile& p = r.profile;
  CHECK(p.default_action == Action::kErrno);
  CHECK(p.default_errno_ret == 1u);
  CHECK(p.arch_map.size() == 9);
  CHECK(p.arch_map[0].architecture == "SCMP_ARCH_X86_64");
  CHECK(p.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  CHECK(p.arch_map[7].sub_architectures.empty());  // "subArchitectures": null
  CHECK_FALSE(p.flags);
  REQUIRE(p.syscalls.size() == 33);
  CHECK(p.syscalls[0].names.size() == 361);
  CHECK(p.syscalls[1].includes.min_kernel == "4.8");
  CHECK(p.syscalls[9].args[0].value == 4294967295u);
  CHECK(p.syscalls[18].args[0].op == Op::kMaskedEq);
  CHECK(p.syscalls[18].excludes.caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
  CHECK(p.syscalls[20].errno_ret == 38u);
}

TEST_CASE("podman's containers-common profile parses without errors", "[profile][parse][fixture]") {
  ParseResult r = ParseProfile(Fixture("containers-common.json"));
  INFO(FormatAll(r, "containers-common.json"));
  REQUIRE_FALSE(r.HasErrors());
  std::vector<std::string> rest;
  CHECK(SplitUnknown(r, rest) == UnknownNames(r.profile));
  // setns is allowed unconditionally in entry 1, so the CAP_SYS_ADMIN entries cannot change it.
  CHECK(rest == std::vector<std::string>{
                    "f: syscalls[15].names[6]: warning: \"setns\" already has the same unconditional rule in "
                    "syscalls[1]: this repeat has no effect",
                    "f: syscalls[16].names[6]: warning: \"setns\" already has an unconditional rule in syscalls[1] "
                    "(SCMP_ACT_ALLOW): libseccomp silently drops this later rule"});
  const Profile& p = r.profile;
  CHECK(p.default_errno_ret == 38u);
  CHECK(p.podman_default_errno == "ENOSYS");
  CHECK(p.syscalls[16].podman_errno == "EPERM");
  CHECK(p.syscalls[16].errno_ret == 1u);
}

TEST_CASE("argument values are exact uint64, never doubles", "[profile][parse]") {
  // 2^53 + 1 is not representable as a double; 2^64 - 1 is the largest uint64.
  Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"],
      "action": "SCMP_ACT_ALLOW", "args": [
        {"index": 0, "value": 9007199254740993, "op": "SCMP_CMP_EQ"},
        {"index": 1, "value": 18446744073709551615, "valueTwo": 18446744073709551615, "op": "SCMP_CMP_MASKED_EQ"}]}]})");
  REQUIRE(p.syscalls[0].args.size() == 2);
  CHECK(p.syscalls[0].args[0].value == 9007199254740993ull);
  CHECK(p.syscalls[0].args[1].value == UINT64_MAX);
  CHECK(p.syscalls[0].args[1].value_two == UINT64_MAX);

  for (const char* bad :
       {"-1", "-0", "1.0", "1e3", "18446744073709551616", "99999999999999999999999", "\"1\"", "true"}) {
    INFO(bad);
    ParseResult r = ParseProfile(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"],
        "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": )") +
                                 bad + "}]}]}");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].severity == Severity::kError);
    CHECK(r.diagnostics[0].path == "syscalls[0].args[0].value");
  }
}

TEST_CASE("Go's key matching: case-insensitive keys are used, the last duplicate wins", "[profile][parse]") {
  ParseResult r = ParseProfile(R"({"DEFAULTACTION": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_ERRNO",
      "syscalls": [{"Names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "action": "SCMP_ACT_KILL",
                    "excludes": {"caps": null, "min\u212Aernel": "5.4"}, "excludes": {"caps": ["CAP_SYS_PTRACE"]}}]})");
  INFO(FormatAll(r, "f"));
  CHECK_FALSE(r.HasErrors());
  CHECK(r.profile.default_action == Action::kErrno);
  REQUIRE(r.profile.syscalls.size() == 1);
  const Rule& rule = r.profile.syscalls[0];
  CHECK(rule.names == std::vector<std::string>{"ptrace"});
  CHECK(rule.action == Action::kKillThread);
  // A repeated object key merges, as Go decodes into the same struct (the Kelvin sign folds to 'k'; the later
  // "caps" wins over the earlier null).
  CHECK(rule.excludes.min_kernel == "5.4");
  CHECK(rule.excludes.caps == std::vector<std::string>{"CAP_SYS_PTRACE"});
  CHECK(FormatAll(r, "f") ==
        "f: DEFAULTACTION: warning: key \"DEFAULTACTION\" is read as \"defaultAction\" (Go matches keys ignoring "
        "case); write it as \"defaultAction\"\n"
        "f: defaultAction: warning: duplicate key \"defaultAction\": the loaders use the last one and ignore the "
        "earlier\n"
        "f: syscalls[0].Names: warning: key \"Names\" is read as \"names\" (Go matches keys ignoring case); write it "
        "as \"names\"\n"
        "f: syscalls[0].action: warning: duplicate key \"action\": the loaders use the last one and ignore the "
        "earlier\n"
        "f: syscalls[0].excludes: warning: duplicate key \"excludes\": the loaders use the last one and ignore the "
        "earlier\n"
        "f: syscalls[0].excludes.min\u212Aernel: warning: key \"min\u212Aernel\" is read as \"minKernel\" (Go "
        "matches keys ignoring case); write it as \"minKernel\"\n"
        "f: syscalls[0].excludes.caps: warning: duplicate key \"caps\": the loaders use the last one and ignore the "
        "earlier\n");
}

TEST_CASE("name is merged into names; comments, listener, flags are kept", "[profile][parse]") {
  Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": [], "listenerPath": "/run/a.sock",
      "listenerMetadata": "m", "syscalls": [{"name": "read", "action": "SCMP_ACT_ALLOW", "comment": "c"},
      {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]})");
  CHECK(p.syscalls[0].names == std::vector<std::string>{"read"});
  CHECK(p.syscalls[0].comment == "c");
  CHECK(p.flags == std::vector<std::string>{});
  CHECK(p.listener_path == "/run/a.sock");
  CHECK(p.listener_metadata == "m");
}

TEST_CASE("Diagnostic::Format", "[profile][parse]") {
  CHECK(Diagnostic{Severity::kError, "syscalls[3].args[0].op", "unknown operator"}.Format("p.json") ==
        "p.json: syscalls[3].args[0].op: error: unknown operator");
  CHECK(Diagnostic{Severity::kWarning, "", "seccomp is off"}.Format("p.json") == "p.json: warning: seccomp is off");
}

TEST_CASE("malformed JSON: one error with line and column", "[profile][parse]") {
  ParseResult r = ParseProfile("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\"\n  \"syscalls\": []\n}");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].Format("p.json") ==
        "p.json: error: malformed JSON at line 3, column 12: syntax error while parsing object - unexpected string "
        "literal; expected '}'");
}

TEST_CASE("LoadProfileOrThrow lists every error, and fails on unreadable files", "[profile][parse]") {
  const std::string path = CorpusDir() + "/52-many-problems.json";
  try {
    LoadProfileOrThrow(path);
    FAIL("no exception");
  } catch (const Error& e) {
    std::string what = e.what();
    CHECK(std::count(what.begin(), what.end(), '\n') == 6);  // 7 errors, the warning dropped
    CHECK(what.find(path + ": syscalls[0].action: error: unknown action") != std::string::npos);
    CHECK(what.find("warning") == std::string::npos);
  }
  CHECK_THROWS_AS(LoadProfile("/nonexistent/profile.json"), Error);
  CHECK_NOTHROW(LoadProfileOrThrow(FixturePath("moby-default.json")));
}

TEST_CASE("hostile input always ends in diagnostics", "[profile][parse][robust]") {
  const std::string moby = Fixture("moby-default.json");
  SECTION("every truncation is an error, never a crash") {
    for (size_t n = 0; n < moby.size() - 2; n += 37) {
      ParseResult r = ParseProfile(moby.substr(0, n));
      INFO(n);
      CHECK(r.HasErrors());
    }
  }
  SECTION("random byte mutations") {
    std::mt19937 rng(12345);
    for (int i = 0; i < 1500; ++i) {
      std::string s = moby;
      int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits; ++e) {
        size_t pos = rng() % s.size();
        switch (rng() % 3) {
          case 0:
            s[pos] = static_cast<char>(rng() % 256);
            break;
          case 1:
            s.erase(pos, 1 + rng() % 20);
            break;
          default:
            s.insert(pos, std::string(1 + rng() % 3, "{}[]\",:0-9e"[rng() % 11]));
            break;
        }
      }
      CHECK_NOTHROW(ParseProfile(s));
    }
  }
  SECTION("too large, too deep, too many problems") {
    ParseResult big = ParseProfile(std::string(5 << 20, ' '));
    REQUIRE(big.diagnostics.size() == 1);
    CHECK(big.diagnostics[0].message.find("reads at most 4194304") != std::string::npos);

    ParseResult deep = ParseProfile(std::string(100000, '[') + std::string(100000, ']'));
    REQUIRE(deep.diagnostics.size() == 1);
    CHECK(deep.diagnostics[0].message == "malformed JSON at line 1, column 257: nested deeper than 256 levels");

    std::string many = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)";
    for (int i = 0; i < 5000; ++i) many += std::string(i ? "," : "") + R"({"names": [""], "action": "X"})";
    many += "]}";
    ParseResult lots = ParseProfile(many);
    REQUIRE(lots.diagnostics.size() == 2001);
    CHECK(lots.diagnostics.back().message == "8000 more problems not shown (8000 errors, 0 warnings)");
    CHECK(lots.HasErrors());
    CHECK(lots.profile.syscalls.size() < 5000);  // past the bound, with errors, the model stops growing

    // A huge string value is shortened in the message.
    ParseResult longname = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [")" +
                                        std::string(100000, 'x') + R"("], "action": "SCMP_ACT_ALLOW"}]})");
    REQUIRE(longname.diagnostics.size() == 1);
    CHECK(longname.diagnostics[0].message.size() < 200);
  }
}
