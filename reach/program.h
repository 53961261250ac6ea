#pragma once
/// Reachability across a program's binaries: the executable(s), the libraries they need (DT_NEEDED, found as
/// the dynamic loader finds them), the loader itself and any dlopen'd libraries; imports resolved against the
/// exports in load order, and the syscalls of every function reachable from the roots.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "reach/summary.h"

namespace profilegen::reach {

struct ScanOptions {
  std::string cache_dir;  ///< empty: no cache
  /// Where libraries are searched after RUNPATH (default: ld.so.conf folders and the standard ones).
  std::vector<std::string> library_path;
};

/// A syscall site whose number was not resolved, in reachable code.
struct UnresolvedSite {
  std::string binary;
  std::string function;  ///< nearest symbol, or "" when stripped
  uint64_t addr = 0;
  bool operator<(const UnresolvedSite& o) const {
    return std::tie(binary, addr) < std::tie(o.binary, o.addr);
  }
};

struct BinaryStats {
  std::string path;
  bool cached = false;
  uint64_t instructions = 0;
  size_t functions = 0;
  size_t reachable_functions = 0;
};

struct Reachability {
  std::vector<BinaryStats> binaries;           ///< in load order
  std::vector<std::string> missing_libraries;  ///< DT_NEEDED names not found
  std::set<SyscallNumber> syscalls;
  std::set<UnresolvedSite> unresolved;
  std::set<std::string> unresolved_imports;  ///< imports that no loaded binary exports (weak ones, mostly)
  /// Mapped files (AnalyseProgram's `mapped`) that the files' dependencies do not account for and no other such
  /// file needs: the libraries the program dlopen'd (and programs it ran), analysed as roots.
  std::vector<std::string> dlopened;
  /// Mapped files that could not be analysed: deleted since, or not a readable ELF file ("PATH: why").
  std::vector<std::string> unreadable_mapped;
};

/// The syscalls reachable from `files`: every file given is a root with its entry point, its exports, its
/// init code and its address-taken functions (an executable, or a library a program dlopens); libraries they
/// need contribute their init code, address-taken functions and the exports actually imported.
/// `mapped`: the files a recording saw the program map executable (trace/mapped.h). Those that are not `files`
/// or their dependencies were dlopen'd (or are programs run without a syscall of their own first): each that no
/// other of them needs is a root like `files`; the rest are loaded as their dependencies.
Reachability AnalyseProgram(const std::vector<std::string>& files, const ScanOptions& options,
                            const std::vector<std::string>& mapped = {});

/// The folders the dynamic loader searches by default on this machine for 64-bit (or 32-bit) libraries.
std::vector<std::string> DefaultLibraryPath(bool is64);

}  // namespace profilegen::reach
