#include "generator/options.h"

#include <catch2/catch.hpp>
#include <string>

#include "base/error.h"

using namespace profilegen;
using namespace profilegen::generator;

namespace {

std::string ErrorOf(void (*f)()) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("options: --errno takes names and numbers 1..4095", "[options]") {
  CHECK(ParseErrno("EPERM") == 1);
  CHECK(ParseErrno("eperm") == 1);
  CHECK(ParseErrno("ENOSYS") == 38);
  CHECK(ParseErrno("EACCES") == 13);
  CHECK(ParseErrno("ENOTSUP") == 95);
  CHECK(ParseErrno("1") == 1);
  CHECK(ParseErrno("38") == 38);
  CHECK(ParseErrno("4095") == 4095);
  CHECK(ErrorOf([] { ParseErrno("0"); }) ==
        "--errno: 0 is out of range; the kernel accepts errno values 1 to 4095 (0 would make a denied call look "
        "successful)");
  CHECK(ErrorOf([] { ParseErrno("4096"); }).rfind("--errno: 4096 is out of range", 0) == 0);
  CHECK(ErrorOf([] { ParseErrno("99999999999999999999999"); }).rfind("--errno: 99999999999999999999999 is out", 0) ==
        0);
  CHECK(ErrorOf([] { ParseErrno("EPREM"); }) ==
        "--errno: unknown errno name \"EPREM\" (did you mean EPERM?); give a name such as EPERM, EACCES or ENOSYS, or "
        "a number from 1 to 4095");
  CHECK(ErrorOf([] { ParseErrno("-1"); }).rfind("--errno: unknown errno name \"-1\"", 0) == 0);
  CHECK(ErrnoName(1) == "EPERM");
  CHECK(ErrnoName(38) == "ENOSYS");
}

TEST_CASE("options: --default-action", "[options]") {
  CHECK(ParseDefaultAction("errno") == profile::Action::kErrno);
  CHECK(ParseDefaultAction("kill-process") == profile::Action::kKillProcess);
  CHECK(ParseDefaultAction("kill-thread") == profile::Action::kKillThread);
  CHECK(ParseDefaultAction("trap") == profile::Action::kTrap);
  CHECK(ParseDefaultAction("log") == profile::Action::kLog);
  CHECK(ParseDefaultAction("SCMP_ACT_KILL_PROCESS") == profile::Action::kKillProcess);
  CHECK(ErrorOf([] { ParseDefaultAction("kill-proces"); }) ==
        "--default-action: unknown value \"kill-proces\" (did you mean kill-process?); choose errno, kill-process, "
        "kill-thread, trap or log");
  // ALLOW as the default would be a deny-list: not what generate makes.
  CHECK_FALSE(ErrorOf([] { ParseDefaultAction("allow"); }).empty());
  CHECK_FALSE(ErrorOf([] { ParseDefaultAction("SCMP_ACT_ALLOW"); }).empty());
}

TEST_CASE("options: --runtime, --args, --arch", "[options]") {
  CHECK(ParseRuntime("runc") == Runtime::kRunc);
  CHECK(ParseRuntime("crun") == Runtime::kCrun);
  CHECK(ParseRuntime("none") == Runtime::kNone);
  CHECK(ErrorOf([] { ParseRuntime("runcc"); }) ==
        "--runtime: unknown value \"runcc\" (did you mean runc?); choose runc, crun or none");
  CHECK(ParseArgPolicy("none") == ArgPolicy::kNone);
  CHECK(ParseArgPolicy("guard") == ArgPolicy::kGuard);
  CHECK(ParseArgPolicy("strict") == ArgPolicy::kStrict);
  CHECK(ErrorOf([] { ParseArgPolicy("strikt"); }).rfind("--args: unknown value \"strikt\" (did you mean strict?)", 0) ==
        0);
  CHECK(ParseArch("arm64") == sys::ArchByScmpName("SCMP_ARCH_AARCH64")->token);
  CHECK(ParseArch("aarch64") == sys::ArchByScmpName("SCMP_ARCH_AARCH64")->token);
  CHECK(ParseArch("SCMP_ARCH_AARCH64") == sys::ArchByScmpName("SCMP_ARCH_AARCH64")->token);
  CHECK(ParseArch("x86") == sys::ArchByScmpName("SCMP_ARCH_X86")->token);
  CHECK(ParseArch("i386") == sys::ArchByScmpName("SCMP_ARCH_X86")->token);
  CHECK(ErrorOf([] { ParseArch("arm46"); }).rfind("--arch: unknown architecture \"arm46\" (did you mean arm64?)", 0) ==
        0);
}
