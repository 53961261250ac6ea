// The compiled program against the filter the real runtimes of this machine load (runc 1.1.5, crun 1.8.1):
// tests/validator/engine_filter.sh runs a container and reads its filter back with PTRACE_SECCOMP_GET_FILTER.
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tests/support/skip.h"
#include "tests/validator/helpers.h"
#include "validator/bpf.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

using testing::Fixture;
using testing::Slurp;
using testing::TempDir;

// The filter `runtime` loads for `profile`, or nullopt when the engine is not available here (outside CI).
std::optional<Program> EngineFilter(const std::string& runtime, const std::string& profile) {
  TempDir dir;
  const std::string out = dir.path() + "/filter.bpf";
  const std::string cmd = std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/engine_filter.sh " + runtime + " '" +
                          profile + "' '" + out + "'";
  int status = std::system(cmd.c_str());
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (rc == 77 && !support::Need("reading back " + runtime + "'s filter", "root, " + runtime + " and python3", false)) {
    return std::nullopt;
  }
  REQUIRE(rc == 0);
  const std::string bytes = Slurp(out);
  REQUIRE(bytes.size() % sizeof(sock_filter) == 0);
  Program p(bytes.size() / sizeof(sock_filter));
  std::memcpy(p.data(), bytes.data(), bytes.size());
  return p;
}

// engine_filter.sh builds its bundle with `runc spec`'s capabilities.
Compiled CompileLikeBundle(const std::string& profile, Runtime runtime) {
  CompileOptions o;
  o.runtime = runtime;
  o.target.caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  profile::ParseResult r = profile::ParseProfile(Slurp(profile));
  REQUIRE_FALSE(r.HasErrors());
  return Compile(r.profile, o);
}

bool SameBytes(const sock_filter* a, const sock_filter* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(sock_filter)) == 0;
}

// Same answer for every number of every arch the stub might see (the arch order inside runc's stub comes from
// a Go map, so the bytes may differ; the behaviour may not).
void CheckSameAnswers(const Program& a, const Program& b) {
  for (sys::ArchToken arch :
       std::vector<sys::ArchToken>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64}) {
    for (int64_t nr = 0; nr < 1100; ++nr) {
      SeccompData d;
      d.arch = AuditArch(arch);
      d.nr = FilterNumber(arch, nr);
      INFO("arch " << arch << " nr " << nr);
      REQUIRE(RunFilter(a, d) == RunFilter(b, d));
    }
  }
}

TEST_CASE("[engine][root] runc 1.1.5 loads the program Compile builds for Docker's profile", "[engine][root]") {
  const std::string profile = Fixture("moby-default.json");
  auto runc = EngineFilter("runc", profile);
  if (!runc) return;
  Compiled mine = CompileLikeBundle(profile, Runtime::kRunc);
  REQUIRE(mine.ok());
  CHECK(mine.program.size() == runc->size());
  // libseccomp's part is byte-identical: same arches, same rule order, no binary tree in runc 1.1.
  const size_t tail = mine.program.size() - mine.stub_instructions;
  REQUIRE(runc->size() >= tail);
  CHECK(SameBytes(mine.program.data() + mine.stub_instructions, runc->data() + (runc->size() - tail), tail));
  CheckSameAnswers(mine.program, *runc);
}

TEST_CASE("[engine][root] runc 1.1.5 builds no ENOSYS stub when the profile lists no arches", "[engine][root]") {
  TempDir dir;
  nlohmann::json j = nlohmann::json::parse(Slurp(Fixture("moby-default.json")));
  j.erase("archMap");
  const std::string profile = dir.Write("noarch.json", j.dump());
  auto runc = EngineFilter("runc", profile);
  if (!runc) return;
  Compiled mine = CompileLikeBundle(profile, Runtime::kRunc);
  REQUIRE(mine.stub.empty());
  REQUIRE(mine.program.size() == runc->size());
  CHECK(SameBytes(mine.program.data(), runc->data(), runc->size()));  // the empty 4-instruction frame included
}

TEST_CASE("[engine][root] crun 1.8.1 loads exactly the program Compile builds", "[engine][root]") {
  const std::string profile = Fixture("moby-default.json");
  auto crun = EngineFilter("crun", profile);
  if (!crun) return;
  Compiled mine = CompileLikeBundle(profile, Runtime::kCrun);
  REQUIRE(mine.program.size() == crun->size());
  CHECK(SameBytes(mine.program.data(), crun->data(), crun->size()));
}

// The container's exit status for ARGS under `profile`, or nullopt when the engine is not available here.
std::optional<int> EngineRun(const std::string& runtime, const std::string& profile, const std::string& args) {
  const std::string cmd = std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/engine_run.sh " + runtime + " '" +
                          profile + "' -- " + args + " 2>/dev/null";
  int status = std::system(cmd.c_str());
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (rc == 77 && !support::Need("running a container under " + runtime, "root and " + runtime, false)) {
    return std::nullopt;
  }
  return rc;
}

// perl's syscall() with a number no kernel has: the container exits with the errno it got.
const char* const kUnknownSyscall = "/usr/bin/perl -e 'syscall(1000); exit($!+0)'";

TEST_CASE("[engine][root] the real runtimes answer a syscall above the profile's highest as Compile says",
          "[engine][root]") {
  if (!support::Need("the unknown-syscall answer of the runtimes", "perl", ::access("/usr/bin/perl", X_OK) == 0)) {
    return;
  }
  const std::string moby = Fixture("moby-default.json");
  auto runc = EngineRun("runc", moby, kUnknownSyscall);
  if (!runc) return;
  CHECK(*runc == ENOSYS);  // runc's stub
  auto crun = EngineRun("crun", moby, kUnknownSyscall);
  if (crun) CHECK(*crun == EPERM);  // no stub: the default action
  // runc 1.1.5 without listed arches: no stub either.
  TempDir dir;
  nlohmann::json j = nlohmann::json::parse(Slurp(moby));
  j.erase("archMap");
  auto noarch = EngineRun("runc", dir.Write("noarch.json", j.dump()), kUnknownSyscall);
  if (noarch) CHECK(*noarch == EPERM);
}

TEST_CASE("[engine][root] runc 1.1.5 refuses a profile with flags, crun starts it", "[engine][root]") {
  TempDir dir;
  nlohmann::json j = nlohmann::json::parse(Slurp(Fixture("moby-default.json")));
  j["flags"] = {"SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  const std::string profile = dir.Write("flags.json", j.dump());
  auto runc = EngineRun("runc", profile, "/bin/true");
  if (!runc) return;
  CHECK(*runc != 0);
  Compiled mine = CompileLikeBundle(profile, Runtime::kRunc);
  REQUIRE(mine.errors.size() == 1);
  CHECK(mine.errors[0].path == "flags");
  auto crun = EngineRun("crun", profile, "/bin/true");
  if (crun) CHECK(*crun == 0);
  CHECK(CompileLikeBundle(profile, Runtime::kCrun).ok());
}

}  // namespace
}  // namespace profilegen::validator
