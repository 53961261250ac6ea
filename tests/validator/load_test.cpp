// The kernel's own verdict: programs installed in forked children of the test.
#include "validator/load.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/validator/helpers.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

using testing::Fixture;
using testing::ParseOk;
using testing::Slurp;

Compiled CompileFixture(const std::string& name, Runtime runtime, profile::Engine engine = profile::Engine::kDocker) {
  CompileOptions o;
  o.runtime = runtime;
  o.target.engine = engine;
  o.target.caps = profile::DefaultCaps();
  Compiled c = Compile(ParseOk(Slurp(Fixture(name))), o);
  REQUIRE(c.ok());
  return c;
}

// The errno a raw syscall `nr` gets in a child that runs under `program` (0 when it succeeds).
int ErrnoUnder(const Program& program, long nr) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    const sock_fprog prog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
    if (InstallFilter(prog, 0) != 0) ::_exit(2);
    long rc = ::syscall(nr, 0, 0, 0, 0, 0, 0);
    int err = rc < 0 ? errno : 0;
    (void)!::write(fds[1], &err, sizeof err);
    ::_exit(0);
  }
  ::close(fds[1]);
  int err = -1;
  REQUIRE(::read(fds[0], &err, sizeof err) == static_cast<ssize_t>(sizeof err));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return err;
}

TEST_CASE("the kernel accepts Docker's and podman's profiles as compiled", "[validator][load]") {
  for (Runtime runtime : {Runtime::kRunc, Runtime::kCrun}) {
    Compiled moby = CompileFixture("moby-default.json", runtime);
    LoadResult r = TestLoad(moby.program, moby.load_flags);
    INFO(r.detail);
    CHECK(r.accepted);
    CHECK(r.error == 0);
  }
  Compiled podman = CompileFixture("containers-common.json", Runtime::kCrun, profile::Engine::kPodman);
  LoadResult r = TestLoad(podman.program, podman.load_flags);
  INFO(r.detail);
  CHECK(r.accepted);
}

TEST_CASE("the kernel refuses broken programs and says why", "[validator][load]") {
  // A jump past the end.
  LoadResult bad = TestLoad({sock_filter{BPF_JMP | BPF_JA, 0, 0, 7}}, 0);
  CHECK_FALSE(bad.accepted);
  CHECK(bad.error == EINVAL);
  CHECK_THAT(bad.detail, Catch::Contains("Invalid argument"));
  // The kernel's size limit (BPF_MAXINSNS): 4096 instructions pass, 4097 do not.
  Program big(4096, sock_filter{BPF_JMP | BPF_JA, 0, 0, 0});
  big.back() = sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW};
  CHECK(TestLoad(big, 0).accepted);
  big.insert(big.begin(), sock_filter{BPF_JMP | BPF_JA, 0, 0, 0});
  LoadResult too_big = TestLoad(big, 0);
  CHECK_FALSE(too_big.accepted);
  CHECK(too_big.error == EINVAL);
}

TEST_CASE("a loaded filter that denies exit_group is still reported as loaded", "[validator][load]") {
  const profile::Profile p = ParseOk(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  Compiled c = Compile(p, CompileOptions{});
  LoadResult r = TestLoad(c.program, 0);
  CHECK(r.accepted);
  CHECK_THAT(r.detail, Catch::Contains("denies exit_group"));

  const profile::Profile kill = ParseOk(R"({"defaultAction": "SCMP_ACT_KILL_PROCESS",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  LoadResult k = TestLoad(Compile(kill, CompileOptions{}).program, 0);
  CHECK(k.accepted);
  CHECK_THAT(k.detail, Catch::Contains("SIGSYS"));
}

TEST_CASE("ENOSYS stub in the kernel: above the profile's highest number ENOSYS under runc, EPERM under crun",
          "[validator][load]") {
  Compiled runc = CompileFixture("moby-default.json", Runtime::kRunc);
  Compiled crun = CompileFixture("moby-default.json", Runtime::kCrun);
  if (sys::HostArch() != SCMP_ARCH_X86_64) return;  // the numbers below are x86_64's
  REQUIRE_FALSE(runc.stub.empty());
  REQUIRE(runc.stub[0].arch == SCMP_ARCH_X86_64);
  const long above = static_cast<long>(runc.stub[0].max_nr) + 1;
  CHECK(ErrnoUnder(runc.program, above) == ENOSYS);
  CHECK(ErrnoUnder(crun.program, above) == EPERM);
  CHECK(ErrnoUnder(runc.program, 1000) == ENOSYS);
  CHECK(ErrnoUnder(crun.program, 1000) == EPERM);
  // Below the highest number an unlisted syscall gets the default action under both.
  const long kexec_load = sys::Resolve(SCMP_ARCH_X86_64, "kexec_load").nr;
  CHECK(ErrnoUnder(runc.program, kexec_load) == EPERM);
  CHECK(ErrnoUnder(crun.program, kexec_load) == EPERM);
  // And an allowed one really runs.
  CHECK(ErrnoUnder(runc.program, SYS_getpid) == 0);
}

}  // namespace
}  // namespace profilegen::validator
