#pragma once
/// What stat(2) says about a file, enough to tell that it changed: replaced (inode), rewritten (size, mtime)
/// or touched in any other way (ctime, which no user call can set back). Used to notice that a trace was
/// written and that an engine's binary or configuration changed since its facts were cached.
#include <cstdint>
#include <optional>
#include <string>

namespace profilegen::engines {

struct FileStamp {
  bool exists = false;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

/// stat(2) of `path` (symlinks followed); a missing or unreadable path gives {exists = false}.
FileStamp StampOf(const std::string& path);

/// "-" for a missing file, else "inode:size:mtime_ns:ctime_ns": the form the facts cache stores.
std::string StampText(const FileStamp& stamp);
/// The stamp StampText wrote; nullopt for anything else.
std::optional<FileStamp> ParseStampText(const std::string& text);

}  // namespace profilegen::engines
