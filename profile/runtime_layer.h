#pragma once
/// The runtime layers: the syscalls a container runtime makes itself after it
/// has loaded the filter (runc's or crun's init between seccomp load and
/// execve), measured per runtime and no-new-privileges setting and kept as
/// versioned data files with provenance (generator/data/runtime-*.json,
/// compiled into this library). The generator adds them to profiles; validate
/// refuses a profile that denies them (the container cannot start).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace profilegen::profile {

/// The values one argument of a syscall was measured to take in the runtime's own calls (strace of the runtime
/// after it loaded the filter), e.g. prctl's option.
struct RuntimeArgValues {
  uint32_t index = 0;
  std::set<uint64_t> values;
};

/// One group of names in a data file, with why the runtime needs them.
struct RuntimeLayerGroup {
  /// "when": "always", "no-new-privileges=false" or "no-new-privileges=true"
  enum class When { kAlways, kWithoutNnp, kWithNnp } when = When::kAlways;
  bool AppliesTo(bool no_new_privileges) const {
    return when == When::kAlways || (when == When::kWithNnp) == no_new_privileges;
  }
  std::string why;
  std::vector<std::string> names;
  /// "validate": "error" (default: the container cannot start without these),
  /// "warning" (the runtime copes with a denial in most or all starts, e.g. a
  /// Go fallback; validate warns) or "error-unless-errno" (the runtime ignores
  /// the call's failure, so an errno answer is harmless, but SIGSYS or a kill
  /// stops the start: runc's fcntl).
  bool fatal = true;
  bool errno_harmless = false;
  /// "args": {"prctl": {"index": 0, "values": [8, 24, 47]}}: the measured argument values of some of the
  /// names, for the generator's argument guards (--args strict). A name without an entry: values not measured.
  std::map<std::string, RuntimeArgValues> args;
};

/// A parsed generator/data/runtime-<name>.json.
struct RuntimeLayerData {
  std::string file;             ///< "runtime-runc.json"
  std::string runtime;          ///< "runc"
  std::string runtime_version;  ///< "1.1.5"
  std::string measured;         ///< how the sets were measured
  std::vector<RuntimeLayerGroup> groups;
};

/// Parses one data file's text; `file` names it in messages. Throws Error on
/// any problem (unknown syscall names included: every name must be known to
/// libseccomp).
RuntimeLayerData ParseRuntimeLayer(std::string_view text, const std::string& file);

/// Every embedded data file, parsed once.
const std::vector<RuntimeLayerData>& RuntimeLayerFiles();

/// The data for runtime "runc" or "crun"; throws Error (internal) when none is
/// built in.
const RuntimeLayerData& RuntimeLayerFor(std::string_view runtime);

/// One syscall the runtime needs, with the reason (the group's "why").
struct RuntimeNeed {
  std::string name;
  std::string why;
  bool fatal = true;  ///< a denial stops the container from starting (else: a warning)
  bool errno_harmless = false;  ///< the runtime ignores a failed call: only a non-errno answer stops it
  /// The argument values the runtime was measured to use, when every applicable group listing the name
  /// measured them (united); empty: any value.
  std::optional<RuntimeArgValues> args;
};
/// Every syscall the runtime makes after loading the filter, for this
/// no-new-privileges setting, sorted by name (a name in two groups keeps the
/// first group's reason).
std::vector<RuntimeNeed> RuntimeNeeds(const RuntimeLayerData& data, bool no_new_privileges);

/// A data file compiled into the binary at build time
/// (generator/data/embed.cmake).
struct EmbeddedFile {
  std::string_view name;     ///< file name in generator/data, e.g. "runtime-runc.json"
  std::string_view content;  ///< the file's bytes
};
/// generator/data/runtime-*.json, sorted by name.
const std::vector<EmbeddedFile>& EmbeddedRuntimeLayers();

}  // namespace profilegen::profile
