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
