#include "tracer/mappings.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/fd.h"

namespace profilegen::tracer {
namespace {

/// The text of /proc/TID/maps, or "" when the task is gone.
std::string ReadMaps(pid_t tid) {
  std::string path = "/proc/" + std::to_string(tid) + "/maps";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  std::string text;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

std::set<std::string> ParseExecutableMappings(std::string_view maps) {
  // "7f1c2a000000-7f1c2a022000 r-xp 00002000 08:01 1234567    /usr/lib/x86_64-linux-gnu/libc.so.6"
  std::set<std::string> files;
  while (!maps.empty()) {
    size_t eol = maps.find('\n');
    std::string_view line = maps.substr(0, eol);
    maps = eol == std::string_view::npos ? std::string_view() : maps.substr(eol + 1);
    size_t pos = 0;
    std::string_view perms;
    for (int field = 0; field < 5; ++field) {  // address, perms, offset, device, inode
      pos = line.find_first_not_of(' ', pos);
      if (pos == std::string_view::npos) break;
      size_t end = line.find(' ', pos);
      if (field == 1) perms = line.substr(pos, end == std::string_view::npos ? end : end - pos);
      pos = end;
      if (pos == std::string_view::npos) break;
    }
    if (pos == std::string_view::npos || perms.size() < 3 || perms[2] != 'x') continue;
    pos = line.find_first_not_of(' ', pos);
    if (pos == std::string_view::npos || line[pos] != '/') continue;  // anonymous, [vdso], [stack], ...
    files.emplace(line.substr(pos));
  }
  return files;
}

void AddExecutableMappings(pid_t tid, std::set<std::string>& into) {
  std::set<std::string> files = ParseExecutableMappings(ReadMaps(tid));
  into.insert(files.begin(), files.end());
}

}  // namespace profilegen::tracer
