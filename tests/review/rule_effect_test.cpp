// audit and diff tell which rule wins when libseccomp's rule tree drops or overrides a rule
// (profile/rule_effect.h), on concrete profiles; tests/validator/kernel_oracle_test.cpp asks the kernel.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "review/audit.h"
#include "review/diff.h"

using namespace profilegen;
using namespace profilegen::review;
using review_test::Amd64;
using review_test::Parse;

namespace {

std::string Profile(const std::string& syscalls, const std::string& arches = R"(["SCMP_ARCH_X86_64"])") {
  return R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": )" + arches + R"(, "syscalls": [)" + syscalls + "]}";
}

const RuleFinding* FindRule(const AuditReport& r, const std::string& syscall, profile::RuleFate fate) {
  for (const auto& f : r.rule_effects) {
    if (f.syscall == syscall && f.fate == fate) return &f;
  }
  return nullptr;
}

// read: TRAP if a0 == 1, then ALLOW if a0 == 1 && a1 == 2 (libseccomp drops the longer rule: read(1, 2) traps).
const char* kTrapThenAllow = R"(
  {"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
  {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                          {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]})";

// write: ALLOW if a0 == 1, then an ERRNO guard for a0 == 1 && a1 == 2 that is never applied.
const char* kAllowThenErrno = R"(
  {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
  {"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
   "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]})";

}  // namespace

TEST_CASE("audit names the rule libseccomp keeps when a longer ALLOW is dropped", "[review][audit][rules]") {
  const AuditReport r = Audit(Parse(Profile(kTrapThenAllow)), Amd64());
  const RuleFinding* f = FindRule(r, "read", profile::RuleFate::kDropped);
  REQUIRE(f);
  CHECK(f->severity == RuleSeverity::kLow);  // fails closed: the call the author allowed traps
  CHECK(f->rule == "syscalls[1].names[0] read: ALLOW if arg0 == 1 && arg1 == 2");
  CHECK(f->winner == "syscalls[0].names[0] read: TRAP if arg0 == 1");
  CHECK(f->call == "read(1, 2)");
  CHECK(f->real == "TRAP");
  const std::string text = FormatAuditText(r, "p.json", false);
  INFO(text);
  CHECK(text.find("    low    read [amd64] dropped: syscalls[1].names[0] read: ALLOW if arg0 == 1 && arg1 == 2\n"
                  "           never applied: libseccomp builds the same filter without it; read(1, 2) gets TRAP from "
                  "syscalls[0].names[0] read: TRAP if arg0 == 1\n") != std::string::npos);
  CHECK(text.find(", 1 rule not applied as written\n") != std::string::npos);
}

TEST_CASE("audit flags an ERRNO guard a broader ALLOW makes libseccomp drop as high", "[review][audit][rules]") {
  const AuditReport r = Audit(Parse(Profile(kAllowThenErrno)), Amd64());
  REQUIRE(r.rule_effects.size() == 1);
  const RuleFinding& f = r.rule_effects[0];
  CHECK(f.fate == profile::RuleFate::kDropped);
  CHECK(f.severity == RuleSeverity::kHigh);
  CHECK(f.rule == "syscalls[1].names[0] write: ERRNO(EACCES) if arg0 == 1 && arg1 == 2");
  CHECK(f.winner == "syscalls[0].names[0] write: ALLOW if arg0 == 1");
  CHECK(f.call == "write(1, 2)");
  const nlohmann::json j = nlohmann::json::parse(FormatAudit(r, "p.json", OutputFormat::kJson, false));
  REQUIRE(j["rule_effects"].size() == 1);
  CHECK(j["rule_effects"][0]["severity"] == "high");
  CHECK(j["rule_effects"][0]["fate"] == "dropped");
  CHECK(j["rule_effects"][0]["kernel"] == "ALLOW");
  CHECK(j["rule_effects"][0]["call"] == "write(1, 2)");
  const std::string md = FormatAudit(r, "p.json", OutputFormat::kMarkdown, false);
  CHECK(md.find("| :warning: high | `write` | amd64 | dropped |") != std::string::npos);
  CHECK(md.rfind("### Seccomp profile audit: 0 risky, 0 beyond Docker's default, 0 missing guards, 1 arch, 1 rule "
                 "not applied as written (1 high)\n",
                 0) == 0);
}

TEST_CASE("audit reports a zero-mask MASKED_EQ that makes a guarded ALLOW unconditional", "[review][audit][rules]") {
  // The author swapped mask and value: arg0 & 0x0 == 8 always holds, so every persona is allowed.
  const AuditReport r = Audit(Parse(Profile(R"(
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]})")),
                              Amd64());
  const RuleFinding* f = FindRule(r, "personality", profile::RuleFate::kAlwaysTrue);
  REQUIRE(f);
  CHECK(f->severity == RuleSeverity::kHigh);
  CHECK(f->effect.find("so the rule applies to every personality call") != std::string::npos);
  CHECK(r.rule_effects.size() == 1);
}

TEST_CASE("audit reports the i386 socketcall copy of a domain-guarded socket rule", "[review][audit][rules]") {
  const AuditReport r = Audit(Parse(Profile(R"(
    {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]})",
                                            R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])")),
                              Amd64());
  const RuleFinding* f = FindRule(r, "socketcall", profile::RuleFate::kMultiplexed);
  REQUIRE(f);
  CHECK(f->severity == RuleSeverity::kHigh);
  CHECK(f->rule == "syscalls[0].names[0] socket: ALLOW if arg0 == 1");
  CHECK(f->arches.size() == 1);
  CHECK(f->call == "socketcall(1)");  // SYS_SOCKET, whatever the domain in memory
  CHECK(f->real == "ALLOW");
  CHECK(f->effect.find("socket's own arguments are not checked there") != std::string::npos);
  // amd64's socket keeps its guard: nothing reported for it.
  CHECK_FALSE(FindRule(r, "socket", profile::RuleFate::kMultiplexed));
}

TEST_CASE("audit reports nothing for Docker's default profile's rules", "[review][audit][rules]") {
  const AuditReport r = Audit(Parse(ReadFile(review_test::kMoby)), Amd64());
  for (const auto& f : r.rule_effects) {
    INFO(f.syscall << ": " << f.rule << ": " << f.effect);
    CHECK(f.severity != RuleSeverity::kHigh);
  }
}

TEST_CASE("diff says when rules differ as written but the kernel filter is the same", "[review][diff][rules]") {
  const std::string trap_only = R"(
  {"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]})";
  const DiffResult d = DiffProfiles(Parse(Profile(kTrapThenAllow)), Parse(Profile(trap_only)), Amd64());
  CHECK(d.Identical());
  REQUIRE(d.same_filter.size() == 1);
  CHECK(d.same_filter[0].name == "read");
  const std::string text = FormatDiffText(d, {"a.json", "b.json", FailOn::kAny}, false);
  INFO(text);
  CHECK(text.find("rules rewritten, same kernel filter (libseccomp builds the same rule tree):\n= read [amd64]: ") !=
        std::string::npos);
  CHECK(text.find("no effective difference; gate --fail-on any: passed") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(FormatDiff(d, {"a.json", "b.json"}, OutputFormat::kJson, false));
  CHECK(j["identical"] == true);
  CHECK(j["same_filter"][0]["name"] == "read");
}

TEST_CASE("diff shows what the kernel does for a call where the rules' text hides the change",
          "[review][diff][rules]") {
  // Dropping the dropped ERRNO guard and narrowing the ALLOW: the kernel answers write(1, 2) differently.
  const std::string narrowed = R"(
  {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                           {"index": 1, "value": 3, "op": "SCMP_CMP_EQ"}]})";
  const DiffResult d = DiffProfiles(Parse(Profile(kAllowThenErrno)), Parse(Profile(narrowed)), Amd64());
  REQUIRE(d.arches.size() == 1);
  REQUIRE(d.arches[0].syscalls.size() == 1);
  const SyscallChange& c = d.arches[0].syscalls[0];
  REQUIRE(c.witness);
  CHECK(c.witness->a.action == profile::Action::kAllow);
  CHECK(c.witness->b.action == profile::Action::kErrno);
  const std::string text = FormatDiffText(d, {"a.json", "b.json"}, false);
  INFO(text);
  CHECK(text.find("kernel: write(1") != std::string::npos);
}

TEST_CASE("audit and diff say when libseccomp refuses a syscall's rules", "[review][audit][diff][rules]") {
  // The longer ALLOW first, then a shorter TRAP on the same argument: libseccomp 2.5.4 fails with EEXIST.
  const std::string allow_then_trap = R"(
  {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                          {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]},
  {"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]})";
  const AuditReport r = Audit(Parse(Profile(allow_then_trap)), Amd64());
  const RuleFinding* f = FindRule(r, "read", profile::RuleFate::kRefused);
  REQUIRE(f);
  CHECK(f->severity == RuleSeverity::kHigh);
  CHECK(f->rule == "syscalls[1].names[0] read: TRAP if arg0 == 1");
  CHECK(f->effect.find("the runtime cannot load the profile") != std::string::npos);
  // The same two rules in the other order load: diff must not call them the same.
  const DiffResult d = DiffProfiles(Parse(Profile(kTrapThenAllow)), Parse(Profile(allow_then_trap)), Amd64());
  REQUIRE(d.arches.size() == 1);
  REQUIRE(d.arches[0].syscalls.size() == 1);
  CHECK(d.arches[0].syscalls[0].kernel_note.find("libseccomp refuses the new profile's rules for read") == 0);
  CHECK_FALSE(d.Identical());
}
