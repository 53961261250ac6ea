#pragma once
/// `profilegen merge`: the union of allow-list profiles. Whatever any input allows, the result allows (per
/// syscall: unconditionally if any input does, else every input's conditional rules); the inputs must share
/// one default action (and errno), which the result keeps.
#include <string>
#include <vector>

#include "profile/model.h"

namespace profilegen::generator {

struct ProfileInput {
  std::string name;  ///< the file, for messages and comments
  profile::Profile profile;
};

struct MergeResult {
  profile::Profile profile;
  std::vector<std::string> warnings;
};

/// Merges parsed profiles. Throws Error (exit 2) when a profile is not an allow-list (no default action,
/// or SCMP_ACT_ALLOW), when the default actions differ, or when flags or listener settings differ; the
/// message names every file involved. The result does not depend on the order of `inputs` (they are
/// taken sorted by name).
MergeResult MergeProfiles(std::vector<ProfileInput> inputs);

/// Loads every file with the loaders' semantics (profile::LoadProfileOrThrow; all bad files reported in one
/// Error) and merges them.
MergeResult MergeProfileFiles(const std::vector<std::string>& paths);

}  // namespace profilegen::generator
