#include "validator/bpf.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <catch2/catch.hpp>

#include "base/error.h"
#include "profile/parse.h"
#include "tests/validator/helpers.h"
#include "validator/compile.h"
#include "validator/validate.h"

namespace profilegen::validator {
namespace {

sock_filter Stmt(uint16_t code, uint32_t k) { return sock_filter{code, 0, 0, k}; }
sock_filter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return sock_filter{code, jt, jf, k}; }

TEST_CASE("RunFilter follows loads, jumps and returns like the kernel", "[validator][bpf]") {
  // if (nr == 1 && args[0] low word == 7) ALLOW else ERRNO(5)
  const Program p = {
      Stmt(BPF_LD | BPF_W | BPF_ABS, 0),        Jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),
      Stmt(BPF_LD | BPF_W | BPF_ABS, 16),       Jump(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1),
      Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), Stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
  };
  SeccompData d;
  d.nr = 1;
  d.args[0] = 7;
  CHECK(RunFilter(p, d) == SECCOMP_RET_ALLOW);
  d.args[0] = 8;
  CHECK(RunFilter(p, d) == (SECCOMP_RET_ERRNO | 5));
  d.nr = 2;
  CHECK(RunFilter(p, d) == (SECCOMP_RET_ERRNO | 5));

  // The kernel's cache check: nr 2 never reads an argument, nr 1 does.
  CHECK(ConstantAction(p, AUDIT_ARCH_X86_64, 2) == (SECCOMP_RET_ERRNO | 5));
  CHECK_FALSE(ConstantAction(p, AUDIT_ARCH_X86_64, 1).has_value());
}

TEST_CASE("RunFilter rejects programs the kernel would not run", "[validator][bpf]") {
  SeccompData d;
  CHECK_THROWS_AS(RunFilter({Jump(BPF_JMP | BPF_JA, 5, 0, 0)}, d), Error);
  CHECK_THROWS_AS(RunFilter({Stmt(BPF_LD | BPF_W | BPF_ABS, 64)}, d), Error);
  CHECK_THROWS_AS(RunFilter({Stmt(BPF_LD | BPF_W | BPF_ABS, 0)}, d), Error);  // no return
}

TEST_CASE("the kernel action cache: what Docker's profile lets through without reading arguments", "[validator][bpf]") {
  const profile::Profile p = testing::ParseOk(testing::Slurp(testing::Fixture("moby-default.json")));
  CompileOptions o;
  o.target.arch = SCMP_ARCH_X86_64;
  o.target.caps = profile::DefaultCaps();
  Compiled c = Compile(p, o);
  std::vector<CacheStats> stats = AnalyseCache(c, SCMP_ARCH_X86_64);
  REQUIRE(stats.size() == 3);
  const CacheStats& amd64 = stats[0];
  CHECK(amd64.arch == SCMP_ARCH_X86_64);
  CHECK(amd64.kernel_caches);
  CHECK(amd64.constant_allow > 250);
  CHECK(amd64.constant_allow < amd64.syscalls);
  // socket, personality and clone depend on their arguments.
  CHECK(amd64.argument_dependent == 3);
  CHECK(stats[1].arch == SCMP_ARCH_X86);
  CHECK(stats[1].kernel_caches);  // the compat arch has its own cache
  CHECK(stats[2].arch == SCMP_ARCH_X32);
  CHECK_FALSE(stats[2].kernel_caches);  // bit 30 puts x32 numbers outside the cache
  for (const auto& name : {"read", "write", "openat", "futex"}) {
    auto r = sys::Resolve(SCMP_ARCH_X86_64, name);
    CAPTURE(name);
    CHECK(ConstantAction(c.program, AUDIT_ARCH_X86_64, FilterNumber(SCMP_ARCH_X86_64, r.nr)) == SECCOMP_RET_ALLOW);
  }
}

}  // namespace
}  // namespace profilegen::validator
