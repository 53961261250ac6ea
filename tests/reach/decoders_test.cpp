// The two machine-code decoders of reach/decode.h are each other's oracle: Zydis (profilegen) and Capstone
// (profilegen-static, which runs inside container images). On real binaries they must give the same facts for
// every instruction, except where Capstone 4.0.2 cannot decode one; and the two executables the same
// reachable sets.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "reach/decode.h"
#include "reach/elf_image.h"
#include "tests/support/musl.h"
#include "tests/support/skip.h"

namespace profilegen::reach {
namespace {

const std::string kBuild = PROFILEGEN_BINARY_DIR;

/// Every fact of an instruction (reach/decode.h), the stack-slot kinds and their operands included.
bool Same(const Insn& a, const Insn& b) {
  return a.addr == b.addr && a.target == b.target && a.imm == b.imm && a.written == b.written && a.kind == b.kind &&
         a.dst == b.dst && a.src == b.src && a.indirect == b.indirect;
}

bool IsSyscall(const Insn& x) { return x.kind == Kind::kSyscall || x.kind == Kind::kSyscall32; }

std::string Describe(const Insn& x) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "0x%llx kind %d target 0x%llx imm %lld written 0x%x dst %d src %d indirect %d",
                static_cast<unsigned long long>(x.addr), static_cast<int>(x.kind),
                static_cast<unsigned long long>(x.target), static_cast<long long>(x.imm), x.written, x.dst, x.src,
                x.indirect);
  return buf;
}

struct Comparison {
  size_t zydis = 0;                      ///< instructions Zydis decoded
  size_t same = 0;                       ///< identical in both lists
  size_t differing = 0;                  ///< decoded by both, with different facts
  size_t out_of_step = 0;                ///< Zydis's instructions where one decoder failed, until the two realign
  size_t syscalls_in_gaps = 0;           ///< syscall instructions (either decoder's) among those: a site one would miss
  std::vector<std::string> differences;  ///< the first ten of those
};

/// Walks both instruction lists by address. Where one decoder fails (a one-byte stop the other does not have)
/// the lists are out of step until they reach one address again.
Comparison Compare(const ElfImage& image) {
  Decoded z = DecodeWithZydis(image), c = DecodeWithCapstone(image);
  Comparison out;
  out.zydis = z.insns.size();
  size_t i = 0, j = 0;
  while (i < z.insns.size() && j < c.insns.size()) {
    const Insn& a = z.insns[i];
    const Insn& b = c.insns[j];
    bool failed = (a.kind == Kind::kStop) != (b.kind == Kind::kStop) && a.addr == b.addr;
    if (a.addr == b.addr && !failed) {
      if (Same(a, b)) {
        ++out.same;
      } else if (++out.differing <= 10) {
        out.differences.push_back("zydis " + Describe(a) + " | capstone " + Describe(b));
      }
      ++i, ++j;
      continue;
    }
    // Out of step: advance whichever list is behind until both stand at one address.
    do {
      if (z.insns[i].addr <= c.insns[j].addr) {
        ++out.out_of_step;
        out.syscalls_in_gaps += IsSyscall(z.insns[i]);
        ++i;
      } else {
        out.syscalls_in_gaps += IsSyscall(c.insns[j]);
        ++j;
      }
    } while (i < z.insns.size() && j < c.insns.size() && z.insns[i].addr != c.insns[j].addr);
  }
  out.out_of_step += z.insns.size() - i;
  return out;
}

std::string WorkDir() {
  std::string dir = "/var/tmp/profilegen-decoders-test-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  return dir;
}

/// Real binaries of this machine, 64 and 32 bit, dynamic and static, glibc and musl; those missing are skipped
/// visibly.
std::vector<std::string> RealBinaries(const std::string& dir, const std::string& what) {
  std::vector<std::string> out;
  auto add = [&](const std::string& path, const std::string& why) {
    char* real = realpath(path.c_str(), nullptr);
    if (real && access(real, R_OK) == 0) {
      out.push_back(real);
    } else {
      support::Skip(what + " on " + path, why);
    }
    std::free(real);
  };
  add("/lib/x86_64-linux-gnu/libc.so.6", "glibc is not installed");
  add("/lib64/ld-linux-x86-64.so.2", "the loader is not installed");
  add("/bin/busybox", "busybox-static is not installed");
  add("/usr/lib32/libc.so.6", "the i386 glibc (libc6-i386) is not installed");
  add(kBuild + "/samples/static32", "the sample is not built (gcc-multilib)");
  add("/usr/sbin/runc", "runc (a Go program) is not installed");
  std::string musl = support::MuslProgram(dir);
  if (musl.empty()) {
    support::Skip(what + " on a musl program", "musl-gcc (musl-tools) is not installed");
  } else {
    out.push_back(musl);
  }
  return out;
}

TEST_CASE("Zydis and Capstone decode real binaries alike", "[reach]") {
  std::string dir = WorkDir();
  for (const std::string& path : RealBinaries(dir, "decoder comparison")) {
    ElfImage image = ReadElf(path);
    Comparison c = Compare(image);
    INFO(path << ": " << c.zydis << " instructions, " << c.same << " the same, " << c.out_of_step
              << " out of step where Capstone 4.0.2 cannot decode");
    CHECK(c.differences == std::vector<std::string>{});
    CHECK(c.syscalls_in_gaps == 0);
    // glibc's AVX-512 string functions: ~2% of its instructions. More means the decoders drifted apart.
    CHECK(c.out_of_step * 100 < c.zydis * 3);
    CHECK(c.same + c.differing + c.out_of_step == c.zydis);
  }
  std::system(("rm -rf " + dir).c_str());
}

/// `scan --no-cache --format json FILE` with `program`: its syscalls and unresolved sites.
nlohmann::json Scan(const std::string& program, const std::string& file) {
  std::string cmd = program + " scan --no-cache --format json '" + file + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string text;
  char buf[65536];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) text.append(buf, n);
  INFO(cmd << " printed: " << text.substr(0, 400));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  REQUIRE(!j.is_discarded());
  return {{"syscalls", j["syscalls"]}, {"unresolved", j["unresolved"]}, {"binaries", j["binaries"].size()}};
}

TEST_CASE("profilegen (Zydis) and profilegen-static (Capstone) find the same reachable sets", "[reach]") {
  std::string dynamic = kBuild + "/profilegen", fixed = kBuild + "/profilegen-static";
  if (access(dynamic.c_str(), X_OK) != 0 || access(fixed.c_str(), X_OK) != 0) {
    support::Skip("profilegen and profilegen-static compared", "both must be built");
    return;
  }
  // Capstone's archive keeps it self-contained: file(1) and ldd(1) say so.
  CHECK(std::system(("file -L " + fixed + " | grep -q 'statically linked'").c_str()) == 0);
  CHECK(std::system(("ldd " + fixed + " 2>&1 | grep -q 'not a dynamic executable'").c_str()) == 0);
  std::string dir = WorkDir();
  std::vector<std::string> files = RealBinaries(dir, "reachable-set comparison");
  files.push_back("/usr/bin/true");  // with glibc and the loader, as a program
  for (const std::string& file : files) {
    if (file.find("ld-linux") != std::string::npos || file.find("x86_64-linux-gnu/libc.so") != std::string::npos) {
      continue;  // scanned with /usr/bin/true
    }
    nlohmann::json z = Scan(dynamic, file), c = Scan(fixed, file);
    INFO(file);
    CHECK(z.dump(1) == c.dump(1));
    CHECK(!z["syscalls"].empty());
  }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace profilegen::reach
