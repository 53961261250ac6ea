// x32 cannot run on this machine (no x32 ABI in the kernel): its decoding is tested here, without a tracee.
#include <catch2/catch.hpp>
#include <seccomp.h>

#include "tracer/decode.h"

using profilegen::tracer::DecodeSyscall;

TEST_CASE("x32 calls carry bit 30 on the x86_64 audit arch and become SCMP_ARCH_X32", "[unit]") {
  auto [arch, nr] = DecodeSyscall(SCMP_ARCH_X86_64, 0x40000000u | 1u);  // x32 write
  CHECK(arch == SCMP_ARCH_X32);
  CHECK(nr == 1);
  CHECK(profilegen::sys::NameOf(arch, nr) == "write");
  // x32 has its own numbers for some calls: 512+ are the x32-specific ones (rt_sigaction is 512).
  auto [arch2, nr2] = DecodeSyscall(SCMP_ARCH_X86_64, 0x40000000u | 512u);
  CHECK(arch2 == SCMP_ARCH_X32);
  CHECK(profilegen::sys::NameOf(arch2, nr2) == "rt_sigaction");
}

TEST_CASE("x86_64 and i386 calls are taken as reported", "[unit]") {
  CHECK(DecodeSyscall(SCMP_ARCH_X86_64, 1) == std::pair<uint32_t, int64_t>{SCMP_ARCH_X86_64, 1});
  auto [arch, nr] = DecodeSyscall(SCMP_ARCH_X86, 20);
  CHECK(arch == SCMP_ARCH_X86);
  CHECK(profilegen::sys::NameOf(arch, nr) == "getpid");
  // Bit 30 means nothing on i386.
  CHECK(DecodeSyscall(SCMP_ARCH_X86, 0x40000000u).first == SCMP_ARCH_X86);
}
