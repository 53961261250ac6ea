#pragma once
/// SCMP_ACT_NOTIFY hands calls to a seccomp agent listening on the profile's listenerPath. Whether the container
/// can start then depends on the engine (does it pass listenerPath to the runtime?), the runtime (what does it
/// do without one?) and this machine (is there a socket at that path?).
#include <vector>

#include "profile/effective.h"
#include "profile/model.h"
#include "profile/parse.h"
#include "validator/compile.h"

namespace profilegen::validator {

/// What the engine and runtime of `o` do with the profile's NOTIFY rules when they start a container: nothing
/// when it has none; errors where the container cannot start, warnings where it starts with a caveat.
std::vector<profile::Diagnostic> CheckListener(const profile::Profile& p, const CompileOptions& o);

}  // namespace profilegen::validator
