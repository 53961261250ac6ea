// audit: risky syscalls, beyond Docker, guards, arches, ENOSYS probes, cacheable counts.
#include "review/audit.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"

using namespace profilegen;
using namespace profilegen::review;
using review_test::Amd64;
using review_test::Parse;

namespace {

const AuditFinding* FindIn(const std::vector<AuditFinding>& v, const std::string& name) {
  for (const auto& f : v) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const GuardFinding* Guard(const AuditReport& r, const std::string& name, bool present) {
  for (const auto& g : r.guards) {
    if (g.name == name && g.present == present) return &g;
  }
  return nullptr;
}

std::vector<std::string> Natives(const std::vector<sys::ArchToken>& v) {
  std::vector<std::string> out;
  for (auto a : v) out.emplace_back(sys::ArchByToken(a)->native);
  return out;
}

}  // namespace

TEST_CASE("auditing Docker's default against itself", "[review][audit]") {
  const AuditReport r = Audit(Parse(ReadFile(review_test::kMoby)), Amd64());
  CHECK_FALSE(r.seccomp_off);
  CHECK(r.beyond_docker.empty());  // nothing is wider than itself
  REQUIRE(r.arches.size() == 3);
  CHECK(Natives({r.arches[0].arch, r.arches[1].arch, r.arches[2].arch}) ==
        std::vector<std::string>{"amd64", "x86", "x32"});
  CHECK(r.arches[0].native);
  CHECK_FALSE(r.arches[1].native);
  CHECK(r.arches[1].note.find("int 0x80") != std::string::npos);
  CHECK(r.arches[2].cacheable == 0);  // x32 numbers never hit the kernel's cache
  CHECK(r.arches[0].cacheable == r.arches[0].allowed);
  CHECK(r.arches[0].allowed > 250);
  CHECK(r.arches[0].conditional >= 2);  // clone, personality, ...

  const AuditFinding* ptrace = FindIn(r.risky, "ptrace");
  REQUIRE(ptrace);
  CHECK(ptrace->risk->category == RiskCategory::kEscape);
  CHECK(ptrace->docker == Allowance::kAlways);
  CHECK(Natives(ptrace->arches) == std::vector<std::string>{"amd64", "x86", "x32"});
  CHECK_FALSE(FindIn(r.risky, "clone"));  // guarded
  CHECK_FALSE(FindIn(r.risky, "mount"));  // denied without CAP_SYS_ADMIN

  const GuardFinding* clone = Guard(r, "clone", true);
  REQUIRE(clone);
  CHECK(clone->detail == "namespace flags ruled out: ALLOW if arg0 & 0x7e020000 == 0 | else ERRNO(EPERM)");
  CHECK(Guard(r, "clone3", true));  // answers ENOSYS
  CHECK(Guard(r, "personality", true));
  CHECK_FALSE(Guard(r, "clone", false));

  const AuditFinding* clone3 = FindIn(r.enosys_probes, "clone3");
  REQUIRE(clone3);
  CHECK(clone3->treatment == "ERRNO(ENOSYS)");
}

TEST_CASE("auditing a wide profile", "[review][audit]") {
  const std::string text = R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [
      {"names": ["read", "write", "clone", "mount", "personality", "bpf"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
      {"names": ["faccessat2", "openat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
    ]})";
  const AuditReport r = Audit(Parse(text), Amd64());
  REQUIRE(r.arches.size() == 2);
  CHECK(r.arches[0].allowed == 6);
  CHECK(r.arches[0].conditional == 1);
  CHECK(r.arches[0].cacheable == 6);
  // x86 has socketcall-era numbers: socket exists there too since 4.3, libseccomp knows it.
  CHECK(r.arches[1].cacheable == r.arches[1].allowed);

  for (const char* name : {"clone", "mount", "personality", "bpf"}) {
    INFO(name);
    CHECK(FindIn(r.risky, name));
  }
  CHECK(r.risky.front().risk->category == RiskCategory::kEscape);  // by category
  CHECK(FindIn(r.beyond_docker, "mount")->docker == Allowance::kNever);
  CHECK(FindIn(r.beyond_docker, "clone")->docker == Allowance::kConditional);  // wider than Docker's guard
  CHECK(FindIn(r.beyond_docker, "personality"));
  CHECK_FALSE(FindIn(r.beyond_docker, "read"));
  CHECK_FALSE(FindIn(r.beyond_docker, "socket"));

  const GuardFinding* clone = Guard(r, "clone", false);
  REQUIRE(clone);
  CHECK(clone->detail.find("can create namespaces") != std::string::npos);
  CHECK(Guard(r, "personality", false));
  const GuardFinding* socket = Guard(r, "socket", true);
  REQUIRE(socket);
  CHECK(socket->detail == "ALLOW if arg0 == 1 | else ERRNO(EPERM)");

  REQUIRE(r.enosys_probes.size() == 2);
  CHECK(r.enosys_probes[0].name == "faccessat2");
  CHECK(r.enosys_probes[1].name == "openat2");
}

TEST_CASE("audit output formats", "[review][audit][format]") {
  const std::string text = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read", "unshare"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})";
  const AuditReport r = Audit(Parse(text), Amd64());
  const std::string t = FormatAuditText(r, "p.json", false);
  INFO(t);
  CHECK(t.rfind("profilegen audit p.json (docker, amd64, default caps, kernel 6.1)\ndefault action: ERRNO(EPERM)\n",
                0) == 0);
  CHECK(t.find("  escape\n    unshare  allowed     Docker: denied      [amd64]\n") != std::string::npos);
  CHECK(t.find("ENOSYS probes (1)\n    clone3 [amd64]: ERRNO(ENOSYS)\n") != std::string::npos);
  CHECK(t.find("\n1 risky, 1 beyond Docker's default, 0 missing guards, 1 arch\n") != std::string::npos);

  const std::string md = FormatAuditMarkdown(r, "p.json");
  INFO(md);
  CHECK(md.rfind("### Seccomp profile audit: 1 risky, 1 beyond Docker's default, 0 missing guards, 1 arch\n", 0) == 0);
  CHECK(md.find("| escape | `unshare` | allowed | denied | amd64 |") != std::string::npos);

  const nlohmann::json j = nlohmann::json::parse(FormatAudit(r, "p.json", OutputFormat::kJson, false));
  CHECK(j["profilegen"] == "audit");
  CHECK(j["version"] == 1);
  CHECK(j["profile"] == "p.json");
  CHECK(j["seccomp"] == "on");
  CHECK(j["default_action"] == nlohmann::json::parse(R"({"action": "SCMP_ACT_ERRNO", "errnoRet": 1})"));
  CHECK(j["arches"][0] == nlohmann::json::parse(R"({"arch": "SCMP_ARCH_X86_64", "native": true, "allowed": 2,
      "conditional": 0, "cacheable": 2, "known": )" +
                                                std::to_string(r.arches[0].names_on_arch) + R"(, "note": ""})"));
  CHECK(j["risky"][0]["name"] == "unshare");
  CHECK(j["risky"][0]["arches"] == nlohmann::json::parse(R"(["SCMP_ARCH_X86_64"])"));
  CHECK(j["risky"][0]["risk"]["category"] == "escape");
  CHECK(j["risky"][0]["docker_default"] == "denied");
  CHECK(j["beyond_docker"].size() == 1);
  CHECK(j["guards"][0] == nlohmann::json::parse(R"({"name": "clone3", "arches": ["SCMP_ARCH_X86_64"],
      "present": true, "detail": "answers ENOSYS: libcs fall back to clone, where namespace flags are guarded"})"));
  CHECK(j["enosys_probes"][0]["name"] == "clone3");
}

TEST_CASE("audit says loudly when seccomp is off", "[review][audit]") {
  const AuditReport r = Audit(Parse("{}"), Amd64());
  CHECK(r.seccomp_off);
  CHECK(FormatAuditText(r, "off.json", false).find("seccomp is switched OFF") != std::string::npos);
}
