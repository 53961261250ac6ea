#include "reach/go_syscalls.h"

#include <algorithm>
#include <array>

namespace profilegen::reach {

bool IsGoSyscallEntry(std::string_view name) {
  // func NAME(trap, a1, a2, a3[, a4, a5, a6] uintptr) in Go's syscall package and x/sys/unix (which forwards
  // to it), from Go 1.18 to 1.24; the runtime's own raw syscalls use constant numbers and need no entry here.
  static constexpr std::array<std::string_view, 6> kFunctions = {
      "Syscall", "Syscall6", "RawSyscall", "RawSyscall6", "SyscallNoError", "RawSyscallNoError",
  };
  static constexpr std::array<std::string_view, 2> kPackages = {"syscall.", "golang.org/x/sys/unix."};
  for (std::string_view package : kPackages) {
    if (name.substr(0, package.size()) != package) continue;
    std::string_view function = name.substr(package.size());
    if (function == "rawSyscallNoError") return true;  // syscall's own spelling
    return std::find(kFunctions.begin(), kFunctions.end(), function) != kFunctions.end();
  }
  return false;
}

}  // namespace profilegen::reach
