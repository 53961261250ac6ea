#include "tracer/decode.h"

#include <seccomp.h>

namespace profilegen::tracer {

std::pair<sys::ArchToken, int64_t> DecodeSyscall(uint32_t audit_arch, uint64_t nr) {
  if (audit_arch == SCMP_ARCH_X86_64 && (nr & sys::kX32SyscallBit) != 0) {
    return {SCMP_ARCH_X32, static_cast<int64_t>(nr & ~static_cast<uint64_t>(sys::kX32SyscallBit))};
  }
  return {audit_arch, static_cast<int64_t>(nr)};
}

}  // namespace profilegen::tracer
