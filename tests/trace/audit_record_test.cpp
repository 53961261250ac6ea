// Seccomp audit records as the kernel log, dmesg, journalctl and audit.log print them (trace/audit_record.h).
#include "trace/audit_record.h"

#include <catch2/catch.hpp>

using namespace profilegen;
using namespace profilegen::trace;

namespace {
// Real lines from this machine (kernel 6.18), /dev/kmsg and dmesg forms.
const char* kKmsg =
    "5,2338,13193001082,-;audit: type=1326 audit(1795996100.446:141215): auid=4294967295 uid=0 gid=0 "
    "ses=4294967295 pid=21305 comm=\"logtest\" exe=\"/tmp/learnhelper/logtest\" sig=0 arch=c000003e syscall=83 "
    "compat=0 ip=0x7f0e4f80a4f7 code=0x7ffc0000";
const char* kDmesg =
    "[13193.001065] audit: type=1326 audit(1795996100.446:141210): auid=4294967295 uid=0 gid=0 ses=4294967295 "
    "pid=21305 comm=\"logtest\" exe=\"/tmp/learnhelper/logtest\" sig=0 arch=c000003e syscall=110 compat=0 "
    "ip=0x7f0e4f80a4f7 code=0x7ffc0000\n";

sys::ArchToken Arch(const char* native) { return sys::ArchByNativeName(native)->token; }
}  // namespace

TEST_CASE("a /dev/kmsg seccomp record", "[trace][audit]") {
  LogLine l = ParseLogLine(kKmsg);
  REQUIRE(l.kind == LineKind::kSeccomp);
  CHECK(l.record.time == Approx(1795996100.446));
  CHECK(l.record.serial == 141215);
  CHECK(*l.serial == 141215);
  CHECK(l.record.pid == 21305);
  CHECK(l.record.comm == "logtest");
  CHECK(l.record.exe == "/tmp/learnhelper/logtest");
  CHECK(l.record.arch == Arch("amd64"));
  CHECK(l.record.nr == 83);
  CHECK(sys::NameOf(l.record.arch, l.record.nr) == "mkdir");
  CHECK(SeccompActionName(l.record.code) == "log");
}

TEST_CASE("dmesg, journalctl and audit.log forms", "[trace][audit]") {
  CHECK(ParseLogLine(kDmesg).record.nr == 110);
  LogLine j = ParseLogLine(
      "Nov 29 23:00:00 host kernel: audit: type=1326 audit(1795996100.446:7): auid=1000 uid=1000 gid=1000 ses=2 "
      "pid=99 comm=\"sh\" exe=\"/bin/busybox\" sig=31 arch=40000003 syscall=5 compat=1 ip=0xf7f0 code=0x80000000");
  REQUIRE(j.kind == LineKind::kSeccomp);
  CHECK(j.record.arch == Arch("x86"));
  CHECK(sys::NameOf(j.record.arch, j.record.nr) == "open");
  CHECK(SeccompActionName(j.record.code) == "kill_process");
  // auditd's enriched format: the kernel's fields, then 0x1d and its own upper-case ones.
  LogLine a = ParseLogLine(
      "type=SECCOMP msg=audit(1795996100.446:8): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined "
      "pid=4242 comm=\"mkdir\" exe=\"/bin/busybox\" sig=0 arch=c000003e syscall=83 compat=0 ip=0x4a1b2c "
      "code=0x7ffc0000\x1d" "ARCH=x86_64 SYSCALL=mkdir AUID=\"unset\" UID=\"root\"");
  REQUIRE(a.kind == LineKind::kSeccomp);
  CHECK(a.record.pid == 4242);
  CHECK(a.record.code == 0x7ffc0000u);
  CHECK(a.record.exe == "/bin/busybox");
}

TEST_CASE("x32 calls, hex-encoded names, (null) exe", "[trace][audit]") {
  LogLine l = ParseLogLine(
      "audit: type=1326 audit(1.000:1): pid=5 comm=6D7920617070 exe=(null) sig=0 arch=c000003e "
      "syscall=1073741825 compat=0 ip=0x1 code=0x50001");
  REQUIRE(l.kind == LineKind::kSeccomp);
  CHECK(l.record.arch == Arch("x32"));
  CHECK(l.record.nr == 1);
  CHECK(l.record.comm == "my app");
  CHECK(l.record.exe.empty());
  CHECK(SeccompActionName(l.record.code) == "errno");
}

TEST_CASE("rate-limit and queue messages, other audit types, malformed records", "[trace][audit]") {
  LogLine s = ParseLogLine("[12378.888533] kauditd_printk_skb: 166 callbacks suppressed");
  CHECK(s.kind == LineKind::kSuppressed);
  CHECK(s.suppressed == 166);
  CHECK(ParseLogLine("audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64").kind == LineKind::kLost);
  LogLine other = ParseLogLine("audit: type=1400 audit(1795996100.500:141220): apparmor=\"DENIED\"");
  CHECK(other.kind == LineKind::kOther);
  CHECK(*other.serial == 141220);
  CHECK(ParseLogLine("[1.0] random kernel line").kind == LineKind::kOther);
  CHECK_FALSE(ParseLogLine("[1.0] random kernel line").serial);
  LogLine bad = ParseLogLine("audit: type=1326 audit(1795996100.446:3): pid=1 arch=zz syscall=1 code=0x7ffc0000");
  CHECK(bad.kind == LineKind::kMalformed);
  CHECK(bad.problem == "no readable arch=");
  CHECK(ParseLogLine("audit: type=1326 audit(bogus): pid=1").kind == LineKind::kMalformed);
  CHECK(ParseLogLine("audit: type=1326 audit(1.0:1): pid=1 arch=12345678 syscall=1 code=0x7ffc0000").problem ==
        "arch=12345678 is no architecture libseccomp knows");
}
