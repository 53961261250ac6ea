#include "engines/file_stamp.h"

#include <sys/stat.h>

#include <cstdio>

namespace profilegen::engines {
namespace {

int64_t Nanoseconds(const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

}  // namespace

FileStamp StampOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return {true, static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size), Nanoseconds(st.st_mtim),
          Nanoseconds(st.st_ctim)};
}

std::string StampText(const FileStamp& stamp) {
  if (!stamp.exists) return "-";
  return std::to_string(stamp.inode) + ":" + std::to_string(stamp.size) + ":" + std::to_string(stamp.mtime_ns) + ":" +
         std::to_string(stamp.ctime_ns);
}

std::optional<FileStamp> ParseStampText(const std::string& text) {
  if (text == "-") return FileStamp{};
  unsigned long long inode, size;
  long long mtime, ctime;
  char tail;
  if (std::sscanf(text.c_str(), "%llu:%llu:%lld:%lld%c", &inode, &size, &mtime, &ctime, &tail) != 4) {
    return std::nullopt;
  }
  return FileStamp{true, inode, size, mtime, ctime};
}

}  // namespace profilegen::engines
