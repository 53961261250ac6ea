#pragma once
/// `profilegen run --profile P -- CMD`: the command under the profile, enforced as the runtime would.
#include <ostream>
#include <string>
#include <vector>

#include "validator/compile.h"

namespace profilegen::validator {

struct RunProfileOptions {
  std::string profile_path;
  CompileOptions compile;   ///< runtime (runc: ENOSYS stub; crun: none), target
  bool complain = false;    ///< deny nothing, report what would have been denied
  std::string record_path;  ///< complain mode: also write the denied calls as a trace
  std::vector<std::string> command;
};

/// Loads and compiles the profile, runs the command under it and returns the command's exit status (its code,
/// 128+N for signal N). Complain mode writes its report of the denied calls to `report` at the end.
/// Throws Error: 125 for an unusable profile or profilegen's own failure, 126/127 when the command cannot be
/// executed.
int RunProfile(const RunProfileOptions& options, std::ostream& report);

}  // namespace profilegen::validator
