#pragma once
/// Binary summaries cached by file content, so that a binary is analysed once per machine.
#include <string>

#include "reach/summary.h"

namespace profilegen::reach {

/// $PROFILEGEN_CACHE_DIR, else $XDG_CACHE_HOME/profilegen/reach, else $HOME/.cache/profilegen/reach; empty
/// when none can be determined (caching is then off).
std::string DefaultCacheDir();

/// A content hash of `bytes` (hex), the cache key together with kAnalysisVersion and the DecoderName().
std::string ContentHash(const std::vector<uint8_t>& bytes);

struct SummaryLoad {
  BinarySummary summary;
  bool cached = false;  ///< read from the cache rather than analysed
};

/// The summary of the ELF file `path`: from `cache_dir` when an entry for its content exists, else analysed
/// (and stored there). An empty `cache_dir` disables the cache. Throws Error for unreadable or non-ELF files.
SummaryLoad LoadSummary(const std::string& path, const std::string& cache_dir);

}  // namespace profilegen::reach
