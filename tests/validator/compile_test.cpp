#include "validator/compile.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "base/error.h"
#include "tests/validator/helpers.h"
#include "validator/bpf.h"

namespace profilegen::validator {
namespace {

using testing::Fixture;
using testing::ParseOk;
using testing::Slurp;

constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;

// What the program answers for `name` on `arch` with these arguments.
uint32_t Answer(const Program& p, sys::ArchToken arch, const std::string& name, std::vector<uint64_t> args = {}) {
  auto r = sys::Resolve(arch, name);
  REQUIRE(r.status == sys::NameStatus::kPresent);
  SeccompData d;
  d.arch = AuditArch(arch);
  d.nr = FilterNumber(arch, r.nr);
  for (size_t i = 0; i < args.size() && i < 6; ++i) d.args[i] = args[i];
  return RunFilter(p, d);
}

uint32_t AnswerNr(const Program& p, sys::ArchToken arch, int64_t nr) {
  SeccompData d;
  d.arch = AuditArch(arch);
  d.nr = static_cast<int32_t>(nr);
  return RunFilter(p, d);
}

CompileOptions Docker(Runtime runtime = Runtime::kRunc) {
  CompileOptions o;
  o.target.arch = SCMP_ARCH_X86_64;
  o.target.caps = profile::DefaultCaps();
  o.runtime = runtime;
  return o;
}

bool SameProgram(const Program& a, const Program& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0;
}

const StubArch* StubFor(const Compiled& c, sys::ArchToken arch) {
  for (const auto& s : c.stub)
    if (s.arch == arch) return &s;
  return nullptr;
}

TEST_CASE("Docker's default profile compiles as runc 1.1 does, with the ENOSYS stub", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("moby-default.json")));
  Compiled c = Compile(p, Docker());
  REQUIRE(c.ok());
  CHECK(c.arches == std::vector<sys::ArchToken>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32});
  CHECK(c.default_verdict.ToString() == "SCMP_ACT_ERRNO(1)");
  CHECK_FALSE(c.binary_tree);  // runc 1.1 never sets SCMP_FLTATR_CTL_OPTIMIZE
  // 442 names in 33 entries; with default caps on amd64 most entries apply.
  CHECK(c.names > 300);
  CHECK(c.rules_added > 300);
  // Sane size: a linear libseccomp filter for three arches, well under the kernel's 4096 limit.
  CHECK(c.program.size() > 500);
  CHECK(c.program.size() < 4096);
  CHECK(c.stub_instructions > 0);
  CHECK(c.stub_instructions < 40);
  REQUIRE(c.stub.size() == 3);

  const Program& bpf = c.program;
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X86, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X32, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "reboot") == kEperm);      // needs CAP_SYS_BOOT
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "clone3") == kEnosys);     // ERRNO 38 without CAP_SYS_ADMIN
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "kexec_load") == kEperm);  // never named: the default action
  // personality: five single-condition entries, ORed by libseccomp.
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "personality", {8}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "personality", {0xffffffff}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "personality", {1}) == kEperm);
  // socket: AF_VSOCK (40) is the one domain left out.
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "socket", {2}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(bpf, SCMP_ARCH_X86_64, "socket", {40}) == kEperm);

  // The stub: numbers above the highest named one are "not implemented", below it the default applies.
  const StubArch* amd64 = StubFor(c, SCMP_ARCH_X86_64);
  REQUIRE(amd64 != nullptr);
  CHECK(AnswerNr(bpf, SCMP_ARCH_X86_64, amd64->max_nr + 1) == kEnosys);
  CHECK(AnswerNr(bpf, SCMP_ARCH_X86_64, 5000) == kEnosys);
  const StubArch* x86 = StubFor(c, SCMP_ARCH_X86);
  REQUIRE(x86 != nullptr);
  CHECK(AnswerNr(bpf, SCMP_ARCH_X86, x86->max_nr + 1) == kEnosys);
  const StubArch* x32 = StubFor(c, SCMP_ARCH_X32);
  REQUIRE(x32 != nullptr);
  CHECK((x32->max_nr & sys::kX32SyscallBit) != 0);
  CHECK(AnswerNr(bpf, SCMP_ARCH_X32, x32->max_nr + 1) == kEnosys);
}

TEST_CASE("crun has no ENOSYS stub: numbers above the profile's get the default action", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("moby-default.json")));
  Compiled runc = Compile(p, Docker(Runtime::kRunc));
  Compiled crun = Compile(p, Docker(Runtime::kCrun));
  REQUIRE(crun.ok());
  CHECK(crun.stub.empty());
  CHECK(crun.stub_instructions == 0);
  CHECK(crun.program.size() + runc.stub_instructions == runc.program.size());
  const int64_t above = StubFor(runc, SCMP_ARCH_X86_64)->max_nr + 1;
  CHECK(AnswerNr(crun.program, SCMP_ARCH_X86_64, above) == kEperm);
  CHECK(AnswerNr(runc.program, SCMP_ARCH_X86_64, above) == kEnosys);
}

TEST_CASE("podman's profile compiles with its ENOSYS default", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("containers-common.json")));
  CompileOptions o = Docker(Runtime::kCrun);
  o.target.engine = profile::Engine::kPodman;
  Compiled c = Compile(p, o);
  REQUIRE(c.ok());
  CHECK(c.default_verdict.ToString() == "SCMP_ACT_ERRNO(38)");
  CHECK(c.program.size() > 300);
  CHECK(c.program.size() < 4096);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "read") == SECCOMP_RET_ALLOW);
  CHECK(AnswerNr(c.program, SCMP_ARCH_X86_64, 4000) == kEnosys);
}

TEST_CASE("argument conditions: AND when indexes differ, OR as soon as one repeats", "[validator][compile]") {
  const profile::Profile p = ParseOk(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [
      {"names": ["exit_group", "read"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
                {"index": 1, "value": 5, "op": "SCMP_CMP_EQ"}]},
      {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 1, "value": 255, "valueTwo": 84, "op": "SCMP_CMP_MASKED_EQ"}]}
    ]})");
  Compiled c = Compile(p, Docker());
  REQUIRE(c.ok());
  // socket: both conditions in one rule.
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "socket", {1, 2}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "socket", {1, 1}) == kEperm);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "socket", {2, 2}) == kEperm);
  // personality: index 0 repeats, so every condition (the index-1 one too) is a rule of its own.
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "personality", {0, 0}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "personality", {8, 0}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "personality", {3, 5}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "personality", {3, 0}) == kEperm);
  // MASKED_EQ: value is the mask, valueTwo the datum.
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "ioctl", {0, 0x5454}) == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "ioctl", {0, 0x5455}) == kEperm);
  CHECK(c.rules_added == 2 + 1 + 3 + 1);
}

TEST_CASE("rules equal to the default action and unknown names are skipped, as runc does", "[validator][compile]") {
  const profile::Profile p = ParseOk(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [
      {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["mount", "umount2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
      {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
    ]})");
  Compiled c = Compile(p, Docker());
  REQUIRE(c.ok());
  CHECK(c.names == 7);
  CHECK(c.skipped_default == 2);
  CHECK(c.skipped_unknown == 1);
  CHECK(c.rules_added == 4);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "clone3") == kEnosys);
  // The skipped entries still count for the stub's highest number (runc's findLastSyscalls reads them all).
  const StubArch* s = StubFor(c, SCMP_ARCH_X86_64);
  REQUIRE(s != nullptr);
  CHECK(s->max_nr == sys::Resolve(SCMP_ARCH_X86_64, "clone3").nr);
}

TEST_CASE("a rule libseccomp refuses is an error naming its JSON path; the rest still compiles",
          "[validator][compile]") {
  // The parser reports this conflict too; Compile must not rely on it.
  profile::Profile p;
  p.default_action = profile::Action::kErrno;
  p.architectures = {"SCMP_ARCH_X86_64"};
  profile::Rule allow;
  allow.names = {"read", "socket"};
  allow.action = profile::Action::kAllow;
  allow.args = {profile::ArgCondition{0, 1, 0, profile::Op::kEq}};
  profile::Rule kill = allow;
  kill.names = {"socket"};
  kill.action = profile::Action::kKillProcess;
  profile::Rule write;
  write.names = {"write"};
  write.action = profile::Action::kAllow;
  p.syscalls = {allow, kill, write};
  Compiled c = Compile(p, Docker());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].path == "syscalls[1].names[0]");
  CHECK_THAT(c.errors[0].message, Catch::Contains("conflicts with an earlier rule"));
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "write") == SECCOMP_RET_ALLOW);
}

TEST_CASE("runc 1.1 builds no stub for a profile without arches; 1.2 stubs the native arch", "[validator][compile]") {
  const profile::Profile p = ParseOk(R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read", "write", "exit_group", "openat"], "action": "SCMP_ACT_ALLOW"}]})");
  Compiled v11 = Compile(p, Docker());
  CHECK(v11.stub.empty());
  CHECK(v11.stub_instructions == 4);  // runc 1.1.5 still prepends an empty stub (seen in its loaded filter)
  REQUIRE(v11.notes.size() == 1);
  CHECK_THAT(v11.notes[0].message, Catch::Contains("no ENOSYS stub"));
  CompileOptions o = Docker();
  o.runc_version = RuncVersion::k1_2;
  Compiled v12 = Compile(p, o);
  REQUIRE(v12.stub.size() == 1);
  CHECK(v12.stub[0].arch == SCMP_ARCH_X86_64);
  CHECK(v12.stub[0].max_nr == sys::Resolve(SCMP_ARCH_X86_64, "openat").nr);
  CHECK(AnswerNr(v12.program, SCMP_ARCH_X86_64, 300) == kEnosys);
  CHECK(AnswerNr(v11.program, SCMP_ARCH_X86_64, 300) == kEperm);
}

TEST_CASE("runc 1.2 switches to a binary tree above 32 names; 1.1 never does", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("moby-default.json")));
  CompileOptions o = Docker();
  o.runc_version = RuncVersion::k1_2;
  Compiled tree = Compile(p, o);
  Compiled linear = Compile(p, Docker());
  CHECK(tree.binary_tree);
  CHECK_FALSE(linear.binary_tree);
  CHECK_FALSE(SameProgram(tree.program, linear.program));
  CHECK(Answer(tree.program, SCMP_ARCH_X86_64, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(tree.program, SCMP_ARCH_X86_64, "reboot") == kEperm);

  const profile::Profile small = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  CHECK_FALSE(Compile(small, o).binary_tree);
}

TEST_CASE("runc 1.1 refuses any seccomp flag; runc 1.2 and crun pass them to seccomp(2)", "[validator][compile]") {
  const profile::Profile p = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  Compiled v11 = Compile(p, Docker());
  REQUIRE(v11.errors.size() == 1);
  CHECK(v11.errors[0].path == "flags");
  CHECK_THAT(v11.errors[0].message, Catch::Contains("seccomp flags are not yet supported by runc"));
  CompileOptions o = Docker();
  o.runc_version = RuncVersion::k1_2;
  Compiled v12 = Compile(p, o);
  CHECK(v12.ok());
  CHECK(v12.load_flags == (SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_LOG));
  Compiled crun = Compile(p, Docker(Runtime::kCrun));
  CHECK(crun.ok());
  CHECK(crun.load_flags == v12.load_flags);
  // Absent flags: crun and runc 1.2 default to SPEC_ALLOW; an empty list means none.
  const profile::Profile none = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  CHECK(Compile(none, Docker(Runtime::kCrun)).load_flags == SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  CHECK(Compile(none, Docker()).load_flags == 0);
  const profile::Profile empty = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": [],
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  CHECK(Compile(empty, Docker()).ok());
  CHECK(Compile(empty, Docker(Runtime::kCrun)).load_flags == 0);
}

TEST_CASE("no stub when the default action lets calls through or traces them", "[validator][compile]") {
  for (const char* action : {"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"}) {
    const profile::Profile p = ParseOk(std::string(R"({"defaultAction": ")") + action + R"(",
      "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO"}]})");
    Compiled c = Compile(p, Docker());
    CAPTURE(action);
    CHECK(c.stub.empty());
  }
}

TEST_CASE("complain mode traces exactly what the profile would deny", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("moby-default.json")));
  CompileOptions o = Docker();
  o.complain = true;
  Compiled c = Compile(p, o);
  REQUIRE(c.ok());
  CHECK(c.stub.empty());
  CHECK((c.default_action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "read") == SECCOMP_RET_ALLOW);
  CHECK((Answer(c.program, SCMP_ARCH_X86_64, "reboot") & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE);
  CHECK((Answer(c.program, SCMP_ARCH_X86_64, "clone3") & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE);
  CHECK((Answer(c.program, SCMP_ARCH_X86_64, "personality", {1}) & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE);
  CHECK(Answer(c.program, SCMP_ARCH_X86_64, "personality", {8}) == SECCOMP_RET_ALLOW);
  CHECK((AnswerNr(c.program, SCMP_ARCH_X86_64, 5000) & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE);
  // Same rules, same merges: only the returns differ.
  Compiled enforced = Compile(p, Docker(Runtime::kCrun));
  CHECK(c.rules_added == enforced.rules_added);
  CHECK(c.skipped_default == enforced.skipped_default);
}

TEST_CASE("compiling for another arch uses that arch's archMap entry and its own numbers", "[validator][compile]") {
  const profile::Profile p = ParseOk(Slurp(Fixture("moby-default.json")));
  CompileOptions o = Docker();
  o.target.arch = SCMP_ARCH_AARCH64;
  Compiled c = Compile(p, o);
  REQUIRE(c.ok());
  CHECK(c.arches == std::vector<sys::ArchToken>{SCMP_ARCH_AARCH64, SCMP_ARCH_ARM});
  CHECK(Answer(c.program, SCMP_ARCH_AARCH64, "read") == SECCOMP_RET_ALLOW);
  CHECK(Answer(c.program, SCMP_ARCH_ARM, "arm_fadvise64_64") == SECCOMP_RET_ALLOW);  // includes.arches arm
  CHECK((AnswerNr(c.program, SCMP_ARCH_X86_64, 0) & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW);
}

TEST_CASE("a profile that switches seccomp off has nothing to compile", "[validator][compile]") {
  const profile::Profile p = ParseOk("{}");
  CHECK(SeccompOff(p));
  CHECK_THROWS_AS(Compile(p, Docker()), Error);
}

TEST_CASE("the ENOSYS stub on its own", "[validator][compile]") {
  Program stub = EnosysStub({{SCMP_ARCH_X86_64, 100},
                             {SCMP_ARCH_X32, int64_t{sys::kX32SyscallBit} | 200},
                             {SCMP_ARCH_AARCH64, 300},
                             {SCMP_ARCH_S390X, 400}});
  Program p = stub;
  p.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW});  // "the filter"
  CHECK(AnswerNr(p, SCMP_ARCH_X86_64, 100) == SECCOMP_RET_ALLOW);
  CHECK(AnswerNr(p, SCMP_ARCH_X86_64, 101) == kEnosys);
  CHECK(AnswerNr(p, SCMP_ARCH_X32, sys::kX32SyscallBit | 150) == SECCOMP_RET_ALLOW);
  CHECK(AnswerNr(p, SCMP_ARCH_X32, sys::kX32SyscallBit | 201) == kEnosys);
  CHECK(AnswerNr(p, SCMP_ARCH_AARCH64, 301) == kEnosys);
  CHECK(AnswerNr(p, SCMP_ARCH_S390X, 0) == kEnosys);  // s390x multiplexes unknown numbers onto 0
  CHECK(AnswerNr(p, SCMP_ARCH_S390X, 401) == kEnosys);
  CHECK(AnswerNr(p, SCMP_ARCH_S390X, 1) == SECCOMP_RET_ALLOW);
  CHECK(AnswerNr(p, SCMP_ARCH_X86, 5000) == SECCOMP_RET_ALLOW);  // not in the stub: the filter decides
  // Only x86_64 present: an x32 number is left to the filter.
  Program only64 = EnosysStub({{SCMP_ARCH_X86_64, 100}});
  only64.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW});
  CHECK(AnswerNr(only64, SCMP_ARCH_X86_64, sys::kX32SyscallBit | 5) == SECCOMP_RET_ALLOW);
  // No arch: runc still prepends its 4-instruction frame, which changes nothing.
  Program none = EnosysStub({});
  CHECK(none.size() == 4);
  none.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW});
  CHECK(AnswerNr(none, SCMP_ARCH_X86_64, 5000) == SECCOMP_RET_ALLOW);
}

}  // namespace
}  // namespace profilegen::validator
