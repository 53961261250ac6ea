#include "base/atomic_file.h"
#include "trace/read_checked.h"
#include "trace/read_fast.h"
#include "trace/trace.h"

namespace profilegen::trace {

Trace ParseTrace(const std::string& text, const std::string& path) {
  if (std::optional<Trace> fast = ParseTraceFast(text, path)) return std::move(*fast);
  return ParseTraceChecked(text, path);
}

Trace LoadTrace(const std::string& path) { return ParseTrace(ReadFile(path), path); }

}  // namespace profilegen::trace
