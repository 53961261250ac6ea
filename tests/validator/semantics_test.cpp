// The places where compile (the BPF), the effective policy (diff, audit,
// export) and the engines must agree, each found disagreeing once (issue 11):
// every case checks the compiled program and the core's policy together.
#include <linux/seccomp.h>
#include <seccomp.h>

#include <catch2/catch.hpp>

#include "profile/effective.h"
#include "tests/validator/helpers.h"
#include "validator/bpf.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

using testing::ParseOk;

uint32_t AnswerNr(const Program& p, sys::ArchToken arch, int64_t nr, std::vector<uint64_t> args = {}) {
  SeccompData d;
  d.arch = AuditArch(arch);
  d.nr = static_cast<int32_t>(nr);
  for (size_t i = 0; i < args.size() && i < 6; ++i) d.args[i] = args[i];
  return RunFilter(p, d);
}

uint32_t Answer(const Program& p, sys::ArchToken arch, const std::string& name, std::vector<uint64_t> args = {}) {
  auto r = sys::Resolve(arch, name);
  REQUIRE(r.status == sys::NameStatus::kPresent);
  return AnswerNr(p, arch, FilterNumber(arch, r.nr), std::move(args));
}

CompileOptions For(profile::Engine engine, Runtime runtime) {
  CompileOptions o;
  o.target.arch = SCMP_ARCH_X86_64;
  o.target.caps = profile::DefaultCaps();
  o.target.engine = engine;
  o.runtime = runtime;
  return o;
}

// The policy's verdict as the kernel would return it.
uint32_t PolicyRet(const profile::EffectivePolicy& e, sys::ArchToken arch, const std::string& name,
                   std::vector<uint64_t> args = {}) {
  uint64_t a[6] = {};
  for (size_t i = 0; i < args.size() && i < 6; ++i) a[i] = args[i];
  return ScmpAction(profile::PolicyVerdict(e, arch, name, a));
}

}  // namespace

TEST_CASE("podman's errno and defaultErrno strings reach the compiled filter", "[validator][semantics]") {
  const auto p = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS",
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errno": "EACCES"},
                   {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  const Compiled podman = Compile(p, For(profile::Engine::kPodman, Runtime::kCrun));
  REQUIRE(podman.ok());
  CHECK(podman.default_verdict.ToString() == "SCMP_ACT_ERRNO(38)");
  CHECK(Answer(podman.program, SCMP_ARCH_X86_64, "getpid") == (SECCOMP_RET_ERRNO | EACCES));
  CHECK(Answer(podman.program, SCMP_ARCH_X86_64, "write") == (SECCOMP_RET_ERRNO | ENOSYS));
  const auto policy = profile::Evaluate(p, For(profile::Engine::kPodman, Runtime::kCrun).target);
  CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "getpid") == (SECCOMP_RET_ERRNO | EACCES));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "write") == (SECCOMP_RET_ERRNO | ENOSYS));

  // Docker never reads the strings: EPERM for both, and the getpid entry equals
  // the default, so runc skips it.
  const Compiled docker = Compile(p, For(profile::Engine::kDocker, Runtime::kRunc));
  CHECK(docker.default_verdict.ToString() == "SCMP_ACT_ERRNO(1)");
  CHECK(Answer(docker.program, SCMP_ARCH_X86_64, "getpid") == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(docker.skipped_default == 1);
}

TEST_CASE(
    "i386: a guarded socket rule also answers socketcall(SYS_SOCKET) for "
    "any domain, as libseccomp builds it",
    "[validator][semantics]") {
  const auto p = ParseOk(
      R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7,
                    "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
                   {"names": ["write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})");
  const Compiled c = Compile(p, For(profile::Engine::kDocker, Runtime::kCrun));
  REQUIRE(c.ok());
  const auto policy = profile::Evaluate(p, For(profile::Engine::kDocker, Runtime::kCrun).target);
  const uint32_t eperm = SECCOMP_RET_ERRNO | EPERM, e7 = SECCOMP_RET_ERRNO | 7;
  for (uint64_t domain : {1u, 2u, 10u, 16u}) {
    INFO("domain " << domain);
    const uint32_t direct = domain == 1 ? e7 : eperm;
    CHECK(Answer(c.program, SCMP_ARCH_X86, "socket", {domain}) == direct);
    CHECK(PolicyRet(policy, SCMP_ARCH_X86, "socket", {domain}) == direct);
    CHECK(Answer(c.program, SCMP_ARCH_X86_64, "socket", {domain}) == direct);
  }
  // socketcall(SYS_SOCKET = 1, args in memory): no domain check is possible;
  // libseccomp applies the rule to every domain (the kernel agrees:
  // kernel_oracle_test).
  CHECK(Answer(c.program, SCMP_ARCH_X86, "socketcall", {1, 0x1000}) == e7);
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "socketcall", {1, 0x1000}) == e7);
  CHECK(Answer(c.program, SCMP_ARCH_X86, "socketcall", {2, 0x1000}) == eperm);  // SYS_BIND
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "socketcall", {2, 0x1000}) == eperm);
}

TEST_CASE("i386: semop exists only as ipc(SEMOP)", "[validator][semantics]") {
  const auto p = ParseOk(
      R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["semop"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9},
                   {"names": ["write"], "action": "SCMP_ACT_ALLOW"}]})");
  const Compiled c = Compile(p, For(profile::Engine::kDocker, Runtime::kCrun));
  REQUIRE(c.ok());
  const auto policy = profile::Evaluate(p, For(profile::Engine::kDocker, Runtime::kCrun).target);
  CHECK(Answer(c.program, SCMP_ARCH_X86, "ipc", {1}) == (SECCOMP_RET_ERRNO | 9));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "ipc", {1}) == (SECCOMP_RET_ERRNO | 9));
  CHECK(Answer(c.program, SCMP_ARCH_X86, "ipc", {2}) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "ipc", {2}) == (SECCOMP_RET_ERRNO | EPERM));
}

TEST_CASE(
    "the i386 ENOSYS stub takes its highest number from libseccomp's "
    "name lookup, as runc does",
    "[validator][semantics]") {
  // libseccomp answers "socket" on x86 with a pseudo number (-101): runc's
  // findLastSyscalls never counts it, so the stub's limit is read's 3 and the
  // direct socket call (359) gets ENOSYS from the stub.
  const auto p = ParseOk(
      R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["read", "socket"], "action": "SCMP_ACT_ALLOW"}]})");
  const Compiled c = Compile(p, For(profile::Engine::kDocker, Runtime::kRunc));
  REQUIRE(c.ok());
  const StubArch* x86 = nullptr;
  for (const auto& s : c.stub)
    if (s.arch == SCMP_ARCH_X86) x86 = &s;
  REQUIRE(x86 != nullptr);
  CHECK(x86->max_nr == 3);
  CHECK(Answer(c.program, SCMP_ARCH_X86, "socket") == (SECCOMP_RET_ERRNO | ENOSYS));
  CHECK(Answer(c.program, SCMP_ARCH_X86, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "socket") == SECCOMP_RET_ALLOW);  // x86_64 has the real number
}

TEST_CASE("runc 1.2 adds no ENOSYS stub when the default already answers ENOSYS; 1.1.5 still does",
          "[validator][semantics]") {
  const auto p = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
      "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
  CompileOptions o = For(profile::Engine::kDocker, Runtime::kRunc);
  o.runc_version = RuncVersion::k1_2;
  const Compiled c = Compile(p, o);
  CHECK(c.stub_instructions == 0);
  CHECK(c.stub.empty());
  // Debian 12's runc 1.1.5 (read back from the kernel by engine_random_test.cpp): the stub all the same, with
  // the same answers, since both it and the default say ENOSYS.
  const Compiled v11 = Compile(p, For(profile::Engine::kDocker, Runtime::kRunc));
  REQUIRE(v11.stub.size() == 1);
  CHECK(v11.stub_instructions > 0);
}

TEST_CASE("errnoRet above 4094: libseccomp refuses it, reported at that path", "[validator][semantics]") {
  const auto p = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO",
      "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4095},
                   {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4094}]})");
  const Compiled c = Compile(p, For(profile::Engine::kDocker, Runtime::kRunc));
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].path == "syscalls[1].errnoRet");
  CHECK_THAT(c.errors[0].message, Catch::Contains("at most 4094"));

  const auto d = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 5000, "syscalls": []})");
  const Compiled cd = Compile(d, For(profile::Engine::kDocker, Runtime::kRunc));
  REQUIRE(cd.errors.size() == 1);
  CHECK(cd.errors[0].path == "defaultErrnoRet");
  CHECK(cd.program.empty());
}

}  // namespace profilegen::validator

namespace profilegen::validator {
namespace {

// The policy and the program libseccomp built answer alike at every point, and the policy is never unsure.
void CheckAgree(const std::string& json, sys::ArchToken arch, const std::string& name,
                const std::vector<std::vector<uint64_t>>& points) {
  const auto p = ParseOk(json);
  const CompileOptions o = For(profile::Engine::kDocker, Runtime::kCrun);
  const Compiled c = Compile(p, o);
  REQUIRE(c.ok());
  const auto policy = profile::Evaluate(p, o.target);
  for (const auto& args : points) {
    uint64_t a[6] = {};
    for (size_t i = 0; i < args.size(); ++i) a[i] = args[i];
    INFO(name << " a0=" << a[0] << " a1=" << a[1]);
    bool ambiguous = true;
    const uint32_t by_policy = ScmpAction(profile::PolicyVerdict(policy, arch, name, a, &ambiguous));
    CHECK_FALSE(ambiguous);
    CHECK(by_policy == Answer(c.program, arch, name, args));
  }
}

}  // namespace

// The expected answers below were read from seccomp_export_pfc of libseccomp 2.5.4 for the same rules, and the
// kernel oracle (kernel_oracle_test.cpp) runs these classes on thousands of random profiles.
TEST_CASE("same argument, different actions: the verdict libseccomp's rule tree gives", "[validator][semantics]") {
  const uint32_t trap = SECCOMP_RET_TRAP, allow = SECCOMP_RET_ALLOW, eperm = SECCOMP_RET_ERRNO | EPERM;
  // pfc: if (a0.hi == 0) { if (a0.lo == 5) ALLOW }  if (a0.hi > 0) TRAP else if (a0.hi == 0) if (a0.lo > 3) TRAP
  // read(5) matches both rules: the EQ comparison comes first in the level, whatever the rules' order.
  for (const char* order : {R"([{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 5,
                                 "op": "SCMP_CMP_EQ"}]},
                               {"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 3,
                                 "op": "SCMP_CMP_GT"}]}])",
                            R"([{"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 3,
                                 "op": "SCMP_CMP_GT"}]},
                               {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 5,
                                 "op": "SCMP_CMP_EQ"}]}])"}) {
    const std::string json = std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": )") + order + "}";
    CheckAgree(json, SCMP_ARCH_X86_64, "read", {{5}, {4}, {3}, {2}, {1ULL << 32}, {(1ULL << 32) + 5}});
    const auto policy = profile::Evaluate(ParseOk(json), For(profile::Engine::kDocker, Runtime::kCrun).target);
    CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "read", {5}) == allow);
    CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "read", {4}) == trap);
    CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "read", {3}) == eperm);
  }
  // A shorter chain first: libseccomp drops the longer rule of another action as redundant (db_rule_add), so
  // read(1, 2) traps although the ALLOW rule matches it too.
  const std::string shorter = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
      {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                             {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]})";
  CheckAgree(shorter, SCMP_ARCH_X86_64, "read", {{1, 2}, {1, 3}, {2, 2}});
  CHECK(PolicyRet(profile::Evaluate(ParseOk(shorter), For(profile::Engine::kDocker, Runtime::kCrun).target),
                  SCMP_ARCH_X86_64, "read", {1, 2}) == trap);
  // LT and GE of one value share their comparisons: the two actions sit on the two outcomes.
  CheckAgree(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["lseek"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 3, "op": "SCMP_CMP_LT"}]},
                   {"names": ["lseek"], "action": "SCMP_ACT_LOG", "args": [{"index": 2, "value": 3, "op": "SCMP_CMP_GE"}]},
                   {"names": ["lseek"], "action": "SCMP_ACT_TRAP", "args": [{"index": 2, "value": 1, "op": "SCMP_CMP_NE"}]}]})",
             SCMP_ARCH_X86, "lseek", {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 0, 3}, {0, 0, 4}});
}

TEST_CASE("i386 socketcall/ipc: libseccomp keeps the conditions on arguments 1-5", "[validator][semantics]") {
  // pfc for socketcall: if (a1 > 5) ALLOW; if (a0 == 1) if (a1 == 1) ERRNO(7). The socket rule's a0 condition (the
  // domain) is replaced by the call number, its a1 condition is compared with socketcall's own a1.
  const std::string json = R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7,
                    "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]},
                   {"names": ["socketcall"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 5, "op": "SCMP_CMP_GT"}]},
                   {"names": ["semop"], "action": "SCMP_ACT_TRAP", "args": [{"index": 2, "value": 4, "op": "SCMP_CMP_LE"}]},
                   {"names": ["write"], "action": "SCMP_ACT_ALLOW"}]})";
  CheckAgree(json, SCMP_ARCH_X86, "socketcall", {{1, 1}, {1, 0}, {1, 6}, {2, 1}, {2, 6}});
  CheckAgree(json, SCMP_ARCH_X86, "ipc", {{1, 0, 4}, {1, 0, 5}, {2, 0, 4}});
  const auto policy = profile::Evaluate(ParseOk(json), For(profile::Engine::kDocker, Runtime::kCrun).target);
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "socketcall", {1, 1}) == (SECCOMP_RET_ERRNO | 7));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "socketcall", {1, 0}) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "ipc", {1, 0, 5}) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "ipc", {1, 0, 4}) == SECCOMP_RET_TRAP);
}

TEST_CASE("i386: a pseudo-syscall entry first in the section leaves the syscall number unloaded",
          "[validator][semantics]") {
  // semop has no direct i386 call: libseccomp 2.5.4 keeps its rule under a pseudo number, skipped in the BPF. With
  // one condition it has the highest priority of the i386 entries, and the block that should load the syscall
  // number is its own: the i386 section compares the arch value with every number, and every i386 call gets the
  // default action (read from the exported BPF: no load between the arch check and the first JEQ).
  const std::string json = R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["semop"], "action": "SCMP_ACT_TRAP", "args": [{"index": 2, "value": 4, "op": "SCMP_CMP_LE"}]},
                   {"names": ["lseek"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_LT"},
                                                                             {"index": 2, "value": 0, "op": "SCMP_CMP_EQ"}]}]})";
  CheckAgree(json, SCMP_ARCH_X86, "ipc", {{1, 0, 4}, {1, 0, 5}});
  CheckAgree(json, SCMP_ARCH_X86, "lseek", {{0, 0, 0}, {0, 1, 0}});
  CheckAgree(json, SCMP_ARCH_X86_64, "lseek", {{0, 0, 0}, {0, 1, 0}});
  const auto policy = profile::Evaluate(ParseOk(json), For(profile::Engine::kDocker, Runtime::kCrun).target);
  CHECK(policy.arches.at(SCMP_ARCH_X86).number_unloaded);
  CHECK_FALSE(policy.arches.at(SCMP_ARCH_X86_64).number_unloaded);
  CHECK(PolicyRet(policy, SCMP_ARCH_X86, "lseek", {0, 0, 0}) == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(PolicyRet(policy, SCMP_ARCH_X86_64, "lseek", {0, 0, 0}) == SECCOMP_RET_ALLOW);
  bool warned = false;
  for (const auto& n : policy.notes) warned |= n.message.find("never loads the syscall number") != std::string::npos;
  CHECK(warned);

  // An unconditional rule for a real i386 syscall ties with it and comes first: the number is loaded.
  const std::string fixed = json.substr(0, json.rfind(']')) + R"(, {"names": ["write"], "action": "SCMP_ACT_ALLOW"}]})";
  CheckAgree(fixed, SCMP_ARCH_X86, "ipc", {{1, 0, 4}, {1, 0, 5}});
  const auto ok = profile::Evaluate(ParseOk(fixed), For(profile::Engine::kDocker, Runtime::kCrun).target);
  CHECK_FALSE(ok.arches.at(SCMP_ARCH_X86).number_unloaded);
  CHECK(PolicyRet(ok, SCMP_ARCH_X86, "ipc", {1, 0, 4}) == SECCOMP_RET_TRAP);
}

TEST_CASE("MASKED_EQ with a zero mask: libseccomp drops it as always true", "[validator][semantics]") {
  // pfc: x86_64 read: ALLOW; write: if (a0.hi & 1 == 0) if (a0.lo & 0 == 0) TRAP; i386 write: TRAP.
  const std::string json = R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 0, "valueTwo": 5, "op": "SCMP_CMP_MASKED_EQ"}]},
                   {"names": ["write"], "action": "SCMP_ACT_TRAP",
                    "args": [{"index": 0, "value": 4294967296, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}]})";
  CheckAgree(json, SCMP_ARCH_X86_64, "read", {{0}, {5}, {7}});
  CheckAgree(json, SCMP_ARCH_X86_64, "write", {{0}, {1ULL << 32}});
  CheckAgree(json, SCMP_ARCH_X86, "read", {{0}, {5}});
  CheckAgree(json, SCMP_ARCH_X86, "write", {{0}, {1}});
  const auto policy = profile::Evaluate(ParseOk(json), For(profile::Engine::kDocker, Runtime::kCrun).target);
  CHECK(policy.arches.at(SCMP_ARCH_X86_64).syscalls.at("read").Unconditional());
  CHECK(policy.arches.at(SCMP_ARCH_X86).syscalls.at("write").Unconditional());
  CHECK_FALSE(policy.arches.at(SCMP_ARCH_X86_64).syscalls.at("write").Unconditional());
}

}  // namespace profilegen::validator
