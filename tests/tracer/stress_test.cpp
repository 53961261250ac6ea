// The tracer under stress, on the real programs in samples/src/stress_*.c: many threads, a process tree, exec
// storms, exits in the middle of syscalls, 64/32-bit switches, job control, the command's own seccomp filters,
// setuid, signals to record, record killed. Each run's recorded syscall set is compared with `strace -f` on the
// same program (stdout and stderr to files in both runs, so libc makes the same calls).
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/tracer/harness.h"

using harness::Binary;
using harness::Sample;
using harness::Sh;

namespace {

std::string Record(const harness::TempDir& dir, const std::string& trace = "trace.json") {
  return Binary() + " record -q -o " + (dir / trace) + " -- ";
}

std::string Strace(const harness::TempDir& dir) { return "strace -f -qq -o " + (dir / "strace.txt") + " "; }

// strace's syscall set. A thread killed by another thread's exit_group can leave strace with a half-read stop
// it prints as "syscall_0x151c(...)" (the register it read, e.g. the last call's return value): not a syscall.
std::set<std::string> StraceSet(const harness::TempDir& dir) {
  std::set<std::string> names = harness::StraceNames(dir / "strace.txt");
  for (auto it = names.begin(); it != names.end();) it = it->rfind("syscall_0x", 0) == 0 ? names.erase(it) : ++it;
  return names;
}

void RequireSameSets(const std::set<std::string>& ours, const std::set<std::string>& strace) {
  std::string missing, invented;
  for (const auto& n : strace)
    if (!ours.count(n)) missing += n + " ";
  for (const auto& n : ours)
    if (!strace.count(n)) invented += n + " ";
  INFO("missing (strace saw, we did not): " << missing);
  INFO("invented (we saw, strace did not): " << invented);
  CHECK(missing.empty());
  CHECK(invented.empty());
}

struct Run {
  nlohmann::json trace;
  std::string output;  // the command's stdout and stderr under record
};

// Records `cmd` and runs it under strace -f; both runs must succeed and see the same syscall names.
Run RecordMatchesStrace(const harness::TempDir& dir, const std::string& cmd) {
  auto rec = Sh(Record(dir) + cmd + " >" + (dir / "out1") + " 2>&1");
  Run run{nlohmann::json(), harness::Slurp(dir / "out1")};
  INFO(rec.output << run.output);
  REQUIRE(rec.code == 0);
  auto st = Sh(Strace(dir) + cmd + " >" + (dir / "out2") + " 2>&1");
  INFO(harness::Slurp(dir / "out2"));
  REQUIRE(st.code == 0);
  run.trace = harness::ReadJson(dir / "trace.json");
  RequireSameSets(harness::TraceNames(run.trace), StraceSet(dir));
  return run;
}

uint64_t Count(const nlohmann::json& trace, const std::string& name, const std::string& arch = "SCMP_ARCH_X86_64") {
  for (const auto& e : trace["syscalls"])
    if (e["name"] == name && e["arch"] == arch) return e["count"].get<uint64_t>();
  return 0;
}

// Shell: wait (up to 10 s) until FILE has at least N lines.
std::string WaitLines(const std::string& file, int n) {
  return "for i in $(seq 200); do [ \"$(wc -l <" + file + " 2>/dev/null || echo 0)\" -ge " + std::to_string(n) +
         " ] && break; sleep 0.05; done; ";
}

// A pid is gone when /proc has no entry for it, or only a zombie's.
bool Gone(const std::string& pid) {
  std::string stat = harness::Slurp("/proc/" + pid + "/stat");
  if (stat.empty()) return true;
  auto paren = stat.rfind(')');
  return paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] == 'Z';
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("stress: 1,000 threads alive at once, created and joined", "[ptrace]") {
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_threads") + " 1000");
  CHECK(r.output == "stress_threads: 1000 threads created and joined\n");
  CHECK(r.trace["tasks"] == 1001);
  CHECK(r.trace["exit"]["code"] == 0);
  // Every thread's own calls were seen: one gettid each.
  CHECK(Count(r.trace, "gettid") == 1000);
}

TEST_CASE("stress: a tree of 300 processes", "[ptrace]") {
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_tree") + " 300");
  CHECK(r.output == "stress_tree: 300 processes\n");
  CHECK(r.trace["tasks"] == 300);
  CHECK(Count(r.trace, "getppid") == 300);
}

TEST_CASE("stress: an exec storm of 500 sequential execs, half of them from a second thread",
          "[ptrace]") {
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_exec") + " 500");
  CHECK(r.output == "stress_exec: 500 execs\n");
  CHECK(Count(r.trace, "execve") == 501);  // record's own exec of the command, then 500
  // 250 execs were made from a new thread while another was blocked in read: two threads each, plus the leader.
  CHECK(r.trace["tasks"] == 501);
}

TEST_CASE("stress: tasks exit while others are in the middle of syscalls", "[ptrace]") {
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_exit") + " 20");
  CHECK(r.output == "stress_exit: 20 of 20 rounds as expected\n");
  CHECK(r.trace["exit"]["code"] == 0);
  // Per round: a with 8 threads, b with 3, c, d and its orphan; and the main process.
  CHECK(r.trace["tasks"] == 1 + 20 * (9 + 4 + 1 + 2));
}

TEST_CASE("stress: a 64-bit program execs a 32-bit one and back, ten times", "[ptrace]") {
  if (!harness::NeedI386("64/32-bit exec switches")) return;
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_arch") + " 10");
  CHECK(r.output == "stress_arch: 10 switches 64 -> 32 -> 64 bit\n");
  // Each syscall carries the architecture it was made in: the i386 execve back to 64 bit is an i386 call.
  CHECK(Count(r.trace, "execve", "SCMP_ARCH_X86") == 10);
  CHECK(Count(r.trace, "execve") == 11);
  CHECK(Count(r.trace, "uname", "SCMP_ARCH_X86") == 10);
  CHECK(Count(r.trace, "getppid", "SCMP_ARCH_X86") == 10);
  CHECK(Count(r.trace, "uname") == 11);
}

TEST_CASE("stress: job-control stops seen by the real parent: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU",
          "[ptrace]") {
  harness::TempDir dir;
  Run r = RecordMatchesStrace(dir, Sample("stress_jobctl"));
  CHECK(r.output == "stress_jobctl: SIGSTOP ok, SIGTSTP ok, SIGTTIN+SIGTTOU ok\n");
}

TEST_CASE("stress: the command installs its own, stricter seccomp filters", "[ptrace]") {
  harness::TempDir dir;
  // The program's filters answer mkdir with EPERM and uname with ENOSYS before our SECCOMP_RET_TRACE could
  // stop them: record must still see every call, and count each once.
  Run r = RecordMatchesStrace(dir, Sample("stress_seccomp"));
  CHECK(r.output == "stress_seccomp: thread mkdir=1 uname=0, main mkdir=1 uname=38, child ok\n");
  std::string log = harness::Slurp(dir / "strace.txt");
  auto strace_count = [&](const std::string& name) {
    uint64_t n = 0;
    for (const auto& line : Lines(log))
      if (std::regex_search(line, std::regex("^\\d+\\s+" + name + "\\("))) ++n;
    return n;
  };
  CHECK(Count(r.trace, "mkdir") == 3);
  CHECK(Count(r.trace, "uname") == 3);
  CHECK(Count(r.trace, "mkdir") == strace_count("mkdir"));
  CHECK(Count(r.trace, "getppid") == strace_count("getppid"));
  CHECK(Count(r.trace, "write") == strace_count("write"));
  // The thread's read was cut short by record's interrupt when syscall mode began and made again by the kernel:
  // one call of the program's, as strace (which never interrupts) counts it.
  CHECK(Count(r.trace, "read") == strace_count("read"));
}

TEST_CASE("stress: a vfork child installs its own filter while its parent waits in vfork", "[ptrace]") {
  harness::TempDir dir;
  // record holds a task that installs a filter until the others have stopped once; a parent in vfork cannot stop
  // before its child execs, so waiting for it would never end: bounded by timeout here.
  auto rec = Sh("timeout -s KILL 20 " + Record(dir) + Sample("stress_vfork_seccomp") + " >" + (dir / "out1") +
                " 2>&1");
  INFO(harness::Slurp(dir / "out1"));
  REQUIRE(rec.code == 0);
  CHECK(harness::Slurp(dir / "out1") == "stress_vfork_seccomp: child exited 0\n");
  auto t = harness::ReadJson(dir / "trace.json");
  CHECK(Count(t, "mkdir") == 1);  // denied by the child's filter before our stop: seen at syscall entry
  CHECK(Count(t, "seccomp") == 1);
  auto st = Sh(Strace(dir) + Sample("stress_vfork_seccomp") + " >" + (dir / "out2") + " 2>&1");
  REQUIRE(st.code == 0);
  RequireSameSets(harness::TraceNames(t), StraceSet(dir));
}

TEST_CASE("stress: a setuid-root program run as nobody still gains euid 0 under record",
          "[ptrace][root]") {
  if (!harness::RequireRoot("a setuid-root program under record")) return;
  harness::TempDir dir;
  REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);  // nobody must reach the program
  std::string id = dir / "setuid_id";
  REQUIRE(Sh("cp " + Sample("stress_setuid") + " " + id + " && chown root:root " + id + " && chmod 4755 " + id).code ==
          0);
  std::string as_nobody = "setpriv --reuid=nobody --regid=nogroup --clear-groups -- ";
  Run r = RecordMatchesStrace(dir, as_nobody + id);
  CHECK(r.output == "stress_setuid: ruid=65534 euid=0\n");
  // The test can fail: with no_new_privs (what record sets without CAP_SYS_ADMIN) setuid does not elevate.
  auto nnp =
      Sh(Record(dir, "nnp.json") + "setpriv --no-new-privs --reuid=nobody --regid=nogroup --clear-groups -- " + id);
  CHECK(nnp.output == "stress_setuid: ruid=65534 euid=65534\n");
  // A real setuid program: passwd -S reads /etc/shadow, which only its elevated euid can.
  if (access("/usr/bin/passwd", X_OK) == 0) {
    auto native = Sh(as_nobody + "/usr/bin/passwd -S");
    auto traced = Sh(Record(dir, "passwd.json") + as_nobody + "/usr/bin/passwd -S");
    CHECK(traced.code == 0);
    CHECK(traced.output == native.output);
    CHECK(traced.output.find("never") == std::string::npos);  // what it prints when it cannot read shadow
  }
}

TEST_CASE("stress: record itself stopped with SIGSTOP and continued, five times", "[ptrace]") {
  harness::TempDir dir;
  std::string cmd = Sample("stress_exec") + " 500";  // runs for about half a second under record
  auto r = Sh(Record(dir) + cmd + " >" + (dir / "out1") + " 2>&1 & rec=$!; " +
              "for i in 1 2 3 4 5; do kill -STOP $rec; sleep 0.05; kill -CONT $rec; sleep 0.01; done; wait $rec");
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(harness::Slurp(dir / "out1") == "stress_exec: 500 execs\n");
  auto st = Sh(Strace(dir) + cmd + " >" + (dir / "out2") + " 2>&1");
  REQUIRE(st.code == 0);
  auto t = harness::ReadJson(dir / "trace.json");
  CHECK(Count(t, "execve") == 501);
  RequireSameSets(harness::TraceNames(t), StraceSet(dir));
}

TEST_CASE(
    "stress: SIGTERM, SIGINT and SIGHUP to record reach a command that handles them and carries on",
    "[ptrace]") {
  harness::TempDir dir;
  // Each signal goes to record once the command is ready; the command catches it and goes on, so record must
  // neither die of it nor stop waiting: the command exits 0 after all three.
  auto send_all = [](const std::string& target) {
    return "for s in TERM INT HUP; do kill -$s " + target + "; sleep 0.1; done; ";
  };
  auto r = Sh(Record(dir) + Sample("stress_sigcatch") + " " + (dir / "pid1") + " >" + (dir / "out1") +
              " 2>&1 & rec=$!; " + WaitLines(dir / "pid1", 1) + send_all("$rec") + "wait $rec");
  INFO(r.output << harness::Slurp(dir / "out1"));
  CHECK(r.code == 0);
  CHECK(harness::Slurp(dir / "out1") == "stress_sigcatch: got SIGTERM, SIGINT and SIGHUP\n");
  auto t = harness::ReadJson(dir / "trace.json");
  CHECK(t["exit"]["code"] == 0);
  CHECK(Count(t, "rt_sigsuspend") >= 1);
  // The same run under strace, the signals sent to the command itself.
  auto st = Sh(Strace(dir) + Sample("stress_sigcatch") + " " + (dir / "pid2") + " >" + (dir / "out2") +
               " 2>&1 & st=$!; " + WaitLines(dir / "pid2", 1) + send_all("$(cat " + (dir / "pid2") + ")") + "wait $st");
  REQUIRE(st.code == 0);
  RequireSameSets(harness::TraceNames(t), StraceSet(dir));
}

TEST_CASE(
    "stress: a process tree that never exits, stopped with SIGTERM to record: the trace is written",
    "[ptrace]") {
  harness::TempDir dir;
  // 30 processes that all wait forever. The forwarded SIGTERM ends the main process; the 29 it leaves behind
  // get it too, so record ends and writes the trace.
  std::string cmd = Sample("stress_tree") + " 30 hold";
  auto r = Sh(Record(dir) + cmd + " >" + (dir / "pids1") + " 2>&1 & rec=$!; " + WaitLines(dir / "pids1", 30) +
              "kill -TERM $rec; wait $rec");
  INFO(r.output);
  CHECK(r.code == 128 + SIGTERM);
  auto t = harness::ReadJson(dir / "trace.json");
  CHECK(t["exit"]["signal"] == "SIGTERM");
  CHECK(t["tasks"] == 30);
  for (const std::string& pid : Lines(harness::Slurp(dir / "pids1"))) CHECK(Gone(pid));
  // strace on the same tree, every process sent SIGTERM as record did.
  auto st = Sh(Strace(dir) + cmd + " >" + (dir / "pids2") + " 2>&1 & st=$!; " + WaitLines(dir / "pids2", 30) +
               "kill -TERM $(cat " + (dir / "pids2") + "); wait $st");
  CHECK(st.code == 128 + SIGTERM);
  RequireSameSets(harness::TraceNames(t), StraceSet(dir));
}

TEST_CASE(
    "stress: record killed with SIGKILL leaves no tracee running and replaces no earlier trace",
    "[ptrace]") {
  harness::TempDir dir;
  REQUIRE(Sh(Record(dir) + "true").code == 0);
  const std::string earlier = harness::Slurp(dir / "trace.json");
  REQUIRE(!earlier.empty());

  SECTION("a tree of 100 waiting processes") {
    auto r = Sh(Record(dir) + Sample("stress_tree") + " 100 hold >" + (dir / "pids") + " 2>&1 & rec=$!; " +
                WaitLines(dir / "pids", 100) + "kill -KILL $rec; wait $rec");
    CHECK(r.code == 128 + SIGKILL);
    auto pids = Lines(harness::Slurp(dir / "pids"));
    REQUIRE(pids.size() == 100);
    // EXITKILL: the kernel kills every tracee when the tracer dies; allow it a moment.
    for (int i = 0; i < 100; ++i) {
      bool all = true;
      for (const auto& p : pids) all &= Gone(p);
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (const auto& p : pids) CHECK(Gone(p));
  }
  SECTION("in the middle of an exec storm and of thread creation") {
    // Both programs run for seconds; record dies while tasks are being created and replaced.
    std::string exe = dir / "stress_exec_copy";
    REQUIRE(Sh("cp " + Sample("stress_exec") + " " + exe).code == 0);
    auto r = Sh(Record(dir) + "sh -c '" + exe + " 100000 & " + Sample("stress_threads") +
                " 1000 & wait' >/dev/null 2>&1 & rec=$!; sleep 0.5; kill -KILL $rec; wait $rec");
    CHECK(r.code == 128 + SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // No process runs the copied program any more.
    auto left = Sh("for p in /proc/[0-9]*; do [ \"$(readlink $p/exe 2>/dev/null)\" = '" + exe +
                   "' ] && echo ${p#/proc/}; done; true");
    CHECK(left.output == "");
  }
  // The earlier trace is untouched and no temporary file was left behind.
  CHECK(harness::Slurp(dir / "trace.json") == earlier);
  CHECK(Sh("ls " + dir.path + " | grep -c tmp").output == "0\n");
}
