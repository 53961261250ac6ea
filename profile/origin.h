#pragma once
/// Where an allowed syscall of a generated profile came from, as `generate` writes it into entry comments and
/// `diff` and `audit` read it back. The comment vocabulary lives here, once: the generator builds its comments
/// from these words, review recognises them.
#include <map>
#include <string>
#include <string_view>

#include "profile/model.h"

namespace profilegen::profile {

enum class Origin {
  kUnlabelled,     ///< no comment says (a hand-written profile, or Docker's)
  kObserved,       ///< recorded: a trace saw the program make it (also a trace read from the kernel log)
  kRuntimeLayer,   ///< the container runtime makes it after loading the filter (generator/data)
  kReachableOnly,  ///< never observed: static analysis found code that can make it (--reachable include)
};

/// "unlabelled", "observed", "runtime-layer", "reachable-only".
std::string_view OriginName(Origin o);

/// The words comments start with: "observed in 2/3 runs, first by /bin/x: read write", "runtime layer runc
/// 1.1.5 (...): ...", "reachable-only (not observed; ...): fsync rename".
inline constexpr std::string_view kObservedWord = "observed";
inline constexpr std::string_view kRuntimeLayerWords = "runtime layer";
inline constexpr std::string_view kReachableOnlyWord = "reachable-only";

/// The origin of every name the profile's ALLOW and LOG entries list, read from their comments (entries merged
/// by minimise join their comments with " | "). A name several entries allow takes the strongest label:
/// observed, then runtime layer, then reachable-only; names no comment accounts for are kUnlabelled.
std::map<std::string, Origin> AllowedOrigins(const Profile& profile);

/// The origin of one name in such a map (kUnlabelled when absent).
Origin OriginOf(const std::map<std::string, Origin>& origins, const std::string& name);

}  // namespace profilegen::profile
