#include "reach/recorded.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "reach/cache.h"
#include "reach/program.h"

namespace profilegen::reach {
namespace {

// Whether `path` starts with ELF's magic. A file that cannot be opened counts as ELF: the analysis then says
// why it cannot read it.
bool LooksLikeElf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return true;
  char magic[4] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

}  // namespace

RecordedReachable AnalyseRecorded(const std::vector<std::string>& executables, const std::vector<std::string>& mapped,
                                  const std::string& cache_dir) {
  RecordedReachable out;
  std::vector<std::string> roots;
  for (const std::string& exe : executables) {
    if (LooksLikeElf(exe)) {
      roots.push_back(exe);
    } else {
      out.not_analysed.push_back(exe + ": not an ELF file (a script: its interpreter is analysed)");
    }
  }
  ScanOptions options;
  options.cache_dir = cache_dir;
  Reachability r = AnalyseProgram(roots, options, mapped);
  for (const SyscallNumber& n : r.syscalls) {
    if (auto name = sys::NameOf(n.arch, n.nr)) out.names[n.arch].insert(*name);
  }
  for (const BinaryStats& b : r.binaries) out.binaries.push_back(b.path);
  std::sort(out.binaries.begin(), out.binaries.end());
  out.unresolved = r.unresolved.size();
  out.not_analysed.insert(out.not_analysed.end(), r.unreadable_mapped.begin(), r.unreadable_mapped.end());
  return out;
}

std::string RecordingCacheDir(bool in_container) {
  if (!in_container) return DefaultCacheDir();
  const char* explicit_dir = std::getenv("PROFILEGEN_CACHE_DIR");
  return explicit_dir ? explicit_dir : "";
}

}  // namespace profilegen::reach
