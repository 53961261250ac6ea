// Tracer tests on real programs: the recorded syscall set must equal what `strace -f` sees for the same run.
#include <catch2/catch.hpp>

#include "tests/tracer/harness.h"

using harness::Binary;
using harness::Sample;
using harness::Sh;

namespace {

struct Comparison {
  std::set<std::string> ours, strace;
  nlohmann::json trace;
};

// Records `cmd` and runs it under strace -f, both with stdout and stderr to files (the same kind of
// file descriptor, so libc makes the same isatty/ioctl calls).
Comparison RecordAndStrace(const harness::TempDir& dir, const std::string& cmd) {
  auto rec = Sh(Binary() + " record -q -o " + (dir / "trace.json") + " -- " + cmd + " >" + (dir / "out1") + " 2>&1");
  INFO(rec.output << harness::Slurp(dir / "out1"));
  REQUIRE(rec.code == 0);
  auto st = Sh("strace -f -qq -o " + (dir / "strace.txt") + " " + cmd + " >" + (dir / "out2") + " 2>&1");
  REQUIRE(st.code == 0);
  Comparison c;
  c.trace = harness::ReadJson(dir / "trace.json");
  c.ours = harness::TraceNames(c.trace);
  c.strace = harness::StraceNames(dir / "strace.txt");
  return c;
}

// Syscalls a multi-threaded program makes in one run and not in another: a lock, a condition variable or a join
// calls futex only when another thread holds it at that moment (seen: the threads sample's futex under record but
// not under strace, whose slowdown let every worker finish before main waited). The two runs are separate, so
// these are compared only when both have them.
const std::set<std::string> kTimingDependent = {"futex"};

void RequireSameSets(const Comparison& c) {
  std::set<std::string> missing, invented;
  for (const auto& n : c.strace)
    if (!c.ours.count(n) && !kTimingDependent.count(n)) missing.insert(n);
  for (const auto& n : c.ours)
    if (!c.strace.count(n) && !kTimingDependent.count(n)) invented.insert(n);
  std::string m, i;
  for (const auto& n : missing) m += n + " ";
  for (const auto& n : invented) i += n + " ";
  INFO("missing (strace saw, we did not): " << m);
  INFO("invented (we saw, strace did not): " << i);
  CHECK(missing.empty());
  CHECK(invented.empty());
}

}  // namespace

TEST_CASE("record matches strace -f on every sample", "[ptrace]") {
  const char* samples[] = {"threads", "pipeline", "vfork", "exec_thread", "signals", "mkdir_tool /tmp/pg-test-mkdir",
                           "static32", "int80", "daemon"};
  for (const char* s : samples) {
    SECTION(s) {
      const bool i386 = std::string(s) == "static32" || std::string(s) == "int80";
      if (i386 && !harness::NeedI386(std::string("record vs strace -f on ") + s)) continue;
      harness::TempDir dir;
      RequireSameSets(RecordAndStrace(dir, Sample(s)));
    }
  }
  SECTION("a shell pipeline with busybox") {
    harness::TempDir dir;
    RequireSameSets(RecordAndStrace(dir, "sh -c 'ls / | wc -l; cat /etc/hostname >/dev/null'"));
  }
}

// Each syscall is recorded with its own architecture.
TEST_CASE("a 32-bit static program makes i386 syscalls; its execve is x86_64", "[ptrace]") {
  if (!harness::NeedI386("recording a 32-bit static program")) return;
  harness::TempDir dir;
  auto c = RecordAndStrace(dir, Sample("static32"));
  auto x86 = harness::TraceNames(c.trace, "SCMP_ARCH_X86");
  auto x64 = harness::TraceNames(c.trace, "SCMP_ARCH_X86_64");
  CHECK(x86.count("uname"));
  CHECK(x86.count("exit_group"));
  CHECK(x64 == std::set<std::string>{"execve"});
  CHECK(c.trace["host"]["arch"] == "SCMP_ARCH_X86_64");
}

TEST_CASE("int 0x80 from a 64-bit program is an i386 getpid", "[ptrace]") {
  if (!harness::NeedI386("recording int 0x80 from a 64-bit program")) return;
  harness::TempDir dir;
  auto c = RecordAndStrace(dir, Sample("int80"));
  CHECK(harness::TraceNames(c.trace, "SCMP_ARCH_X86") == std::set<std::string>{"getpid"});
  for (const auto& e : c.trace["syscalls"])
    if (e["arch"] == "SCMP_ARCH_X86") CHECK(e["nr"] == 20);
}

// On kernels without IA-32 emulation (some machines of this kind), users see the kernel's own answers, and record
// must pass them through unchanged: an i386 program cannot be executed (126, the kernel's message), and int 0x80
// from a 64-bit program dies of SIGSEGV with and without the tracer (128+11).
TEST_CASE("without IA-32 emulation: record reports what the kernel does", "[ptrace]") {
  if (harness::Abi().i386_exec && harness::Abi().int80) {
    support::Skip("the no-i386 behaviour of record", "this kernel runs i386 code (IA-32 emulation on)");
    return;
  }
  harness::TempDir dir;
  if (!harness::Abi().i386_exec) {
    auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + Sample("static32"));
    INFO(r.output);
    CHECK(r.code == 126);
    CHECK(r.output.find("profilegen: error: cannot execute " + Sample("static32") + ": " + harness::Abi().i386_error) !=
          std::string::npos);
    CHECK(r.output.find("kernels that run 64-bit programs only, with IA-32 emulation off") != std::string::npos);
  }
  if (!harness::Abi().int80) {
    CHECK(Sh(Sample("int80")).code == 128 + 11);
    auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + Sample("int80"));
    INFO(r.output);
    CHECK(r.code == 128 + 11);
    auto t = harness::ReadJson(dir / "t.json");
    CHECK(t["exit"]["signal"] == "SIGSEGV");
    CHECK(harness::TraceNames(t, "SCMP_ARCH_X86").empty());
  }
}

TEST_CASE("trace content: counts, provenance, tasks, captured arguments", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + Sample("exec_thread") + " >/dev/null");
  REQUIRE(r.code == 0);
  auto t = harness::ReadJson(dir / "t.json");
  CHECK(t["profilegen"] == "trace");
  CHECK(t["version"] == 1);
  CHECK(t["exit"]["code"] == 0);
  CHECK(t["tasks"] == 2);
  CHECK(t["command"][0] == Sample("exec_thread"));
  bool saw_clone = false;
  for (const auto& e : t["syscalls"]) {
    CHECK(e["count"].get<int>() >= 1);
    if (e["name"] == "execve") {
      CHECK(e["count"] >= 2);  // the command itself, then execlp's tries along PATH from the thread
      CHECK(e["first"]["exe"] == Sample("exec_thread"));  // absolute, symlinks resolved
    }
    if (e["name"] == "clone3" || e["name"] == "clone") {
      saw_clone = true;
    }
  }
  CHECK(saw_clone);

  // Captured arguments: socket domain and type; clone flags.
  r = Sh(Binary() + " record -q -o " + (dir / "s.json") +
         " -- python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); "
         "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'");
  REQUIRE(r.code == 0);
  auto s = harness::ReadJson(dir / "s.json");
  bool saw_socket = false;
  for (const auto& e : s["syscalls"]) {
    if (e["name"] != "socket") continue;
    saw_socket = true;
    auto domains = e["args"]["0"]["values"].get<std::set<uint64_t>>();
    CHECK(domains.count(1));  // AF_UNIX
    CHECK(domains.count(2));  // AF_INET
    auto types = e["args"]["1"]["values"].get<std::set<uint64_t>>();
    bool stream = false, dgram = false;
    for (uint64_t ty : types) {
      stream |= (ty & 0xf) == 1;
      dgram |= (ty & 0xf) == 2;
    }
    CHECK(stream);
    CHECK(dgram);
  }
  CHECK(saw_socket);
}

TEST_CASE("exit status and signals pass through", "[ptrace]") {
  harness::TempDir dir;
  std::string rec = Binary() + " record -q -o " + (dir / "t.json") + " -- ";
  CHECK(Sh(rec + "sh -c 'exit 7'").code == 7);
  CHECK(harness::ReadJson(dir / "t.json")["exit"]["code"] == 7);
  CHECK(Sh(rec + "sh -c 'kill -SEGV $$'").code == 128 + 11);
  CHECK(harness::ReadJson(dir / "t.json")["exit"]["signal"] == "SIGSEGV");
  auto nf = Sh(rec + "no-such-command-here");
  CHECK(nf.code == 127);
  CHECK(nf.output.find("profilegen: error: cannot run no-such-command-here: command not found") != std::string::npos);
  auto ne = Sh(rec + "/etc/hostname");
  CHECK(ne.code == 126);
  CHECK(Sh(Binary() + " record -q -o " + (dir / "x.json") + " --bogus -- true").code == 2);
  CHECK(Sh(Binary() + " record -q -o " + (dir / "x.json")).code == 2);
}

TEST_CASE("signals sent to record are forwarded and the trace is still written", "[ptrace]") {
  harness::TempDir dir;
  for (const char* sig : {"TERM", "INT", "HUP", "QUIT"}) {
    SECTION(sig) {
      auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- sleep 30 & pid=$!; sleep 0.5; kill -" + sig +
                  " $pid; wait $pid");
      const std::string s(sig);
      int signo = s == "TERM" ? SIGTERM : s == "INT" ? SIGINT : s == "HUP" ? SIGHUP : SIGQUIT;
      CHECK(r.code == 128 + signo);
      auto t = harness::ReadJson(dir / "t.json");
      CHECK(t["exit"]["signal"] == std::string("SIG") + sig);
      CHECK(harness::TraceNames(t).count("clock_nanosleep"));
    }
  }
}

// A service is told things with signals it catches (nginx: SIGUSR1 reopens the logs, SIGQUIT stops gracefully);
// in a container record is the first process, where `docker kill -s SIGNAL` arrives, so each reaches the command.
TEST_CASE("signals a service catches are forwarded to the command", "[ptrace]") {
  harness::TempDir dir;
  for (const char* sig : {"USR1", "USR2", "WINCH"}) {
    SECTION(sig) {
      const std::string got = dir / "got", ready = dir / "ready";
      auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- sh -c 'trap \"echo " + sig + " > " + got +
                  "; exit 7\" " + sig + "; : > " + ready + "; while :; do sleep 0.1; done' & pid=$!; for i in $(seq 400); do [ -e " +
                  ready + " ] && break; sleep 0.05; done; kill -" + sig + " $pid; wait $pid");  // (20 s at most)
      CHECK(r.code == 7);
      CHECK(harness::Slurp(got) == std::string(sig) + "\n");
      CHECK(harness::ReadJson(dir / "t.json")["exit"]["code"] == 7);
    }
  }
}

TEST_CASE("group-stop: SIGSTOP and SIGCONT of a tracee", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") +
              " -- sh -c 'sh -c \"kill -STOP \\$\\$; echo resumed\" & child=$!; sleep 0.3; "
              "grep -Eq \"^State:[[:space:]]+[tT]\" /proc/$child/status && echo was-stopped; kill -CONT $child; wait $child'");
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("was-stopped") != std::string::npos);
  CHECK(r.output.find("resumed") != std::string::npos);
}

TEST_CASE("a tracee that tries to ptrace gets EPERM, record carries on", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- strace -o /dev/null true");
  INFO(r.output);
  CHECK(r.code != 0);  // strace cannot trace its child: that child is ours
  CHECK(harness::TraceNames(harness::ReadJson(dir / "t.json")).count("ptrace"));
}

TEST_CASE("daemonising children are followed until they exit", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + Sample("daemon") + " " + (dir / "daemon.out"));
  CHECK(r.code == 0);
  // record returned only after the daemon finished: its file is complete, its syscalls recorded.
  CHECK(harness::Slurp(dir / "daemon.out") == "daemon was here\n");
  auto t = harness::ReadJson(dir / "t.json");
  auto names = harness::TraceNames(t);
  CHECK(names.count("setsid"));
  CHECK(names.count("fsync"));
  CHECK(t["tasks"] == 3);
}

TEST_CASE("--known lets known syscalls through and carries them over", "[ptrace]") {
  harness::TempDir dir;
  std::string cmd = Sample("mkdir_tool") + " " + (dir / "d") + " >/dev/null";
  REQUIRE(Sh(Binary() + " record -q -o " + (dir / "first.json") + " -- " + cmd).code == 0);
  REQUIRE(Sh(Binary() + " record -q --known " + (dir / "first.json") + " -o " + (dir / "second.json") + " -- " + cmd)
              .code == 0);
  auto first = harness::ReadJson(dir / "first.json");
  auto second = harness::ReadJson(dir / "second.json");
  CHECK(harness::TraceNames(first) == harness::TraceNames(second));
  // Known syscalls did not stop: their counts are the first run's, carried over.
  for (const auto& e : second["syscalls"]) {
    if (e["name"] == "mkdir") CHECK(e["count"] == 1);
  }
  // A new syscall in the second run is still recorded.
  REQUIRE(Sh(Binary() + " record -q --known " + (dir / "first.json") + " -o " + (dir / "third.json") +
             " -- sh -c '" + Sample("mkdir_tool") + " " + (dir / "d") + " >/dev/null; sync'")
              .code == 0);
  auto third = harness::TraceNames(harness::ReadJson(dir / "third.json"));
  CHECK(third.count("sync"));
  CHECK(third.count("mkdir"));
}

TEST_CASE("--pid attaches to a running process and detaches on SIGINT", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh("sh -c 'while :; do cat /proc/self/stat >/dev/null; sleep 0.05; done' & target=$!; sleep 0.3; " +
              Binary() + " record -q --pid $target -o " + (dir / "t.json") +
              " & rec=$!; sleep 1; kill -INT $rec; wait $rec; rc=$?; sleep 0.2; "
              "if kill -0 $target; then echo still-running; fi; kill $target; exit $rc");
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("still-running") != std::string::npos);
  auto t = harness::ReadJson(dir / "t.json");
  auto names = harness::TraceNames(t);
  CHECK(names.count("wait4"));
  CHECK((names.count("clone") || names.count("vfork")));  // dash forks with vfork
  CHECK(t["tasks"].get<int>() > 3);                        // the loop's children were followed
}

TEST_CASE("output is written atomically; a failed write is loud and replaces nothing",
          "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o /nonexistent-dir/t.json -- true");
  CHECK(r.code == 125);
  CHECK(r.output.find("profilegen: error: cannot write /nonexistent-dir/t.json") != std::string::npos);
  // -o - writes the trace to stdout.
  r = Sh(Binary() + " record -q -o - -- true 2>/dev/null");
  CHECK(r.code == 0);
  CHECK(nlohmann::json::parse(r.output)["profilegen"] == "trace");
  // No temporary files are left behind.
  REQUIRE(Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- true").code == 0);
  CHECK(Sh("ls " + dir.path).output == "t.json\n");
}

TEST_CASE("a signal storm loses no signal and does not hang", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + Sample("signal_storm"));
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("signal_storm: 5000 signals") != std::string::npos);
  auto t = harness::ReadJson(dir / "t.json");
  for (const auto& e : t["syscalls"])
    if (e["name"] == "kill") CHECK(e["count"] == 5000);
}

TEST_CASE("without CAP_SYS_ADMIN record sets no_new_privs and still works", "[ptrace][root]") {
  if (!harness::RequireRoot("record with and without CAP_SYS_ADMIN")) return;
  harness::TempDir dir;
  // As in a container that has CAP_SYS_PTRACE but not CAP_SYS_ADMIN.
  auto r = Sh("setpriv --bounding-set -sys_admin --inh-caps -sys_admin -- " + Binary() + " record -q -o " +
              (dir / "t.json") + " -- sh -c 'grep NoNewPrivs /proc/self/status'");
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("NoNewPrivs:\t1") != std::string::npos);
  CHECK(harness::TraceNames(harness::ReadJson(dir / "t.json")).count("execve"));
  // As root with CAP_SYS_ADMIN no_new_privs stays off, so setuid programs keep working.
  r = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- sh -c 'grep NoNewPrivs /proc/self/status'");
  CHECK(r.output.find("NoNewPrivs:\t0") != std::string::npos);
}

TEST_CASE("PTRACE_SYSCALL fallback records the same set", "[ptrace]") {
  harness::TempDir dir;
  std::string cmd = Sample("pipeline") + " >/dev/null";
  REQUIRE(Sh(Binary() + " record -q -o " + (dir / "a.json") + " -- " + cmd).code == 0);
  REQUIRE(Sh(Binary() + " record -q --no-seccomp -o " + (dir / "b.json") + " -- " + cmd).code == 0);
  CHECK(harness::TraceNames(harness::ReadJson(dir / "a.json")) == harness::TraceNames(harness::ReadJson(dir / "b.json")));
}
