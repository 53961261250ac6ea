#pragma once
/// Which files a traced process has mapped executable: its program, the dynamic loader, the libraries it needs
/// and the ones it dlopen'd (python's extension modules, NSS and gconv modules, server plugins). The recorder
/// reads them at the moments a process's mappings are about to go (execve, exit_group, a fatal signal), not at
/// every mmap.
#include <sys/types.h>

#include <set>
#include <string>
#include <string_view>

namespace profilegen::tracer {

/// The files named by executable mappings in /proc/PID/maps text: lines whose permissions hold 'x' and whose
/// name is a path. A file deleted since it was mapped keeps the kernel's " (deleted)" suffix.
std::set<std::string> ParseExecutableMappings(std::string_view maps);

/// Adds the executable mappings of task `tid` (any thread of the process) to `into`. A task that is gone adds
/// nothing.
void AddExecutableMappings(pid_t tid, std::set<std::string>& into);

}  // namespace profilegen::tracer
