#pragma once
/// The runtime layer: the syscalls a container runtime makes itself after it has loaded the filter (runc's
/// or crun's init between seccomp load and execve). A tracer wrapped around the program never sees them, so
/// they come from versioned data files with provenance (generator/data/runtime-*.json, compiled in).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "generator/options.h"
#include "profile/runtime_layer.h"

namespace profilegen::generator {

// The data files and their parsing live in profile/ (validate needs them too):
// these names keep the generator's code and tests reading as before.
using profile::ParseRuntimeLayer;
using profile::RuntimeLayerData;
using profile::RuntimeLayerFiles;
using profile::RuntimeArgValues;
using profile::RuntimeLayerGroup;

/// The layer selected by --runtime and --no-new-privileges.
struct RuntimeLayer {
  std::string label;            ///< "runtime layer runc 1.1.5 (no-new-privileges=false)";
                                ///< empty for none
  std::set<std::string> names;  ///< union of the applicable groups
  /// Measured argument values, united over the applicable groups (profile::RuntimeLayerGroup::args).
  std::map<std::string, profile::RuntimeArgValues> arg_values;
  /// Names an applicable group lists without measured argument values (or with another argument index).
  std::set<std::string> unmeasured;
};

/// The layer for `runtime` (empty names for Runtime::kNone).
RuntimeLayer SelectRuntimeLayer(Runtime runtime, bool no_new_privileges);

/// Unites `more` into `into` (names united, labels joined with " + "), for traces from several runtimes.
void AddRuntimeLayer(RuntimeLayer& into, const RuntimeLayer& more);

}  // namespace profilegen::generator
