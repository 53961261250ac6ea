#pragma once
/// Go's syscall entry points that take the syscall number as their first argument (package syscall and
/// golang.org/x/sys/unix: Syscall, Syscall6, RawSyscall, ...). Under Go's register ABI (Go 1.18 and later on
/// amd64) that argument is in RAX, so a caller's constant there is the number; but the wrapper keeps it on the
/// stack across runtime.entersyscall, where the analysis cannot follow it. reach/analyse.cpp recognises these
/// functions by name (reach/go_pclntab.h) and checks their code before trusting the name.
#include <string_view>

namespace profilegen::reach {

/// Whether `name` (as Go's function table spells it) is one of those entry points.
bool IsGoSyscallEntry(std::string_view name);

}  // namespace profilegen::reach
