#pragma once
/// Facts about one syscall's effective treatment that review needs: whether it is allowed (always, under
/// conditions, never), human-readable descriptions, and the namespace-flag question for clone.
#include <string>
#include <string_view>

#include "profile/effective.h"

namespace profilegen::review {

/// How far a syscall gets through the filter. Only ALLOW and LOG let a call reach the kernel on the filter's
/// own authority; TRACE and NOTIFY hand the decision to another process and count as not allowed here.
enum class Allowance { kNever, kConditional, kAlways };

/// "denied", "conditional", "allowed".
std::string_view AllowanceName(Allowance a);

bool VerdictAllows(const profile::Verdict& v);

/// One syscall's treatment: its rules (`policy` may be null: the syscall falls to the default).
Allowance AllowanceOf(const profile::SyscallPolicy* policy, const profile::Verdict& default_verdict);

/// "ALLOW", "ERRNO(EPERM)", "ERRNO(38)" for unnamed numbers, "KILL_PROCESS", "TRACE(1)".
std::string DescribeVerdict(const profile::Verdict& v);

/// "arg0 & 0x7e020000 == 0", "arg1 == 8", "arg2 <= 4096".
std::string DescribeCondition(const profile::ArgCondition& c);

/// "ALLOW", or "ALLOW if arg0 == 0 | ALLOW if arg0 == 8 | else ERRNO(EPERM)"; "default: ERRNO(EPERM)" when
/// the syscall has no rule of its own.
std::string DescribePolicy(const profile::SyscallPolicy* policy, const profile::Verdict& default_verdict);

/// The errno name ("EPERM") of a number, or the number itself.
std::string ErrnoName(uint64_t e);
/// "EPERM" -> 1; also accepts a decimal number. nullopt if unknown.
std::optional<uint64_t> ErrnoFromName(std::string_view name);

/// The CLONE_NEW* bits clone(2) accepts in its flags (CLONE_NEWTIME only works through clone3/unshare).
inline constexpr uint64_t kCloneNamespaceFlags = 0x7E020000;
/// Which argument holds clone's flags on `arch` (s390/s390x swap the first two).
uint32_t CloneFlagsArg(sys::ArchToken arch);

/// Whether the policy lets clone(2) through with at least one CLONE_NEW* flag set. Each ALLOW rule is checked
/// condition by condition on the flags argument: a rule permits a namespace flag unless one of its conditions
/// alone rules that flag out (EQ with the bit clear, MASKED_EQ whose mask covers the bit with it clear in the
/// datum, LT/LE below the bit). Conditions that only exclude flags in combination are not detected, so the
/// answer errs towards "permits".
bool ClonePermitsNamespaces(sys::ArchToken arch, const profile::SyscallPolicy* policy,
                            const profile::Verdict& default_verdict);

}  // namespace profilegen::review
