#pragma once
/// traces -> profile: `profilegen generate`. The policy (DESIGN.md, "Generation policy"):
///   - one unconditional ALLOW entry for every observed syscall without an argument guard, plus the runtime
///     layer; one entry per argument guard (entries with equal conditions merged);
///   - one SCMP_ACT_ERRNO(ENOSYS) entry for the ENOSYS probes not observed (and clone3 under the clone guard);
///   - archMap: the traces' host arch with only the sub-architectures observed, plus --arch;
///   - every entry's comment says where each name came from; output canonical (same inputs, same bytes).
#include <string>
#include <vector>

#include "generator/options.h"
#include "profile/model.h"
#include "trace/trace.h"

namespace profilegen::generator {

struct GenerateResult {
  profile::Profile profile;
  /// Things the user should know ("profilegen: warning: ..." without the prefix): unnamed syscall numbers
  /// skipped, names missing on an --arch architecture, options without effect, clone3 turned into ENOSYS.
  std::vector<std::string> warnings;
};

/// Generates the profile for merged traces (trace::MergeAll of N recordings; merged.runs is N).
/// Deterministic: the result depends only on the merged trace and the options.
GenerateResult Generate(const trace::Trace& merged, const GenerateOptions& options);

}  // namespace profilegen::generator
