#pragma once
/// The runtime layer: the syscalls a container runtime makes itself after it has loaded the filter (runc's
/// or crun's init between seccomp load and execve). A tracer wrapped around the program never sees them, so
/// they come from versioned data files with provenance (generator/data/runtime-*.json, compiled in).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "generator/options.h"

namespace profilegen::generator {

/// One group of names in a data file, with why the runtime needs them.
struct RuntimeLayerGroup {
  /// "when": "always", "no-new-privileges=false" or "no-new-privileges=true"
  enum class When { kAlways, kWithoutNnp, kWithNnp } when = When::kAlways;
  bool AppliesTo(bool no_new_privileges) const {
    return when == When::kAlways || (when == When::kWithNnp) == no_new_privileges;
  }
  std::string why;
  std::vector<std::string> names;
};

/// A parsed generator/data/runtime-<name>.json.
struct RuntimeLayerData {
  std::string file;             ///< "runtime-runc.json"
  std::string runtime;          ///< "runc"
  std::string runtime_version;  ///< "1.1.5"
  std::string measured;         ///< how the sets were measured
  std::vector<RuntimeLayerGroup> groups;
};

/// The layer selected by --runtime and --no-new-privileges.
struct RuntimeLayer {
  std::string label;            ///< "runtime layer runc 1.1.5 (no-new-privileges=false)"; empty for none
  std::set<std::string> names;  ///< union of the applicable groups
};

/// Parses one data file's text; `file` names it in messages. Throws Error on any problem (unknown syscall
/// names included: every name must be known to libseccomp).
RuntimeLayerData ParseRuntimeLayer(std::string_view text, const std::string& file);

/// Every embedded data file, parsed once.
const std::vector<RuntimeLayerData>& RuntimeLayerFiles();

/// The layer for `runtime` (empty names for Runtime::kNone).
RuntimeLayer SelectRuntimeLayer(Runtime runtime, bool no_new_privileges);

/// Unites `more` into `into` (names united, labels joined with " + "), for traces from several runtimes.
void AddRuntimeLayer(RuntimeLayer& into, const RuntimeLayer& more);

}  // namespace profilegen::generator
