// The risk catalogue and the clone namespace-flag analysis.
#include "review/risk.h"

#include <catch2/catch.hpp>
#include <set>

#include "helpers.h"
#include "review/policy.h"

using namespace profilegen;
using namespace profilegen::review;
using profile::Action;
using profile::ArgCondition;
using profile::EffectiveRule;
using profile::Op;
using profile::SyscallPolicy;
using profile::Verdict;

namespace {
const Verdict kEperm{Action::kErrno, 1};
const Verdict kAllow{Action::kAllow, 0};
sys::ArchToken Arch(const char* native) { return sys::ArchByNativeName(native)->token; }
}  // namespace

TEST_CASE("the catalogue covers the syscalls the issue names, each with a category and one line", "[review][risk]") {
  const char* const required[] = {"mount",
                                  "umount2",
                                  "pivot_root",
                                  "chroot",
                                  "move_mount",
                                  "open_tree",
                                  "fsopen",
                                  "fsmount",
                                  "fsconfig",
                                  "fspick",
                                  "ptrace",
                                  "process_vm_readv",
                                  "process_vm_writev",
                                  "kcmp",
                                  "bpf",
                                  "perf_event_open",
                                  "userfaultfd",
                                  "unshare",
                                  "setns",
                                  "clone",
                                  "clone3",
                                  "keyctl",
                                  "add_key",
                                  "request_key",
                                  "open_by_handle_at",
                                  "name_to_handle_at",
                                  "init_module",
                                  "finit_module",
                                  "delete_module",
                                  "kexec_load",
                                  "kexec_file_load",
                                  "reboot",
                                  "swapon",
                                  "swapoff",
                                  "sethostname",
                                  "setdomainname",
                                  "iopl",
                                  "ioperm",
                                  "acct",
                                  "quotactl",
                                  "lookup_dcookie",
                                  "mbind",
                                  "move_pages",
                                  "personality",
                                  "syslog",
                                  "settimeofday",
                                  "clock_settime",
                                  "clock_adjtime",
                                  "adjtimex",
                                  "stime",
                                  "vhangup",
                                  "nfsservctl",
                                  "io_uring_setup",
                                  "io_uring_enter",
                                  "io_uring_register",
                                  "pidfd_getfd"};
  for (const char* name : required) {
    INFO(name);
    CHECK(FindRisk(name) != nullptr);
  }
  std::set<std::string_view> seen;
  for (const auto& r : RiskCatalogue()) {
    INFO(r.syscall);
    CHECK(seen.insert(r.syscall).second);
    CHECK(sys::IsKnownName(r.syscall));  // a typo would never match anything
    CHECK(!r.reason.empty());
    CHECK(r.reason.size() <= 110);
    CHECK(r.reason.find('\n') == std::string_view::npos);
    CHECK(r.reason.back() != '.');
    CHECK((CategoryName(r.category) == "escape" || CategoryName(r.category) == "kernel-attack-surface" ||
           CategoryName(r.category) == "host-state" || CategoryName(r.category) == "information-leak"));
  }
  CHECK(FindRisk("read") == nullptr);
}

TEST_CASE("clone is risky only when a CLONE_NEW* flag can get through", "[review][risk]") {
  const auto amd64 = Arch("amd64");
  // Docker's guard: flags & 0x7e020000 == 0.
  SyscallPolicy docker{{EffectiveRule{kAllow, {ArgCondition{0, 0x7E020000, 0, Op::kMaskedEq}}}}};
  CHECK_FALSE(ClonePermitsNamespaces(amd64, &docker, kEperm));
  CHECK_FALSE(AssessRisk(amd64, "clone", &docker, kEperm));
  // The same guard on the wrong argument (s390x keeps flags in arg1).
  CHECK(ClonePermitsNamespaces(Arch("s390x"), &docker, kEperm));
  SyscallPolicy s390{{EffectiveRule{kAllow, {ArgCondition{1, 0x7E020000, 0, Op::kMaskedEq}}}}};
  CHECK_FALSE(ClonePermitsNamespaces(Arch("s390x"), &s390, kEperm));
  // A guard that forgets CLONE_NEWUSER.
  SyscallPolicy partial{{EffectiveRule{kAllow, {ArgCondition{0, 0x6E020000, 0, Op::kMaskedEq}}}}};
  CHECK(ClonePermitsNamespaces(amd64, &partial, kEperm));
  // Exact observed flag values (what a strict generator writes).
  SyscallPolicy exact{{EffectiveRule{kAllow, {ArgCondition{0, 0x3d0f00, 0, Op::kEq}}},
                       EffectiveRule{kAllow, {ArgCondition{0, 0x1200011, 0, Op::kEq}}}}};
  CHECK_FALSE(ClonePermitsNamespaces(amd64, &exact, kEperm));
  exact.rules.push_back(EffectiveRule{kAllow, {ArgCondition{0, 0x10000000 | 17, 0, Op::kEq}}});  // CLONE_NEWUSER
  CHECK(ClonePermitsNamespaces(amd64, &exact, kEperm));
  // Unconditional, or allowed by default.
  SyscallPolicy open{{EffectiveRule{kAllow, {}}}};
  CHECK(ClonePermitsNamespaces(amd64, &open, kEperm));
  CHECK(AssessRisk(amd64, "clone", &open, kEperm));
  CHECK(ClonePermitsNamespaces(amd64, nullptr, kAllow));
  CHECK_FALSE(ClonePermitsNamespaces(amd64, nullptr, kEperm));
  // A deny list under an allowing default: one rule per flag bit.
  SyscallPolicy deny;
  for (uint64_t bit :
       {0x20000ull, 0x2000000ull, 0x4000000ull, 0x8000000ull, 0x10000000ull, 0x20000000ull, 0x40000000ull}) {
    deny.rules.push_back(EffectiveRule{kEperm, {ArgCondition{0, bit, bit, Op::kMaskedEq}}});
  }
  std::sort(deny.rules.begin(), deny.rules.end());
  CHECK_FALSE(ClonePermitsNamespaces(amd64, &deny, kAllow));
  deny.rules.pop_back();
  CHECK(ClonePermitsNamespaces(amd64, &deny, kAllow));
}

TEST_CASE("a denied syscall carries no risk", "[review][risk]") {
  SyscallPolicy enosys{{EffectiveRule{Verdict{Action::kErrno, 38}, {}}}};
  CHECK_FALSE(AssessRisk(Arch("amd64"), "clone3", &enosys, kEperm));
  CHECK_FALSE(AssessRisk(Arch("amd64"), "mount", nullptr, kEperm));
  CHECK(AssessRisk(Arch("amd64"), "mount", nullptr, kAllow));
  SyscallPolicy log{{EffectiveRule{Verdict{Action::kLog, 0}, {}}}};
  CHECK(AssessRisk(Arch("amd64"), "bpf", &log, kEperm));  // LOG lets the call through
}

TEST_CASE("descriptions for humans", "[review][risk]") {
  CHECK(DescribeVerdict({Action::kErrno, 1}) == "ERRNO(EPERM)");
  CHECK(DescribeVerdict({Action::kErrno, 38}) == "ERRNO(ENOSYS)");
  CHECK(DescribeVerdict({Action::kErrno, 4000}) == "ERRNO(4000)");
  CHECK(DescribeVerdict({Action::kKillProcess, 0}) == "KILL_PROCESS");
  CHECK(DescribeVerdict({Action::kAllow, 0}) == "ALLOW");
  CHECK(DescribeCondition({2, 0xffffffff, 0, Op::kLe}) == "arg2 <= 0xffffffff");
  CHECK(DescribeCondition({1, 8, 0, Op::kNe}) == "arg1 != 8");
  CHECK(DescribeCondition({0, 0x7E020000, 0, Op::kMaskedEq}) == "arg0 & 0x7e020000 == 0");
  SyscallPolicy two{{EffectiveRule{kAllow, {ArgCondition{0, 0, 0, Op::kEq}}},
                     EffectiveRule{kAllow, {ArgCondition{0, 8, 0, Op::kEq}, ArgCondition{1, 1, 0, Op::kGe}}}}};
  CHECK(DescribePolicy(&two, kEperm) == "ALLOW if arg0 == 0 | ALLOW if arg0 == 8 && arg1 >= 1 | else ERRNO(EPERM)");
  CHECK(DescribePolicy(nullptr, kEperm) == "default ERRNO(EPERM)");
  CHECK(ErrnoFromName("EPERM") == 1u);
  CHECK(ErrnoFromName("ENOSYS") == 38u);
  CHECK(ErrnoFromName("38") == 38u);
  CHECK_FALSE(ErrnoFromName("EWHATEVER"));
}
