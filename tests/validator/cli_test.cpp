// `profilegen validate` and `profilegen run` as a user runs them: the built binary, its output and exit status.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/validator/helpers.h"
#include "trace/trace.h"

namespace profilegen {
namespace {

using testing::Fixture;
using testing::MobyWithout;
using testing::Output;
using testing::RunProfilegen;
using testing::RunProfilegenWith;
using testing::TempDir;

size_t CountLines(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST_CASE("validate: Docker's and podman's profiles are valid and the kernel loads them", "[validator][cli]") {
  Output moby = RunProfilegen({"validate", "--load", Fixture("moby-default.json")});
  INFO(moby.out << moby.err);
  CHECK(moby.status == 0);
  CHECK_THAT(moby.out, Catch::Contains("moby-default.json: valid for docker with runc 1.1 on amd64"));
  CHECK_THAT(moby.out, Catch::Contains("load: accepted by the kernel"));
  CHECK_THAT(moby.out, Catch::Contains("enosys stub: SCMP_ARCH_X86_64 above"));

  Output podman = RunProfilegen({"validate", "--target", "podman", "--load", Fixture("containers-common.json")});
  INFO(podman.out << podman.err);
  CHECK(podman.status == 0);
  CHECK_THAT(podman.out, Catch::Contains("valid for podman with crun"));
  CHECK_THAT(podman.out, Catch::Contains("enosys stub: none (crun)"));
  CHECK_THAT(podman.out, Catch::Contains("load: accepted by the kernel"));

  Output both = RunProfilegen({"validate", Fixture("moby-default.json"), Fixture("containers-common.json")});
  CHECK(both.status == 0);
  CHECK(CountLines(both.out, ": valid for docker") == 2);
}

TEST_CASE("validate: every problem of a profile in one run, as FILE: PATH: error|warning: MESSAGE",
          "[validator][cli]") {
  TempDir dir;
  const std::string bad = dir.Write("bad.json", R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultActon": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [
      {"names": ["opnat", "read"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["socket"], "action": "SCMP_ACT_ALOW"},
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQUAL"}]}
    ]})");
  Output o = RunProfilegen({"validate", bad});
  INFO(o.out << o.err);
  CHECK(o.status == 1);
  CHECK_THAT(o.out, Catch::Contains(bad + ": defaultActon: warning: unknown key \"defaultActon\""));
  CHECK_THAT(o.out, Catch::Contains(bad + ": syscalls[0].names[0]: warning: unknown syscall \"opnat\""));
  CHECK_THAT(o.out, Catch::Contains(bad + ": syscalls[1].action: error: unknown action \"SCMP_ACT_ALOW\""));
  CHECK_THAT(o.out, Catch::Contains(bad + ": syscalls[2].args[0].index: error:"));
  CHECK_THAT(o.out, Catch::Contains(bad + ": syscalls[2].args[0].op: error:"));
  CHECK_THAT(o.out, Catch::Contains("INVALID"));
}

TEST_CASE("validate: a profile that confines nothing is an error unless --allow-unconfined", "[validator][cli]") {
  TempDir dir;
  const std::string off = dir.Write("off.json", "{}");
  const std::string allow = dir.Write(
      "allow.json",
      R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_ERRNO"}]})");
  Output o = RunProfilegen({"validate", off, allow});
  INFO(o.out);
  CHECK(o.status == 1);
  CHECK(CountLines(o.out, "--allow-unconfined") == 2);
  Output ok = RunProfilegen({"validate", "--allow-unconfined", off, allow});
  INFO(ok.out);
  CHECK(ok.status == 0);
}

TEST_CASE("validate: --strict makes warnings errors", "[validator][cli]") {
  TempDir dir;
  const std::string warn = dir.Write("warn.json", R"({"defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read", "exit_group", "execve"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["mount"], "action": "SCMP_ACT_ERRNO"}]})");
  // crun with no-new-privileges needs only execve after loading the filter (runtime-crun.json).
  CHECK(RunProfilegen({"validate", "--runtime", "crun", "--no-new-privileges", warn}).status == 0);
  Output strict = RunProfilegen({"validate", "--runtime", "crun", "--no-new-privileges", "--strict", warn});
  INFO(strict.out);
  CHECK(strict.status == 1);
  CHECK_THAT(strict.out, Catch::Contains("syscalls[1]: error:"));
}

TEST_CASE("validate: exit 2 for unreadable input and bad usage", "[validator][cli]") {
  Output missing = RunProfilegen({"validate", "/nonexistent/p.json"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.out, Catch::Contains("/nonexistent/p.json: error: cannot read"));
  CHECK(RunProfilegen({"validate", "--arch", "amd46", Fixture("moby-default.json")}).status == 2);
  CHECK(RunProfilegen({"validate", "--kernel", "4.8.1", Fixture("moby-default.json")}).status == 2);
  CHECK(RunProfilegen({"validate", "--caps", "CAP_SYS_ADMN", Fixture("moby-default.json")}).status == 2);
  CHECK(RunProfilegen({"validate"}).status == 2);
}

TEST_CASE("validate: --format json, --arch, --caps, --kernel", "[validator][cli]") {
  Output o = RunProfilegen({"validate", "--format", "json", "--arch", "arm64", "--caps", "all", "--kernel", "4.4",
                            Fixture("moby-default.json")});
  INFO(o.out << o.err);
  REQUIRE(o.status == 0);
  auto j = nlohmann::json::parse(o.out);
  CHECK(j["valid"] == true);
  const auto& p = j["profiles"][0];
  CHECK(p["target"]["arch"] == "SCMP_ARCH_AARCH64");
  CHECK(p["target"]["kernel"] == "4.4");
  CHECK(p["compile"]["arches"] == nlohmann::json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  CHECK(p["compile"]["instructions"].get<int>() > 300);
  CHECK(p["compile"]["instructions"].get<int>() < 4096);
  CHECK(p["cache"][0]["allowedCacheable"].get<int>() > 250);
  // minKernel 4.8 (ptrace and friends) is not met on 4.4: those entries are left out.
  Output recent =
      RunProfilegen({"validate", "--format", "json", "--arch", "arm64", "--caps", "all", Fixture("moby-default.json")});
  auto r = nlohmann::json::parse(recent.out);
  CHECK(r["profiles"][0]["compile"]["entriesApplied"].get<int>() == p["compile"]["entriesApplied"].get<int>() + 1);
}

TEST_CASE("validate: --bpf writes the program the report describes", "[validator][cli]") {
  TempDir dir;
  const std::string bpf = dir.path() + "/moby.bpf";
  Output o = RunProfilegen({"validate", "--format", "json", "--bpf", bpf, Fixture("moby-default.json")});
  REQUIRE(o.status == 0);
  auto j = nlohmann::json::parse(o.out);
  struct stat st {};
  REQUIRE(::stat(bpf.c_str(), &st) == 0);
  CHECK(static_cast<size_t>(st.st_size) == j["profiles"][0]["compile"]["instructions"].get<size_t>() * 8);
}

TEST_CASE("run: a real program under a permissive-enough profile", "[validator][cli][run]") {
  Output t = RunProfilegen({"run", "--profile", Fixture("moby-default.json"), "--", "/bin/true"});
  INFO(t.err);
  CHECK(t.status == 0);
  // -l reaches ls, not profilegen.
  Output ls = RunProfilegen({"run", "--profile", Fixture("moby-default.json"), "--", "ls", "-l", "/"});
  INFO(ls.err);
  CHECK(ls.status == 0);
  CHECK_THAT(ls.out, Catch::StartsWith("total "));
  CHECK_THAT(ls.out, Catch::Contains("drwx"));
  Output bb = RunProfilegen({"run", "--profile", Fixture("containers-common.json"), "--runtime", "crun", "--target",
                             "podman", "--", "busybox", "echo", "hi"});
  CHECK(bb.status == 0);
  CHECK(bb.out == "hi\n");
}

TEST_CASE("run: the exit status passes through", "[validator][cli][run]") {
  const std::string moby = Fixture("moby-default.json");
  CHECK(RunProfilegen({"run", "--profile", moby, "--", "sh", "-c", "exit 7"}).status == 7);
  CHECK(RunProfilegen({"run", "--profile", moby, "--", "sh", "-c", "kill -9 $$"}).status == 128 + 9);
  Output nf = RunProfilegen({"run", "--profile", moby, "--", "no-such-command-here"});
  CHECK(nf.status == 127);
  CHECK_THAT(nf.err, Catch::Contains("cannot execute no-such-command-here"));
  TempDir dir;
  const std::string data = dir.Write("data.txt", "not a program\n");  // mode 0644
  Output nx = RunProfilegen({"run", "--profile", moby, "--", data});
  CHECK(nx.status == 126);
  CHECK_THAT(nx.err, Catch::Contains("cannot execute " + data + ": Permission denied"));
  Output bad = RunProfilegen({"run", "--profile", "/nonexistent.json", "--", "/bin/true"});
  CHECK(bad.status == 125);
  CHECK(RunProfilegen({"run", "--", "/bin/true"}).status == 2);  // --profile is required
}

TEST_CASE("run: a profile without mkdir makes mkdir fail with EPERM", "[validator][cli][run]") {
  TempDir dir;
  const std::string profile = dir.Write("nomkdir.json", MobyWithout({"mkdir", "mkdirat"}));
  const std::string target = dir.path() + "/x";
  Output o = RunProfilegen({"run", "--profile", profile, "--", "mkdir", target});
  CHECK(o.status == 1);
  CHECK_THAT(o.err, Catch::Contains("Operation not permitted"));
  struct stat st {};
  CHECK(::stat(target.c_str(), &st) != 0);
  // The same command under Docker's profile works.
  CHECK(RunProfilegen({"run", "--profile", Fixture("moby-default.json"), "--", "mkdir", target}).status == 0);
}

TEST_CASE("run: a profile without execve cannot start anything, and says so", "[validator][cli][run]") {
  TempDir dir;
  const std::string profile = dir.Write("noexec.json", MobyWithout({"execve"}));
  Output o = RunProfilegen({"run", "--profile", profile, "--", "/bin/true"});
  CHECK(o.status == 126);
  CHECK_THAT(o.err,
             Catch::Contains("cannot execute /bin/true: Operation not permitted (the profile does not allow execve)"));
}

TEST_CASE("run: ENOSYS above the profile's highest syscall under runc, EPERM under crun", "[validator][cli][run]") {
  if (::access("/usr/bin/perl", X_OK) != 0) {
    WARN("skipped: no perl to make a raw syscall (load_test covers the stub in the kernel)");
    return;
  }
  const std::string moby = Fixture("moby-default.json");
  const std::string script = "$r = syscall(1000); print $! + 0, qq(\\n);";
  Output runc = RunProfilegen({"run", "--profile", moby, "--", "perl", "-e", script});
  Output crun = RunProfilegen({"run", "--profile", moby, "--runtime", "crun", "--", "perl", "-e", script});
  INFO(runc.err << crun.err);
  CHECK(runc.out == std::to_string(ENOSYS) + "\n");
  CHECK(crun.out == std::to_string(EPERM) + "\n");
}

TEST_CASE("run: the signals profilegen forwards go to the command", "[validator][cli][run]") {
  // SIGWINCH is forwarded too, but sleep ignores it.
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
    Output o =
        RunProfilegenWith({"run", "--profile", Fixture("moby-default.json"), "--", "sleep", "20"}, [sig](pid_t pid) {
          std::this_thread::sleep_for(std::chrono::milliseconds(400));
          ::kill(pid, sig);
        });
    CAPTURE(sig);
    CHECK(o.status == 128 + sig);  // sleep died of the signal; profilegen passed that on
  }
}

TEST_CASE("[ptrace] run --complain: nothing is denied, and the one missing syscall is reported",
          "[validator][cli][run][ptrace]") {
  TempDir dir;
  const std::string profile = dir.Write("nomkdir.json", MobyWithout({"mkdir", "mkdirat"}));
  const std::string target = dir.path() + "/made";
  const std::string record = dir.path() + "/denied.json";
  Output o = RunProfilegen({"run", "--profile", profile, "--complain", "--record", record, "--", "mkdir", target});
  INFO(o.err);
  CHECK(o.status == 0);
  struct stat st {};
  CHECK(::stat(target.c_str(), &st) == 0);  // mkdir was let through
  CHECK_THAT(o.err, Catch::Contains("complain: 1 syscall the profile would deny"));
  CHECK_THAT(o.err, Catch::Contains("SCMP_ACT_ERRNO(1 EPERM)"));
  trace::Trace t = trace::LoadTrace(record);
  REQUIRE(t.syscalls.size() == 1);
  const trace::SyscallRecord& rec = t.syscalls.begin()->second;
  CHECK(rec.name == std::optional<std::string>("mkdir"));
  CHECK(rec.count == 1);
  CHECK_THAT(rec.first.exe, Catch::EndsWith("/mkdir"));
  CHECK(t.exit.code == std::optional<int>(0));

  // Under Docker's own profile mkdir is allowed: nothing to report.
  Output clean =
      RunProfilegen({"run", "--profile", Fixture("moby-default.json"), "--complain", "--", "mkdir", "-p", target});
  CHECK(clean.status == 0);
  CHECK_THAT(clean.err, Catch::Contains("the profile denied nothing"));
}

}  // namespace
}  // namespace profilegen
