#pragma once
/// The one place that knows syscall facts: architecture tokens and names, and name <-> number per
/// architecture. Every number comes from libseccomp; there is no second table.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace profilegen::sys {

/// A libseccomp architecture token (SCMP_ARCH_*, equal to the kernel's AUDIT_ARCH_* value).
using ArchToken = uint32_t;

struct ArchInfo {
  ArchToken token;
  std::string_view scmp;    ///< "SCMP_ARCH_X86_64", as profiles and traces spell it
  std::string_view native;  ///< "amd64": Go's GOARCH, as includes/excludes
                            ///< "arches" and --arch spell it
};

/// Every architecture libseccomp on this machine supports.
const std::vector<ArchInfo>& AllArches();

std::optional<ArchInfo> ArchByToken(ArchToken token);
/// "SCMP_ARCH_X86_64", as profiles and traces spell it; a token libseccomp does not know as "0x<hex>".
std::string ArchLabel(ArchToken token);
/// "SCMP_ARCH_X86_64" -> info.
std::optional<ArchInfo> ArchByScmpName(std::string_view name);
/// "amd64" (also accepts "x86_64", "aarch64", "i386", "386") -> info.
std::optional<ArchInfo> ArchByNativeName(std::string_view name);
/// "SCMP_ARCH_X86_64" or "amd64" -> info.
std::optional<ArchInfo> ArchByAnyName(std::string_view name);

/// Whether libseccomp treats the arch's syscall arguments as 32-bit (x86, x32,
/// arm, mips, mipsel, ppc, s390): its comparisons then look at the low 32 bits
/// only.
bool Is32Bit(ArchToken arch);
/// The architecture of this machine's kernel ABI as libseccomp sees it.
ArchToken HostArch();

/// Docker's archMap: the sub-architectures a host architecture can run (x86_64: x86, x32).
std::vector<ArchToken> SubArches(ArchToken host);

/// x32 syscalls arrive on the x86_64 audit arch with this bit set in the number.
inline constexpr uint32_t kX32SyscallBit = 0x40000000u;

/// The syscall number `nr` on `arch` (for x32 without kX32SyscallBit), or nullopt if libseccomp has no name.
std::optional<std::string> NameOf(ArchToken arch, int64_t nr);

enum class NameStatus {
  kUnknown,  ///< libseccomp knows this name on no architecture (runc skips it)
  kAbsent,   ///< known, but this architecture has no such syscall (a pseudo
             ///< number, vanishes from the BPF)
  kPresent,  ///< a real syscall number on this architecture
};

struct Resolution {
  NameStatus status;
  int64_t nr;  ///< the real number when kPresent (x32: without kX32SyscallBit),
               ///< else libseccomp's value
};

/// Resolves a syscall name on `arch` to the number the kernel uses (on x86, socket is 359 although
/// libseccomp's own name lookup answers with its socketcall pseudo number).
Resolution Resolve(ArchToken arch, std::string_view name);

/// libseccomp's own name lookup (seccomp_syscall_resolve_name_arch), as runc
/// asks it: on x86 the socketcall and ipc families answer with negative pseudo
/// numbers (socket -101, semop -201) although the kernel has direct numbers for
/// them; x32 numbers carry kX32SyscallBit. __NR_SCMP_ERROR (-1) for an unknown
/// name.
int64_t LibseccompNumber(ArchToken arch, std::string_view name);
/// Whether libseccomp knows `name` on any architecture.
bool IsKnownName(std::string_view name);

/// Every syscall name that has a number on `arch`, sorted. Computed once per
/// arch.
const std::vector<std::string>& NamesOn(ArchToken arch);

/// The highest syscall number libseccomp knows on `arch` (x32: without the bit).
int64_t MaxSyscallNumber(ArchToken arch);

/// The closest candidate to `word` by edit distance, if it is close enough to
/// be a likely typo.
std::optional<std::string> Suggest(std::string_view word, const std::vector<std::string>& candidates);

/// Levenshtein distance (case-sensitive), for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace profilegen::sys
