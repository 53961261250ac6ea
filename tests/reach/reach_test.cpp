// Static reachability on real binaries of this machine; soundness against what the tracer observes.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "reach/cache.h"
#include "reach/elf_image.h"
#include "reach/program.h"
#include "reach/report.h"
#include "tests/support/abi.h"
#include "tests/support/musl.h"
#include "tests/support/skip.h"
#include "trace/trace.h"

namespace profilegen::reach {
namespace {

const std::string kBuild = PROFILEGEN_BINARY_DIR;

std::string WorkDir() {
  std::string dir = "/var/tmp/profilegen-reach-test-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  return dir;
}

std::set<std::string> Names(const Reachability& r, const char* arch = "amd64") {
  auto v = SyscallNames(r, sys::ArchByNativeName(arch)->token);
  return {v.begin(), v.end()};
}

std::string ErrorOf(const std::string& path) {
  try {
    AnalyseProgram({path}, {});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("the reachable set of a small dynamic program holds what it must and not what it cannot", "[reach]") {
  Reachability r = AnalyseProgram({"/usr/bin/true"}, {});
  std::set<std::string> names = Names(r);
  for (const char* n : {"exit_group", "write", "openat", "mmap", "brk", "rt_sigreturn"}) {
    INFO(n);
    CHECK(names.count(n));
  }
  // true never mounts, loads modules or traces: what a loose analysis (or Docker's default) would let through.
  for (const char* n : {"mount", "init_module", "ptrace", "bpf", "kexec_load", "unshare", "setns"}) {
    INFO(n);
    CHECK(!names.count(n));
  }
  REQUIRE(r.binaries.size() >= 3);  // the program, libc, the loader
  CHECK(r.missing_libraries.empty());
}

TEST_CASE("the syscall() wrapper resolves at its call sites", "[reach]") {
  // glibc's syscall() takes the number in rdi; a program calling syscall(SYS_gettid) reaches gettid only
  // through that call site. sample threads calls it.
  std::string threads = kBuild + "/samples/threads";
  if (access(threads.c_str(), X_OK) != 0) {
    support::Skip("the syscall() wrapper case", threads + " is not built");
    return;
  }
  Reachability r = AnalyseProgram({threads}, {});
  CHECK(Names(r).count("gettid"));
}

TEST_CASE("statically linked programs, 64 and 32 bit", "[reach]") {
  for (std::string sample : {"mkdir_tool_static", "static32"}) {
    std::string path = kBuild + "/samples/" + sample;
    if (access(path.c_str(), X_OK) != 0) {
      support::Skip(sample, path + " is not built");
      continue;
    }
    Reachability r = AnalyseProgram({path}, {});
    CHECK(r.binaries.size() == 1);
    std::set<std::string> names = Names(r, sample == "static32" ? "i386" : "amd64");
    INFO(sample);
    CHECK(names.count(sample == "static32" ? "uname" : "mkdir"));
    CHECK(names.count("exit_group"));
  }
}

TEST_CASE("a static musl program: numbers kept in callee-saved registers across a loop resolve", "[reach]") {
  // musl's __stdio_write moves writev's number into r12 before its retry loop and copies it to rax inside;
  // __lockfile and __lock do the same with futex in ebx. The loop heads are aligned with padding after a jump,
  // which the flow must not take for code entered from nowhere.
  std::string dir = WorkDir();
  std::string musl = support::MuslProgram(dir);
  if (musl.empty()) {
    support::Skip("the musl case", "musl-gcc (musl-tools) is not installed");
    return;
  }
  Reachability r = AnalyseProgram({musl}, {});
  std::set<std::string> names = Names(r);
  for (const char* n : {"writev", "futex", "mkdir", "open", "read", "write", "close", "exit_group"}) {
    INFO(n);
    CHECK(names.count(n));
  }
  for (const UnresolvedSite& u : r.unresolved) {
    INFO(u.function << " 0x" << std::hex << u.addr);
    CHECK(u.function != "__stdio_write");
    CHECK(u.function != "__lockfile");
    CHECK(u.function != "__lock");
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("bad input gets one clear message", "[reach]") {
  std::string dir = WorkDir();
  CHECK(ErrorOf(dir) == dir + ": is a directory, not an ELF file");
  std::string text = dir + "/text";
  std::ofstream(text) << "#!/bin/sh\necho hi\n";
  CHECK(ErrorOf(text).find(text + ": not an ELF file") == 0);
  std::string truncated = dir + "/truncated";
  {
    std::ifstream in("/usr/bin/true", std::ios::binary);
    std::vector<char> head(3000);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
  }
  CHECK(ErrorOf(truncated).find(truncated + ": ") == 0);
  CHECK(ErrorOf(dir + "/missing").find(dir + "/missing: ") == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a cached analysis gives the same result and is marked cached", "[reach]") {
  std::string dir = WorkDir();
  ScanOptions options;
  options.cache_dir = dir + "/cache";
  Reachability first = AnalyseProgram({"/usr/bin/true"}, options);
  Reachability second = AnalyseProgram({"/usr/bin/true"}, options);
  CHECK(first.syscalls == second.syscalls);
  CHECK(first.unresolved.size() == second.unresolved.size());
  for (const BinaryStats& b : first.binaries) CHECK(!b.cached);
  for (const BinaryStats& b : second.binaries) CHECK(b.cached);
  // A damaged entry is analysed again, not trusted.
  std::system(("for f in " + options.cache_dir + "/*; do echo junk > \"$f\"; done").c_str());
  Reachability third = AnalyseProgram({"/usr/bin/true"}, options);
  CHECK(third.syscalls == first.syscalls);
  std::system(("rm -rf " + dir).c_str());
}

/// Records `argv` with the built profilegen and checks that every syscall observed is reachable from the
/// executables that made them (the first execve is the launcher's).
void CheckSound(const std::vector<std::string>& argv) {
  if (access(argv[0].c_str(), X_OK) != 0) {
    support::Skip("soundness of " + argv[0], "it is not installed");
    return;
  }
  std::string dir = WorkDir();
  std::string cmd = kBuild + "/profilegen record -q -o " + dir + "/t.json --";
  for (const std::string& a : argv) cmd += " '" + a + "'";
  cmd += " >/dev/null 2>&1";
  std::system(cmd.c_str());
  trace::Trace t = trace::LoadTrace(dir + "/t.json");
  std::set<std::string> exes;
  for (const auto& [key, rec] : t.syscalls) {
    if (!rec.first.exe.empty()) exes.insert(rec.first.exe);
  }
  Reachability r = AnalyseProgram({exes.begin(), exes.end()}, {});
  std::vector<std::string> misses;
  for (const auto& [key, rec] : t.syscalls) {
    if (rec.DisplayName() == "execve") continue;
    if (!r.syscalls.count({key.first, key.second})) misses.push_back(rec.DisplayName());
  }
  INFO(argv[0] << ": observed " << t.syscalls.size() << ", reachable " << r.syscalls.size());
  CHECK(misses == std::vector<std::string>{});
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("sound on the samples and real programs: everything observed is reachable", "[reach][ptrace]") {
  if (access((kBuild + "/profilegen").c_str(), X_OK) != 0) {
    support::Skip("soundness", kBuild + "/profilegen is not built");
    return;
  }
  std::string dir = WorkDir();
  for (std::string s : {"threads", "pipeline", "mkdir_tool", "mkdir_tool_static", "static32", "int80", "vfork", "signals"}) {
    std::string path = kBuild + "/samples/" + s;
    if (access(path.c_str(), X_OK) != 0) {
      support::Skip("soundness of " + s, path + " is not built");
      continue;
    }
    const support::Abi& abi = support::Abilities(kBuild + "/samples/static32");
    if ((s == "static32" || s == "int80") && !(abi.i386_exec && abi.int80)) {
      support::Skip("soundness of " + s, "this kernel runs no i386 code (IA-32 emulation off)");
      continue;
    }
    SECTION(s) { CheckSound({path, dir + "/made"}); }
  }
  SECTION("gzip") { CheckSound({"/usr/bin/gzip", "-c", "/etc/services"}); }
  SECTION("musl") {  // printf: writev in __stdio_write
    std::string musl = support::MuslProgram(dir);
    if (musl.empty()) {
      support::Skip("soundness of a static musl program", "musl-gcc (musl-tools) is not installed");
    } else {
      CheckSound({musl, "0"});
      std::system("rm -rf /tmp/m");  // what the program makes
    }
  }
  SECTION("tar") { CheckSound({"/usr/bin/tar", "cf", "/dev/null", "/etc/hostname"}); }
  SECTION("sqlite3") { CheckSound({"/usr/bin/sqlite3", ":memory:", "select 1;"}); }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace profilegen::reach
