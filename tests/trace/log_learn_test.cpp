// The kernel log read into a trace (trace/log_learn.h): window, exe and predicate filters, dropped records,
// provenance, and the trace generate merges.
#include "trace/log_learn.h"

#include <catch2/catch.hpp>
#include <cstdio>

#include "base/error.h"

using namespace profilegen;
using namespace profilegen::trace;

namespace {

std::string Rec(uint64_t serial, double t, int pid, const char* exe, int nr, const char* code = "0x7ffc0000") {
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%.3f:%llu", t, static_cast<unsigned long long>(serial));
  return std::string("[100.0] audit: type=1326 audit(") + stamp + "): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=" +
         std::to_string(pid) + " comm=\"x\" exe=\"" + exe + "\" sig=0 arch=c000003e syscall=" + std::to_string(nr) +
         " compat=0 ip=0x1 code=" + code;
}

sys::ArchToken Amd64() { return sys::ArchByNativeName("amd64")->token; }

Learned Learn(const std::vector<std::string>& lines, LogFilter f = {}) {
  LogSource s;
  s.log = "dmesg.txt";
  return LearnFromLog(lines, f, s, Amd64(), "6.18.0");
}

}  // namespace

TEST_CASE("records become a trace: counts, first process, tasks, provenance", "[trace][learn]") {
  Learned l = Learn({Rec(1, 1000.100, 10, "/bin/busybox", 83), "[100.1] eth0: link up",
                     Rec(2, 1000.200, 11, "/bin/busybox", 83), Rec(3, 1000.300, 11, "/bin/busybox", 82)});
  const Trace& t = l.trace;
  REQUIRE(t.syscalls.size() == 2);
  const SyscallRecord& mkdir = t.syscalls.at({Amd64(), 83});
  CHECK(mkdir.name == "mkdir");
  CHECK(mkdir.count == 2);
  CHECK(mkdir.first.pid == 10);
  CHECK(mkdir.first.exe == "/bin/busybox");
  CHECK(t.syscalls.at({Amd64(), 82}).name == "rename");
  CHECK(t.tasks == 2);
  CHECK(t.started == "1970-01-01T00:16:40.100Z");
  CHECK(t.kernel == "6.18.0");
  REQUIRE(t.sources.size() == 1);
  CHECK(t.sources[0].log == "dmesg.txt");
  CHECK(t.sources[0].records == 3);
  CHECK(t.sources[0].dropped == 0);
  CHECK(l.stats.actions.at("log") == 3);
  CHECK(LearnWarnings(l.stats, "dmesg.txt").empty());
  CHECK(LearnSummary(l, "t.json") == "learned 2 distinct syscalls from 3 kernel log records (log: 3) of 2 processes -> t.json");

  // The same schema record writes: it round-trips and merges with a recorded trace.
  Trace back = ParseTrace(SerializeTrace(t), "t.json");
  CHECK(back.sources == t.sources);
  CHECK(back.syscalls.size() == 2);
  Trace merged = MergeAll({back, back});
  CHECK(merged.sources.size() == 1);
  CHECK(merged.syscalls.at({Amd64(), 83}).runs == 2);
}

TEST_CASE("time window, exe and predicate filters", "[trace][learn]") {
  std::vector<std::string> lines = {Rec(1, 1000.0, 10, "/bin/a", 83), Rec(2, 2000.0, 11, "/bin/b", 84),
                                    Rec(3, 3000.0, 12, "/bin/a", 85)};
  LogFilter window;
  window.since = 1500;
  window.until = 3000;
  Learned w = Learn(lines, window);
  CHECK(w.trace.syscalls.size() == 2);  // 84 and 85 (until is inclusive)
  CHECK(w.stats.in_window == 2);
  LogFilter exe;
  exe.exes = {"/bin/a"};
  CHECK(Learn(lines, exe).trace.syscalls.size() == 2);
  LogFilter keep;
  keep.keep = [](const SeccompRecord& r) { return r.pid == 11; };
  Learned k = Learn(lines, keep);
  REQUIRE(k.trace.syscalls.size() == 1);
  CHECK(k.trace.syscalls.begin()->second.name == "rmdir");
  LogFilter none;
  none.since = 5000;
  std::vector<std::string> warnings = LearnWarnings(Learn(lines, none).stats, "log");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "3 seccomp records in log, none in the time window");
}

TEST_CASE("records the kernel dropped are detected and warned about", "[trace][learn]") {
  // Serial gaps: 2..4 missing between 1 and 5 (another audit type's serial, 3, is not a loss).
  Learned g = Learn({Rec(1, 10.0, 1, "/x", 0), "audit: type=1400 audit(10.500:3): apparmor=\"x\"",
                     "[1.0] kauditd_printk_skb: 7 callbacks suppressed", Rec(5, 11.0, 1, "/x", 1)});
  CHECK(g.stats.serial_gaps == 2);
  CHECK(g.stats.suppressed == 7);
  CHECK(g.trace.sources[0].dropped == 7);
  std::vector<std::string> w = LearnWarnings(g.stats, "log");
  REQUIRE(w.size() == 1);
  CHECK(w[0].rfind("the log lost records in the time window (7 audit messages suppressed by the kernel's printk rate "
                   "limit",
                   0) == 0);
  // Outside the window, another workload's drops are not ours.
  LogFilter late;
  late.since = 100;
  Learned o = Learn({"[1.0] kauditd_printk_skb: 7 callbacks suppressed", Rec(1, 10.0, 1, "/x", 0),
                     Rec(9, 200.0, 1, "/x", 1)},
                    late);
  CHECK(o.stats.suppressed == 0);
  CHECK(o.stats.serial_gaps == 0);
  CHECK(LearnWarnings(Learn({"nothing"}).stats, "/dev/kmsg")[0].rfind("no seccomp audit records", 0) == 0);
}

TEST_CASE("--since and --until forms", "[trace][learn]") {
  CHECK(ParseTimeArg("2026-11-29T23:00:00Z", 0, "--since") == 1795993200.0);
  CHECK(ParseTimeArg("2026-11-29T23:00:00.5Z", 0, "--since") == 1795993200.5);
  CHECK(ParseTimeArg("2026-11-30T00:00:00+01:00", 0, "--since") == 1795993200.0);
  CHECK(ParseTimeArg("2026-11-29T23:49:59.591532186Z", 0, "x") == Approx(1795996199.591532186));
  CHECK(ParseTimeArg("@1795996100.25", 0, "--since") == 1795996100.25);
  CHECK(ParseTimeArg("-10m", 1000, "--since") == 400);
  CHECK(ParseTimeArg("-2h", 10000, "--since") == 2800);
  CHECK(FormatTime(1795993200.0) == "2026-11-29T23:00:00Z");
  CHECK(FormatTime(1795996100.446) == "2026-11-29T23:48:20.446Z");
  for (const char* bad : {"", "yesterday", "-10", "-10x", "@", "@x", "2026-11-29 23:00:00", "2026-11-29T23:00:00"}) {
    try {
      ParseTimeArg(bad, 0, "--since");
      FAIL("accepted " << bad);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("--since: cannot read \"" + std::string(bad) + "\" as a time; use ", 0) == 0);
      CHECK(e.exit_code() == kExitUsage);
    }
  }
}
