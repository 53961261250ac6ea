#pragma once
/// The effective policy of a profile for one target: what the kernel filter will do, per architecture and
/// syscall, after includes/excludes, archMap, runc's rule skipping and libseccomp's merge rules. Two profiles
/// with the same effective policy are the same to every loader, whatever their text, order or comments.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profile/model.h"
#include "profile/parse.h"
#include "profile/target.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile {

/// The largest errno libseccomp accepts in an ERRNO or TRACE action (2.5.4,
/// measured: 4095 fails with EINVAL).
inline constexpr uint64_t kMaxErrnoRet = 4094;

/// An action with its errno (errno only for ERRNO/TRACE, defaulted to EPERM=1
/// as runc does).
struct Verdict {
  Action action = Action::kErrno;
  uint64_t errno_ret = 0;
  auto operator<=>(const Verdict&) const = default;
  std::string ToString() const;  ///< "SCMP_ACT_ERRNO(1)", "SCMP_ACT_ALLOW"
};

/// One libseccomp rule: a verdict when all conditions hold (an empty list: always).
struct EffectiveRule {
  Verdict verdict;
  std::vector<ArgCondition> conditions;  ///< ANDed, sorted
  auto operator<=>(const EffectiveRule&) const = default;
};

/// Where one rule libseccomp is given comes from in the profile.
struct RuleSource {
  size_t entry = 0;      ///< syscalls[entry]
  std::string name;      ///< the name the entry lists (for a multiplexed rule: "socket", "semop", ...)
  size_t name_index = 0; ///< syscalls[entry].names[name_index]
  /// Derived by libseccomp: the i386/s390 socketcall or ipc form of `name` (MultiplexedConditions).
  bool multiplexed = false;
  std::vector<ArgCondition> written;  ///< the condition set as the runtime hands it over, before multiplexing
  std::string Path() const;           ///< "syscalls[2].names[0]"
};

/// What one syscall gets on one arch: unconditional (one rule, no conditions) or conditional rules
/// (sorted, deduplicated), all others fall to the default.
struct SyscallPolicy {
  std::vector<EffectiveRule> rules;
  /// Every rule libseccomp is given for the syscall, in the runtime's order (conditions as written): what
  /// PolicyVerdict feeds its model of libseccomp's rule tree (profile/libseccomp_tree.h). Not compared.
  std::vector<EffectiveRule> added;
  std::vector<RuleSource> sources;  ///< parallel to `added`. Not compared.
  bool operator==(const SyscallPolicy& o) const { return rules == o.rules; }
  bool Unconditional() const { return rules.size() == 1 && rules[0].conditions.empty(); }
};

struct ArchPolicy {
  std::map<std::string, SyscallPolicy> syscalls;  ///< by name; only names present on this arch
  /// libseccomp 2.5.4 never loads the syscall number in this arch's section of a linear filter, so every call
  /// on it gets the default action (see NumberUnloaded in effective.cpp).
  bool number_unloaded = false;
  bool operator==(const ArchPolicy&) const = default;
};

struct EffectivePolicy {
  bool seccomp_off = false;  ///< {} or no defaultAction: the engines run unconfined
  Verdict default_verdict;
  std::map<sys::ArchToken, ArchPolicy> arches;  ///< host first conceptually; every arch the filter covers
  std::vector<Diagnostic> notes;                ///< what was dropped or skipped on the way,
                                                ///< with JSON paths (warnings)
  bool operator==(const EffectivePolicy& o) const {
    return seccomp_off == o.seccomp_off && default_verdict == o.default_verdict && arches == o.arches;
  }
};

/// The verdict the engine hands the runtime for the default action: podman's
/// "defaultErrno" string wins over defaultErrnoRet for podman; absent means
/// EPERM; libseccomp keeps 16 bits. The profile must have one.
Verdict DefaultVerdict(const Profile& profile, Engine engine);
/// The same for one entry (podman's "errno" over errnoRet); errno only for
/// ERRNO and TRACE.
Verdict RuleVerdict(const Rule& rule, Engine engine);
/// The errno number the engine writes into the OCI spec (podman's string
/// resolved), before libseccomp's truncation: nullopt when the profile gives
/// none.
std::optional<uint64_t> EngineErrno(std::optional<uint64_t> errno_ret, const std::optional<std::string>& podman_errno,
                                    Engine engine);

/// runc's matchCall: no repeated index -> one ANDed set; any repeated index ->
/// one set per condition (ORed). Each set sorted.
std::vector<std::vector<ArgCondition>> ConditionSets(const std::vector<ArgCondition>& args);

/// Whether one condition holds for an argument value. `arch32`: the arch passes
/// 32-bit arguments, and libseccomp compares only their low 32 bits.
bool ConditionHolds(const ArgCondition& c, uint64_t arg, bool arch32 = false);

/// The verdict the filter gives `name` on `arch` for these arguments (the default when no rule decides, seccomp
/// off: ALLOW). Conditional rules go through the model of libseccomp 2.5.4's rule tree
/// (profile/libseccomp_tree.h): when rules of different verdicts overlap, the one the generated BPF picks.
/// `ambiguous` is set when libseccomp would refuse the syscall's rules (EEXIST: the runtime cannot load the
/// profile at all), and when the answer depends on where libseccomp's BPF layout reloads the accumulator after
/// a sub-level fell through (LibseccompChains::Decide's `unsure`; the answer is then the usual layout's).
Verdict PolicyVerdict(const EffectivePolicy& policy, sys::ArchToken arch, const std::string& name,
                      const uint64_t (&args)[6], bool* ambiguous = nullptr);

/// Computes the effective policy. The profile must have parsed without errors.
EffectivePolicy Evaluate(const Profile& profile, const Target& target);

/// libseccomp's multiplexing on x86 (and s390): a rule for a socket-family or
/// ipc-family name also becomes a rule for socketcall(SYS_xxx) or ipc(call):
/// its condition on argument 0 is replaced by `a0 == call`, its conditions on
/// arguments 1-5 stay and are compared with socketcall's and ipc's own
/// arguments (libseccomp 2.5.4 src/syscalls.c abi_rule_add). So `socket`
/// guarded by its domain allows socketcall(SYS_SOCKET) for any domain.
struct Multiplexed {
  std::string syscall;  ///< "socketcall" or "ipc"
  uint64_t call = 0;    ///< argument 0: SYS_SOCKET = 1, ..., SEMOP = 1, SHMAT = 21, ...
};
std::optional<Multiplexed> MultiplexedCall(sys::ArchToken arch, std::string_view name);
/// The conditions of the multiplexed rule libseccomp derives from a rule with `conditions`.
std::vector<ArgCondition> MultiplexedConditions(const Multiplexed& mux, const std::vector<ArgCondition>& conditions);

}  // namespace profilegen::profile
