#pragma once
/// The traces `generate` and `merge` start from, read and merged.
#include <string>
#include <vector>

#include "trace/trace.h"

namespace profilegen::generator {

/// Loads every trace (errors name the file: unreadable, malformed, newer schema; all bad files are reported
/// in one Error, exit 2), checks that they were recorded on one host architecture, and merges them.
/// The result does not depend on the order of `paths`.
trace::Trace LoadAndMergeTraces(const std::vector<std::string>& paths);

}  // namespace profilegen::generator
