#pragma once
/// JSON parsing that turns nlohmann's exceptions into one clear message with line and column.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace profilegen {

/// Parses `text` (read from `path`, used in messages). Throws Error "PATH:LINE:COL: malformed JSON: ..."
/// Nesting deeper than `max_depth` is rejected before nlohmann recurses.
nlohmann::json ParseJson(std::string_view text, const std::string& path, int max_depth = 256);

/// Converts a byte offset into 1-based line and column.
std::pair<size_t, size_t> LineColumn(std::string_view text, size_t offset);

/// 4-space indent, trailing newline: the canonical form of every file profilegen writes.
std::string DumpCanonical(const nlohmann::ordered_json& value);

}  // namespace profilegen
