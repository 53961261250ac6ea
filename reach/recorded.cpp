#include "reach/recorded.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>

#include "reach/cache.h"
#include "reach/program.h"

namespace profilegen::reach {

trace::Reachable AnalyseRecorded(const trace::Trace& t, const std::string& cache_dir) {
  std::set<std::string> exes;
  for (const auto& [key, rec] : t.syscalls) {
    if (!rec.first.exe.empty()) exes.insert(rec.first.exe);
  }
  ScanOptions options;
  options.cache_dir = cache_dir;
  Reachability r = AnalyseProgram({exes.begin(), exes.end()}, options);
  trace::Reachable out;
  for (const SyscallNumber& n : r.syscalls) {
    if (auto name = sys::NameOf(n.arch, n.nr)) out.names[n.arch].insert(*name);
  }
  for (const BinaryStats& b : r.binaries) out.binaries.push_back(b.path);
  std::sort(out.binaries.begin(), out.binaries.end());
  out.unresolved = r.unresolved.size();
  return out;
}

std::string RecordingCacheDir(bool in_container) {
  if (!in_container) return DefaultCacheDir();
  const char* explicit_dir = std::getenv("PROFILEGEN_CACHE_DIR");
  return explicit_dir ? explicit_dir : "";
}

}  // namespace profilegen::reach
