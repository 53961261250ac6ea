#include <catch2/catch.hpp>
#include <seccomp.h>

#include "syscalls/syscalls.h"

namespace sys = profilegen::sys;

TEST_CASE("architectures by SCMP and native names", "[unit]") {
  CHECK(sys::ArchByScmpName("SCMP_ARCH_X86_64")->token == SCMP_ARCH_X86_64);
  CHECK(sys::ArchByNativeName("amd64")->token == SCMP_ARCH_X86_64);
  CHECK(sys::ArchByNativeName("x86_64")->token == SCMP_ARCH_X86_64);
  CHECK(sys::ArchByNativeName("arm64")->scmp == "SCMP_ARCH_AARCH64");
  CHECK(sys::ArchByAnyName("SCMP_ARCH_X32")->native == "x32");
  CHECK_FALSE(sys::ArchByScmpName("SCMP_ARCH_X86_65"));
  CHECK(sys::HostArch() == SCMP_ARCH_X86_64);
  CHECK(sys::SubArches(SCMP_ARCH_X86_64) == std::vector<sys::ArchToken>{SCMP_ARCH_X86, SCMP_ARCH_X32});
}

TEST_CASE("names and numbers come from libseccomp, per arch", "[unit]") {
  CHECK(sys::NameOf(SCMP_ARCH_X86_64, 0) == "read");
  CHECK(sys::NameOf(SCMP_ARCH_X86, 3) == "read");
  CHECK(sys::NameOf(SCMP_ARCH_X32, 0) == "read");
  CHECK_FALSE(sys::NameOf(SCMP_ARCH_X86_64, 100000));
  CHECK_FALSE(sys::NameOf(SCMP_ARCH_X86_64, -1));

  auto r = sys::Resolve(SCMP_ARCH_X86_64, "openat");
  CHECK(r.status == sys::NameStatus::kPresent);
  CHECK(r.nr == 257);
  CHECK(sys::Resolve(SCMP_ARCH_X86, "socket").status == sys::NameStatus::kPresent);
  CHECK(sys::Resolve(SCMP_ARCH_X86, "socket").nr == 359);  // direct socket calls since Linux 4.3
  CHECK(sys::Resolve(SCMP_ARCH_X86_64, "waitpid").status == sys::NameStatus::kAbsent);  // i386 only
  CHECK(sys::Resolve(SCMP_ARCH_X86_64, "socketcall").status == sys::NameStatus::kAbsent);
  CHECK(sys::Resolve(SCMP_ARCH_X86_64, "opnat").status == sys::NameStatus::kUnknown);
  CHECK(sys::Resolve(SCMP_ARCH_X32, "read").nr == 0);  // without the x32 bit
  CHECK(sys::IsKnownName("socketcall"));
  CHECK_FALSE(sys::IsKnownName(""));
}

TEST_CASE("every name on an arch resolves back to its number", "[unit]") {
  for (sys::ArchToken arch : std::vector<sys::ArchToken>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_AARCH64}) {
    const auto& names = sys::NamesOn(arch);
    CHECK(names.size() > 300);
    for (const auto& n : names) {
      auto r = sys::Resolve(arch, n);
      REQUIRE(r.status == sys::NameStatus::kPresent);
      CHECK(sys::NameOf(arch, r.nr) == n);
    }
  }
  CHECK(sys::MaxSyscallNumber(SCMP_ARCH_X86_64) >= 435);
}

TEST_CASE("did-you-mean suggestions", "[unit]") {
  CHECK(sys::EditDistance("opnat", "openat") == 1);
  CHECK(sys::Suggest("opnat", sys::NamesOn(SCMP_ARCH_X86_64)) == "openat");
  CHECK(sys::Suggest("SCMP_CMP_EQUAL", {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ"}) == "SCMP_CMP_EQ");
  CHECK_FALSE(sys::Suggest("completelydifferent", {"read", "write"}));
}
