#pragma once
/// Writing outputs so that a reader never sees half a file and a failure never replaces an earlier one.
#include <string>
#include <string_view>

namespace profilegen {

/// Writes `content` to `path` through a temporary file in the same folder, fsync and rename.
/// `path` "-" writes to stdout. Throws Error (exit code `exit_code`) naming the path on any failure,
/// and leaves no temporary file behind.
void WriteFileAtomically(const std::string& path, std::string_view content, int exit_code = 2);

/// Reads a whole file; "-" reads stdin. Throws Error naming the path when it cannot.
std::string ReadFile(const std::string& path, size_t max_bytes = size_t{1} << 30);

}  // namespace profilegen
