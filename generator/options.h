#pragma once
/// The generation policy knobs (DESIGN.md, "Generation policy") and the parsing of their command-line
/// spellings, so that cli/generate.cpp only wires options.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "profile/model.h"
#include "syscalls/syscalls.h"

namespace profilegen::generator {

/// Which container runtime's post-filter syscalls to add (generator/data/runtime-*.json).
enum class Runtime { kNone, kRunc, kCrun };

/// How far argument guards go (--args).
enum class ArgPolicy {
  kNone,    ///< every observed syscall unconditional
  kGuard,   ///< clone without namespace flags (clone3 -> ENOSYS), personality and socket domains as observed
  kStrict,  ///< guard plus observed-only ioctl requests, prctl options, unshare flags, setns types
};

struct GenerateOptions {
  profile::Action default_action = profile::Action::kErrno;
  /// defaultErrnoRet; nullopt means EPERM (1). Only meaningful for an ERRNO default action.
  std::optional<uint32_t> errno_ret;
  /// --arch: architectures to cover besides the traces' host and observed sub-architectures.
  std::vector<sys::ArchToken> extra_arches;
  Runtime runtime = Runtime::kRunc;
  bool no_new_privileges = false;
  /// More runtime layers to add to the one above (traces recorded under several runtimes or no-new-privileges
  /// settings: generator/layer_choice.h).
  std::vector<std::pair<Runtime, bool>> more_layers;
  ArgPolicy args = ArgPolicy::kGuard;
  /// --reachable include: also allow reachable, unobserved syscalls (trace schema v2), except these names
  /// (the risk catalogue, which the caller passes in: the generator does not depend on review/).
  bool include_reachable = false;
  std::set<std::string> reachable_denied;
};

/// "errno" | "kill-process" | "kill-thread" | "trap" | "log" (also the SCMP_ACT_* spelling of those).
/// Throws Error (exit 2) naming the choices and the likely typo.
profile::Action ParseDefaultAction(std::string_view text);
/// "EPERM", "enosys" or a decimal 1..4095. Throws Error (exit 2).
uint32_t ParseErrno(std::string_view text);
/// "runc" | "crun" | "none".
Runtime ParseRuntime(std::string_view text);
/// "none" | "guard" | "strict".
ArgPolicy ParseArgPolicy(std::string_view text);
/// "arm64", "aarch64", "SCMP_ARCH_AARCH64", ... Throws Error listing the known names.
sys::ArchToken ParseArch(std::string_view text);

/// kKillProcess -> "kill-process": the --default-action spelling.
std::string_view DefaultActionFlag(profile::Action a);
std::string_view RuntimeName(Runtime r);
std::string_view ArgPolicyName(ArgPolicy p);
/// The errno's symbolic name ("EPERM"), or the number as text when the C library has none.
std::string ErrnoName(uint32_t e);

}  // namespace profilegen::generator
