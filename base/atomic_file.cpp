#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "base/fd.h"

namespace profilegen {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string DirName(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void WriteFileAtomically(const std::string& path, std::string_view content, int exit_code) {
  if (path == "-") {
    if (!WriteAll(STDOUT_FILENO, content)) throw SystemError("cannot write to stdout", errno, exit_code);
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device, FIFO or socket (-o /dev/null, -o /dev/stdout, a named pipe): renaming over it would replace
    // the node itself. Write to it directly; there is no half-written file to protect.
    if (S_ISDIR(st.st_mode)) throw Error("cannot write " + path + ": it is a directory", exit_code);
    UniqueFd out(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!out.valid()) throw SystemError("cannot write " + path, errno, exit_code);
    if (!WriteAll(out.get(), content)) throw SystemError("cannot write " + path, errno, exit_code);
    return;
  }
  // Through a symlink, replace the file it points to, not the link.
  std::string target = path;
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    target = real;
    std::free(real);
  }
  std::string tmp = target + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd.valid()) {
    throw SystemError("cannot write " + path + " (creating a temporary file in " + DirName(path) + ")", errno,
                      exit_code);
  }
  auto fail = [&](const char* step) {
    int err = errno;
    fd.reset();
    ::unlink(tmp.c_str());
    throw SystemError(std::string("cannot write ") + path + " (" + step + ")", err, exit_code);
  };
  // mkstemp creates 0600; outputs are ordinary files, readable like any other the user writes.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd.get(), 0666 & ~mask) != 0) fail("chmod");
  if (!WriteAll(fd.get(), content)) fail("write");
  if (::fsync(fd.get()) != 0) fail("fsync");
  if (::close(fd.release()) != 0) fail("close");
  if (::rename(tmp.c_str(), target.c_str()) != 0) fail("rename");
}

std::string ReadFile(const std::string& path, size_t max_bytes) {
  UniqueFd owned;
  int fd = STDIN_FILENO;
  if (path != "-") {
    owned.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!owned.valid()) throw SystemError("cannot read " + path, errno, kExitUsage);
    struct stat st {};
    if (::fstat(owned.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
      throw Error("cannot read " + path + ": it is a directory", kExitUsage);
    }
    fd = owned.get();
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("cannot read " + path, errno, kExitUsage);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      throw Error("cannot read " + path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB", kExitUsage);
    }
  }
  return out;
}

}  // namespace profilegen
