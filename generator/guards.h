#pragma once
/// The argument guards generate can put on a syscall (DESIGN.md, "Generation policy"): which argument of which
/// syscall, from which --args policy on, and how its values are written in comments. A guard is one
/// single-condition ALLOW entry per allowed value, as Docker's default profile writes them: several entries for
/// one syscall are ORed by every loader, where one entry with a repeated index would be ORed by runc but refused
/// by libseccomp loaders that do not split it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "generator/options.h"
#include "profile/model.h"

namespace profilegen::generator {

enum class ValueStyle { kDecimal, kHex, kSocketDomain };

struct GuardSpec {
  std::string_view name;  ///< the syscall
  int index;              ///< the argument; always one trace::CapturedArgs records (checked by a test)
  ArgPolicy min_policy;   ///< the weakest --args that guards it
  std::string_view what;  ///< the argument's name in comments: "flags", "domain", ...
  ValueStyle style;
};

/// The guard of syscall `name`, or nullptr when it has none.
const GuardSpec* FindGuard(std::string_view name);

/// `v` as a comment shows it: hex, decimal, or "10 (AF_INET6)".
std::string FormatValue(uint64_t v, ValueStyle style);

/// One allowed alternative: its condition and the words the entry's comment uses for it.
struct Alternative {
  profile::ArgCondition condition;
  std::string description;
};
using Guard = std::vector<Alternative>;

/// clone allowed when its flags (arg 0) hold no namespace flag (kCloneNamespaceMask), as Docker's default does.
Guard CloneWithoutNamespaces();

/// Docker's namespace mask for clone flags: CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
/// CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET.
inline constexpr uint64_t kCloneNamespaceMask = 0x7E020000;

}  // namespace profilegen::generator
