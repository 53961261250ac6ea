#pragma once
/// Running a classic BPF seccomp program in user space: to check what a compiled filter answers for a syscall
/// without loading it, and to predict what the kernel's action cache will make of it.
#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "syscalls/syscalls.h"

namespace profilegen::validator {

using Program = std::vector<sock_filter>;

/// The kernel's `struct seccomp_data`, as a filter reads it.
struct SeccompData {
  int32_t nr = 0;     ///< x32: with sys::kX32SyscallBit set
  uint32_t arch = 0;  ///< AUDIT_ARCH_* (x32 calls arrive as AUDIT_ARCH_X86_64)
  uint64_t instruction_pointer = 0;
  uint64_t args[6] = {};
};

/// Runs `program` on `data` as the kernel would and returns the SECCOMP_RET_* value (action | data).
/// Throws Error for a program the kernel would reject at run time (a jump or load out of bounds, an
/// instruction outside classic BPF, falling off the end).
uint32_t RunFilter(const Program& program, const SeccompData& data);

/// What the kernel's action cache concludes for one syscall (kernel/seccomp.c, seccomp_is_const_allow):
/// the action the program reaches reading only the syscall number and the arch, or nullopt when it reads
/// anything else on the way (an argument, the instruction pointer) or uses an instruction the kernel's check
/// does not model. Only a result of SECCOMP_RET_ALLOW is cached.
std::optional<uint32_t> ConstantAction(const Program& program, uint32_t arch, int32_t nr);

/// The AUDIT_ARCH_* value the kernel reports in seccomp_data.arch for a libseccomp arch token (x32 calls
/// arrive on AUDIT_ARCH_X86_64, with bit 30 in the number).
uint32_t AuditArch(sys::ArchToken arch);

/// The syscall number as the filter sees it (x32: with bit 30 set).
int32_t FilterNumber(sys::ArchToken arch, int64_t nr);

}  // namespace profilegen::validator
