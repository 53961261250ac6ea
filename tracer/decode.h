#pragma once
/// Turning what the kernel reports for a syscall stop into the architecture and number profiles speak of.
#include <cstdint>
#include <utility>

#include "syscalls/syscalls.h"

namespace profilegen::tracer {

/// The kernel reports x32 calls on the x86_64 audit arch with bit 30 set in the number: those become
/// SCMP_ARCH_X32 with the bit stripped. Everything else is taken as reported.
std::pair<sys::ArchToken, int64_t> DecodeSyscall(uint32_t audit_arch, uint64_t nr);

}  // namespace profilegen::tracer
