#pragma once
/// The decoder: how moby's and podman's encoding/json read a JSON tree into the profile model. Keys match
/// exactly, else ignoring case (Unicode simple folding); unknown keys are ignored; the last of a repeated key
/// wins; null leaves a value as it was; a repeated includes/excludes object adds up its members, and a null
/// between them resets moby's pointer but not podman's struct. What Go refuses (a string where a list belongs,
/// a negative or fractional number, an action or operator no one has) is an error at its path; what Go
/// silently does (unknown, case-folded or repeated keys) is a warning. Everything about the decoded values is
/// the lint's (profile/lint.h), called as each part is read.
#include "profile/diagnostic.h"
#include "profile/json_tree.h"
#include "profile/lint.h"
#include "profile/model.h"

namespace profilegen::profile::parsing {

/// Decodes `root` into `out`, logging what Go refuses or ignores to `log` and letting `lint` check each part.
void DecodeProfile(const JVal& root, DiagnosticLog& log, Lint& lint, Profile& out);

}  // namespace profilegen::profile::parsing
