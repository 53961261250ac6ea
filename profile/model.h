#pragma once
/// The Docker-format seccomp profile (moby's `Seccomp` type, plus podman's extra fields), as data.
/// Values are kept as the loaders see them: uint64 argument values, arch and action names as written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace profilegen::profile {

enum class Action { kKillThread, kKillProcess, kTrap, kErrno, kTrace, kAllow, kLog, kNotify };

/// "SCMP_ACT_ERRNO" -> kErrno. "SCMP_ACT_KILL" is kKillThread, as in runc.
std::optional<Action> ActionFromString(std::string_view s);
/// kErrno -> "SCMP_ACT_ERRNO" (kKillThread -> "SCMP_ACT_KILL_THREAD").
std::string_view ActionName(Action a);
/// Every accepted spelling, for "did you mean" suggestions.
const std::vector<std::string>& ActionNames();
/// Whether errnoRet means anything for this action (ERRNO and TRACE only).
inline bool ActionTakesErrno(Action a) { return a == Action::kErrno || a == Action::kTrace; }

/// podman's errno strings ("errno", "defaultErrno"): a name ("EPERM", "ENOSYS") or a decimal number ("1").
/// nullopt when it is neither.
std::optional<uint64_t> ErrnoFromString(std::string_view s);
/// Every errno name ErrnoFromString accepts, for "did you mean" suggestions.
const std::vector<std::string>& ErrnoNames();
/// "EPERM = 1" for an errno with a name, else the number.
std::string ErrnoLabel(uint64_t e);

enum class Op { kNe, kLt, kLe, kEq, kGe, kGt, kMaskedEq };
std::optional<Op> OpFromString(std::string_view s);
std::string_view OpName(Op op);
const std::vector<std::string>& OpNames();

/// One argument condition. MASKED_EQ: (arg & value) == value_two.
struct ArgCondition {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  Op op = Op::kEq;
  auto operator<=>(const ArgCondition&) const = default;
};

/// includes / excludes of an entry.
struct Filter {
  std::vector<std::string> caps;    ///< "CAP_SYS_ADMIN"
  std::vector<std::string> arches;  ///< native names: "amd64", "x86", "arm64"
  std::string min_kernel;           ///< "X.Y" or ""
  bool empty() const { return caps.empty() && arches.empty() && min_kernel.empty(); }
  bool operator==(const Filter&) const = default;
};

/// One entry of "syscalls".
struct Rule {
  std::vector<std::string> names;
  Action action = Action::kAllow;
  std::optional<uint64_t> errno_ret;        ///< errnoRet
  std::optional<std::string> podman_errno;  ///< podman's "errno": "EPERM" or a decimal string
  std::vector<ArgCondition> args;
  std::string comment;
  Filter includes;  ///< as moby reads it (a pointer: a repeated key's null
                    ///< resets it)
  Filter excludes;
  /// podman's reading where it differs from moby's: its Filter is a struct
  /// value, so a null leaves the earlier members in place ({"arches":["amd64"]}
  /// then null: moby reads no filter, podman reads arches amd64).
  std::optional<Filter> podman_includes;
  std::optional<Filter> podman_excludes;
  bool operator==(const Rule&) const = default;
};

struct ArchMapEntry {
  std::string architecture;  ///< SCMP_ARCH_*
  std::vector<std::string> sub_architectures;
  bool operator==(const ArchMapEntry&) const = default;
};

struct Profile {
  std::optional<Action> default_action;  ///< nullopt: absent or "" (seccomp
                                         ///< switched off if no syscalls)
  std::optional<uint64_t> default_errno_ret;
  std::optional<std::string> podman_default_errno;  ///< podman's "defaultErrno"
  std::vector<std::string> architectures;           ///< SCMP_ARCH_*
  std::vector<ArchMapEntry> arch_map;
  std::optional<std::vector<std::string>> flags;  ///< nullopt: absent (runc then sets SPEC_ALLOW)
  std::string listener_path;
  std::string listener_metadata;
  std::vector<Rule> syscalls;
  bool operator==(const Profile&) const = default;
};

}  // namespace profilegen::profile
