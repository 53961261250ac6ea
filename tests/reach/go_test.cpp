// Go programs: their function table (pclntab) names the functions of a stripped binary, and the syscall
// package's entry points, which take the number as an argument in RAX (Go 1.18+) or on the stack (assembly,
// ABI0), resolve at their callers.
// Oracle for the real programs: what `record` observes runc make must be reachable (tests/reach/soundness.sh
// measures more Go programs).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "reach/elf_image.h"
#include "reach/go_pclntab.h"
#include "reach/go_syscalls.h"
#include "reach/program.h"
#include "reach/report.h"
#include "tests/support/skip.h"

namespace profilegen::reach {
namespace {

template <typename T>
void Put(std::vector<uint8_t>& b, size_t off, T v) {
  if (b.size() < off + sizeof v) b.resize(off + sizeof v);
  std::memcpy(b.data() + off, &v, sizeof v);
}

/// A Go 1.18-format table of two functions at 0x401000 and 0x401040.
std::vector<uint8_t> Table118() {
  std::vector<uint8_t> b(0x140);
  Put<uint32_t>(b, 0, 0xfffffff0);
  Put<uint8_t>(b, 6, 1);  // instruction quantum
  Put<uint8_t>(b, 7, 8);  // pointer size
  Put<uint64_t>(b, 8, 2);
  Put<uint64_t>(b, 24, 0x401000);  // text start
  Put<uint64_t>(b, 32, 0x60);      // function names
  Put<uint64_t>(b, 64, 0x100);     // function table
  std::memcpy(b.data() + 0x60, "main.main\0syscall.Syscall", 26);
  // (entry offset, _func offset) per function, then the end; each _func starts with entry and name offsets.
  const uint32_t functab[] = {0x00, 0x20, 0x40, 0x30, 0x80};
  for (size_t i = 0; i < 5; ++i) Put<uint32_t>(b, 0x100 + 4 * i, functab[i]);
  Put<uint32_t>(b, 0x120, 0x00);
  Put<int32_t>(b, 0x124, 0);
  Put<uint32_t>(b, 0x130, 0x40);
  Put<int32_t>(b, 0x134, 10);
  return b;
}

TEST_CASE("a Go function table is read whole or not at all", "[reach][go]") {
  std::vector<uint8_t> b = Table118();
  std::optional<GoPclntab> t = ReadGoPclntab(b.data(), b.size());
  REQUIRE(t);
  CHECK(t->format == 118);
  REQUIRE(t->functions.size() == 2);
  CHECK(t->functions[0].name == "main.main");
  CHECK(t->functions[0].addr == 0x401000);
  CHECK(t->functions[1].name == "syscall.Syscall");
  CHECK(t->functions[1].addr == 0x401040);
  // Found by its header inside a bigger section (PIE programs have no .gopclntab).
  std::vector<uint8_t> section(64, 0xcc);
  section.insert(section.end(), b.begin(), b.end());
  CHECK(FindGoPclntab(section.data(), section.size(), 0) == 64);
  // Anything that does not hold together is no table: cut short, a bad magic, 32-bit, a name outside it.
  CHECK(!ReadGoPclntab(b.data(), 0x6a));
  std::vector<uint8_t> bad = b;
  Put<uint32_t>(bad, 0, 0xfffffff5);
  CHECK(!ReadGoPclntab(bad.data(), bad.size()));
  bad = b;
  Put<uint8_t>(bad, 7, 4);
  CHECK(!ReadGoPclntab(bad.data(), bad.size()));
  bad = b;
  Put<int32_t>(bad, 0x134, 1000);
  CHECK(!ReadGoPclntab(bad.data(), bad.size()));
}

TEST_CASE("Go's syscall entry points by name", "[reach][go]") {
  for (const char* n :
       {"syscall.Syscall", "syscall.Syscall6", "syscall.RawSyscall", "syscall.RawSyscall6", "syscall.rawSyscallNoError",
        "golang.org/x/sys/unix.Syscall", "golang.org/x/sys/unix.RawSyscallNoError"}) {
    CHECK(IsGoSyscallEntry(n));
  }
  for (const char* n : {"syscall.Open", "syscall.Syscall9", "main.Syscall", "runtime.read", "syscall.", ""}) {
    CHECK(!IsGoSyscallEntry(n));
  }
}

TEST_CASE("a stripped Go program: named functions, and syscall.Syscall's callers resolved", "[reach][go]") {
  const std::string runc = "/usr/sbin/runc";
  if (access(runc.c_str(), R_OK) != 0) {
    support::Skip("the Go program case", runc + " is not installed");
    return;
  }
  ElfImage image = ReadElf(runc);
  CHECK(image.go_pclntab_format >= 118);
  std::set<std::string> names;
  for (const FunctionSymbol& f : image.functions) names.insert(f.name);
  CHECK(names.count("main.main"));
  CHECK(names.count("syscall.Syscall"));
  Reachability r = AnalyseProgram({runc}, {});
  auto v = SyscallNames(r, sys::ArchByNativeName("amd64")->token);
  std::set<std::string> reach(v.begin(), v.end());
  // `runc --version` makes these through syscall.Syscall with a constant number (os.Stat, os.Readlink, ...):
  // unresolved before the entry points were known.
  for (const char* n : {"fstat", "readlinkat", "openat", "read", "write", "close"}) {
    INFO(n);
    CHECK(reach.count(n));
  }
  // golang.org/x/sys/unix's Syscall is assembly taking the number on the stack (Go's ABI0): unix.Statfs stores
  // 137 to [rsp] and calls it, which jumps to syscall.Syscall's ABI0 wrapper, which loads [rsp+0x30] (its
  // first stack argument) into rax for the register-ABI syscall.Syscall. `runc --version` makes statfs this way.
  CHECK(reach.count("statfs"));
  // What stays unresolved is said, not guessed: numbers read from variables (internal/poll's fcntl) and
  // runtime.runPerThreadSyscall's, which come from memory.
  std::set<std::string> unresolved;
  for (const UnresolvedSite& u : r.unresolved) {
    if (u.binary == runc) unresolved.insert(u.function);
  }
  CHECK(unresolved.count("internal/poll.fcntl"));
  CHECK(unresolved.count("runtime.runPerThreadSyscall"));
  CHECK(!unresolved.count("syscall.Syscall"));
  CHECK(!unresolved.count("golang.org/x/sys/unix.Statfs"));
}

TEST_CASE("a Go program's raw syscalls with the number on the stack resolve", "[reach][go]") {
  // docker's syscall.Getuid calls syscall.rawSyscallNoError (assembly, ABI0: `mov 0x8(%rsp),%rax; syscall`)
  // with 102 stored to [rsp]; `docker --version` makes getuid.
  const std::string docker = "/usr/bin/docker";
  if (access(docker.c_str(), R_OK) != 0) {
    support::Skip("the Go raw syscall case", docker + " is not installed");
    return;
  }
  Reachability r = AnalyseProgram({docker}, {});
  auto v = SyscallNames(r, sys::ArchByNativeName("amd64")->token);
  std::set<std::string> reach(v.begin(), v.end());
  CHECK(reach.count("getuid"));
  for (const UnresolvedSite& u : r.unresolved) {
    INFO(u.function);
    CHECK(u.function != "syscall.rawSyscallNoError");
    CHECK(u.function != "syscall.rawVforkSyscall");
  }
}

}  // namespace
}  // namespace profilegen::reach
