#pragma once
/// Data files compiled into the binary at build time (generator/data/embed.cmake), so profilegen never
/// reads them from the source tree at run time.
#include <string_view>
#include <vector>

namespace profilegen::generator {

struct EmbeddedFile {
  std::string_view name;     ///< file name in generator/data, e.g. "runtime-runc.json"
  std::string_view content;  ///< the file's bytes
};

/// generator/data/runtime-*.json, sorted by name.
const std::vector<EmbeddedFile>& EmbeddedRuntimeLayers();

}  // namespace profilegen::generator
