#include "engines/static_binary.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "base/error.h"
#include "base/fd.h"

namespace profilegen::engines {
namespace {

bool ReadAt(int fd, void* buf, size_t size, off_t offset) {
  return ::pread(fd, buf, size, offset) == static_cast<ssize_t>(size);
}

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw SystemError("cannot read /proc/self/exe", errno);
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

bool IsStaticElf(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw SystemError("cannot open " + path, errno);
  Elf64_Ehdr eh;
  if (!ReadAt(fd.get(), &eh, sizeof eh, 0) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64) {
    throw Error(path + " is not a 64-bit ELF executable", kExitInternal);
  }
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!ReadAt(fd.get(), &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * eh.e_phentsize))) {
      throw Error(path + ": truncated ELF program headers", kExitInternal);
    }
    if (ph.p_type == PT_INTERP) return false;
  }
  return true;
}

std::string FindStaticProfilegen(const std::string& explicit_path) {
  if (!explicit_path.empty()) {
    if (!IsStaticElf(explicit_path)) {
      throw Error("--static-binary " + explicit_path +
                      " is dynamically linked: it would not start in an image "
                      "without its libraries (build the profilegen-static target)",
                  kExitInternal);
    }
    return explicit_path;
  }
  std::string self = SelfPath();
  if (IsStaticElf(self)) return self;
  std::string sibling = self.substr(0, self.rfind('/') + 1) + "profilegen-static";
  if (::access(sibling.c_str(), X_OK) == 0 && IsStaticElf(sibling)) return sibling;
  throw Error("recording a container needs the static profilegen (" + sibling +
                  " is missing): build it with "
                  "`cmake --build build --target profilegen-static`, or give --static-binary PATH",
              kExitInternal);
}

}  // namespace profilegen::engines
