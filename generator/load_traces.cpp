#include "generator/load_traces.h"

#include <map>
#include <optional>

#include "base/error.h"
#include "syscalls/syscalls.h"

namespace profilegen::generator {

trace::Trace LoadAndMergeTraces(const std::vector<std::string>& paths) {
  // Merged in batches as they are read: memory stays bounded by one batch plus the merged result, where holding
  // every parsed trace grew by about 9 KB per trace (90 MB for 10,000 small ones).
  constexpr size_t kBatch = 256;
  std::vector<trace::Trace> batch;
  std::optional<trace::Trace> merged;
  auto merge_batch = [&] {
    if (batch.empty()) return;
    trace::Trace part = trace::MergeAll(batch);
    batch.clear();
    if (!merged) {
      merged = std::move(part);
      return;
    }
    std::vector<trace::Trace> two;
    two.push_back(std::move(*merged));
    two.push_back(std::move(part));
    merged = trace::MergeAll(two);  // merging is associative: the same as merging every trace at once
  };
  std::vector<std::string> errors;
  std::map<std::string, std::vector<std::string>> by_host;
  for (const std::string& path : paths) {
    try {
      trace::Trace t = trace::LoadTrace(path);
      by_host[sys::ArchLabel(t.host_arch)].push_back(path);
      if (!errors.empty()) continue;  // it will fail anyway: only read on to report every bad file
      batch.push_back(std::move(t));
      if (batch.size() == kBatch) merge_batch();
    } catch (const Error& e) {
      errors.push_back(e.what());
    }
  }
  if (errors.size() == 1) throw Error(errors[0]);
  if (!errors.empty()) {
    std::string msg = std::to_string(errors.size()) + " of " + std::to_string(paths.size()) + " traces cannot be used:";
    for (const std::string& e : errors) msg += "\n  " + e;
    throw Error(msg);
  }
  if (by_host.size() > 1) {
    std::string msg = "the traces were recorded on different host architectures:";
    for (const auto& [arch, files] : by_host) {
      msg += "\n  " + arch + ":";
      for (const std::string& f : files) msg += " " + f;
    }
    throw Error(msg + "\ngenerate one profile per host architecture, or record on one and add the others with --arch");
  }
  merge_batch();
  return merged ? std::move(*merged) : trace::MergeAll({});
}

}  // namespace profilegen::generator
