// record --pid: detaching on a terminal's ^C and on signals with an idle target, attaching to processes whose
// threads keep creating threads (a C thread factory and a JVM).
#include <catch2/catch.hpp>

#include "tests/tracer/background.h"
#include "tests/tracer/harness.h"

using harness::Background;
using harness::Binary;
using harness::Sample;
using harness::Sh;
using harness::WaitFor;

namespace {

/// Attaching to a process record did not start needs root, or no Yama restriction (ptrace_scope 0 or absent).
bool CanAttach(const std::string& what) {
  std::string scope = harness::Slurp("/proc/sys/kernel/yama/ptrace_scope");
  bool allowed = ::geteuid() == 0 || scope.empty() || scope[0] == '0';
  return support::Need(what, "root or kernel.yama.ptrace_scope=0 (to attach to a process record did not start)",
                       allowed);
}

bool FileHas(const std::string& path, const std::string& text) {
  return harness::Slurp(path).find(text) != std::string::npos;
}

// Shell: waits until `target` is traced by the record started as $rec (itself, or its child under `timeout`):
// record has attached, so its signals are set up long before. Up to 30 s; a TracerPid of anyone else (a record
// of an earlier round still letting go) does not count.
std::string UntilTraced(pid_t target) {
  const std::string status = "/proc/" + std::to_string(target) + "/status";
  return "for i in $(seq 3000); do t=$(sed -n 's/^TracerPid:[[:space:]]*//p' " + status +
         "); if [ \"${t:-0}\" != 0 ] && { [ \"$t\" = \"$rec\" ] || "
         "grep -Eqs \"^PPid:[[:space:]]*$rec\\$\" /proc/$t/status; }; then break; fi; sleep 0.01; done; ";
}

// Attaches to `target`, lets it run for `seconds` once attached, then detaches with SIGINT. Returns record's
// result.
harness::Result RecordFor(pid_t target, const std::string& trace, double seconds) {
  return Sh(Binary() + " record -q --pid " + std::to_string(target) + " -o " + trace + " & rec=$!; " +
            UntilTraced(target) + "sleep " + std::to_string(seconds) + "; kill -INT $rec; wait $rec");
}

}  // namespace

TEST_CASE("record --pid: ^C typed in its terminal detaches and writes the trace [ptrace]", "[ptrace]") {
  const std::string what = "record --pid and ^C in a terminal";
  if (!CanAttach(what)) return;
  if (!support::Need(what, "tmux (a pseudo-terminal to type ^C in)", Sh("command -v tmux").code == 0)) return;
  harness::TempDir dir;
  Background target("sleep 300", dir / "target.out");  // idle: blocked in clock_nanosleep
  // A tmux server of our own (its own socket), running record in a pseudo-terminal as its foreground job.
  std::string tmux = "tmux -S " + (dir / "tmux.socket") + " ";  // (removed with the folder)
  std::string inner = Binary() + " record --pid " + std::to_string(target.pid()) + " -o " + (dir / "t.json") +
                      " 2>" + (dir / "err") + "; echo rc=$? >" + (dir / "rc");
  REQUIRE(Sh(tmux + "new-session -d -x 120 -y 30 '" + inner + "'").code == 0);
  struct KillServer {
    std::string tmux;
    ~KillServer() { Sh(tmux + "kill-server"); }
  } kill_server{tmux};
  REQUIRE(WaitFor([&] { return harness::TracerOf(target.pid()) > 0; }, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(Sh(tmux + "send-keys C-c").code == 0);
  bool finished = WaitFor([&] { return FileHas(dir / "rc", "rc="); }, 10);
  INFO(harness::Slurp(dir / "err"));
  REQUIRE(finished);
  CHECK(harness::Slurp(dir / "rc") == "rc=0\n");
  CHECK(harness::ReadJson(dir / "t.json")["profilegen"] == "trace");
  CHECK(target.Alive());                          // detached, not killed
  CHECK(harness::TracerOf(target.pid()) == 0);    // and no longer traced
}

TEST_CASE("record --pid: an idle target detaches at once on SIGINT, SIGTERM and SIGHUP [ptrace]", "[ptrace]") {
  if (!CanAttach("record --pid of an idle target")) return;
  harness::TempDir dir;
  Background target(Sample("idle_server"), dir / "target.out");
  REQUIRE(WaitFor([&] { return FileHas(dir / "target.out", "ready"); }, 10));
  for (const char* sig : {"INT", "TERM", "HUP"}) {
    SECTION(sig) {
      // Many rounds with no pause between attach and signal: a signal that lands between the check of a flag
      // and a blocking wait would leave record waiting forever on a target that makes no syscall.
      for (int round = 0; round < 20; ++round) {
        auto r = Sh("timeout -s KILL 10 " + Binary() + " record -q --pid " + std::to_string(target.pid()) +
                    " -o " + (dir / "t.json") + " & rec=$!; " + UntilTraced(target.pid()) + "sleep 0.00" +
                    std::to_string(round % 10) + "; kill -" + sig + " $rec; wait $rec");
        INFO("round " << round << ": " << r.output);
        REQUIRE(r.code == 0);
        REQUIRE(target.Alive());
      }
      CHECK(harness::ReadJson(dir / "t.json")["profilegen"] == "trace");
      CHECK(harness::TracerOf(target.pid()) == 0);
    }
  }
}

TEST_CASE("record --pid: a process whose threads keep creating threads [ptrace]", "[ptrace]") {
  if (!CanAttach("record --pid of a thread factory")) return;
  harness::TempDir dir;
  Background target(Sample("thread_factory") + " 60", dir / "target.out");
  REQUIRE(WaitFor([&] { return FileHas(dir / "target.out", "ready"); }, 10));
  // A thread born while record walks /proc/PID/task is already ours (auto-attached) when record gets to it:
  // not an error. The window is short: many quick rounds (on the old code about one in ten failed).
  for (int round = 0; round < 40; ++round) {
    auto r = RecordFor(target.pid(), dir / "t.json", 0.05);
    INFO("round " << round << ": " << r.output);
    REQUIRE(r.code == 0);
    REQUIRE(target.Alive());
  }
  auto r = RecordFor(target.pid(), dir / "t.json", 0.5);
  INFO(r.output);
  REQUIRE(r.code == 0);
  auto t = harness::ReadJson(dir / "t.json");
  CHECK(t["tasks"].get<int>() > 5);
  auto names = harness::TraceNames(t);
  CHECK((names.count("clone3") || names.count("clone")));
  CHECK(target.Alive());
  CHECK(harness::TracerOf(target.pid()) == 0);
}

TEST_CASE("record --pid: a JVM that keeps starting threads [ptrace]", "[ptrace]") {
  const std::string what = "record --pid of a JVM";
  if (!CanAttach(what)) return;
  // Under CI=true a missing java fails (scripts/deps.sh installs default-jre-headless).
  if (!support::Need(what, "java (default-jre-headless)", Sh("command -v java").code == 0)) return;
  harness::TempDir dir;
  Background jvm("java " + std::string(PROFILEGEN_SOURCE_DIR) + "/samples/java/ThreadFactory.java 120",
                 dir / "jvm.out");
  REQUIRE(WaitFor([&] { return FileHas(dir / "jvm.out", "ready"); }, 60));
  for (int round = 0; round < 5; ++round) {
    auto r = RecordFor(jvm.pid(), dir / "t.json", 0.5);
    INFO("round " << round << ": " << r.output << harness::Slurp(dir / "jvm.out"));
    REQUIRE(r.code == 0);
    auto t = harness::ReadJson(dir / "t.json");
    CHECK(t["tasks"].get<int>() > 20);  // the JVM's own threads plus the ones it keeps starting
    CHECK(harness::TraceNames(t).count("futex"));
    REQUIRE(jvm.Alive());
  }
  CHECK(harness::TracerOf(jvm.pid()) == 0);
}
