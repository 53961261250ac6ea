// The recorder's bookkeeping of its tracees: a task is never signalled once it is gone, and a ptrace failure
// is an error, never a shorter trace.
#include <catch2/catch.hpp>

#include "tests/tracer/background.h"
#include "tests/tracer/harness.h"

using harness::Binary;
using harness::Sample;
using harness::Sh;

TEST_CASE("signals are sent only to live tracees, never to a pid that is gone [ptrace]", "[ptrace]") {
  if (!support::Need("the live-tracee signal check", "strace (to watch record's kill() calls)",
                     Sh("command -v strace").code == 0)) {
    return;
  }
  harness::TempDir dir;
  // The command exits at once and leaves a busy thread factory behind: its short-lived threads exit before
  // their creator reports the clone, so a recorder that re-adds them on that report would later signal tids
  // that no longer exist (or by then belong to someone else). SIGTERM to record, after the command has
  // exited, goes to every tracee left. strace (without -f) watches record's own kill() calls: a kill() of a
  // live tracee never fails (one not yet waited for keeps its pid); ESRCH means a pid that was not ours.
  // (The old code: 284 to 655 kill()s of such pids per run, out of 293 to 660.)
  // (LeakSanitizer cannot run under ptrace: an ASan build of record is watched with leak checking off.)
  auto r = Sh("ASAN_OPTIONS=detect_leaks=0 strace -qq -e trace=kill,tgkill -e signal=none -o " + (dir / "kills") +
              " " + Binary() +
              " record -q -o " + (dir / "t.json") + " -- sh -c '" + Sample("thread_factory") +
              " 30 join >/dev/null &' & st=$!; sleep 1.5; kill -TERM $(pgrep -P $st); wait $st");
  INFO(r.output);
  std::string kills = harness::Slurp(dir / "kills");
  INFO(kills);
  CHECK(r.code == 0);  // the command itself exited 0; the factory it left was stopped with the signal
  CHECK(kills.find("SIGTERM") != std::string::npos);
  CHECK(kills.find("ESRCH") == std::string::npos);
  CHECK(harness::ReadJson(dir / "t.json")["tasks"].get<int>() > 10);
  // The factory got the signal too and is gone (a process of many threads takes a moment to die).
  CHECK(harness::WaitFor([] { return Sh("pgrep -x thread_factory").code != 0; }, 5));
}

TEST_CASE("a ptrace failure other than ESRCH is an error (125), not a shorter trace [ptrace]", "[ptrace]") {
  harness::TempDir dir;
  // ptrace_fault makes one ptrace request fail with EIO in profilegen (a kernel or sandbox refusing it).
  struct Case {
    const char* request;
    const char* name;
    const char* expect;
  };
  for (Case c : {Case{"0x420e", "PTRACE_GET_SYSCALL_INFO", "PTRACE_GET_SYSCALL_INFO"},
                 Case{"0x4201", "PTRACE_GETEVENTMSG", "PTRACE_GETEVENTMSG"},
                 Case{"7", "PTRACE_CONT", "PTRACE_CONT"}}) {
    SECTION(c.name) {
      auto r = Sh("timeout -s KILL 20 " + Sample("ptrace_fault") + " " + c.request + " 5 " + Binary() +
                  " record -q -o " + (dir / "t.json") + " -- " + Sample("exec_thread") + " >/dev/null");
      INFO(r.output);
      CHECK(r.code == 125);
      CHECK(r.output.find("profilegen: error:") != std::string::npos);
      CHECK(r.output.find(c.expect) != std::string::npos);
      CHECK(r.output.find("Input/output error") != std::string::npos);
      CHECK(!std::ifstream(dir / "t.json").good());  // no trace that looks complete
    }
  }
}
