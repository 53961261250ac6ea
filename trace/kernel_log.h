#pragma once
/// Where `profilegen learn` gets its lines: a log file (dmesg or journalctl output, audit.log), stdin, or the
/// kernel's ring buffer itself (/dev/kmsg), and whether the kernel logs SECCOMP_RET_LOG at all.
#include <optional>
#include <string>
#include <vector>

namespace profilegen::trace {

inline constexpr const char* kKernelLogDevice = "/dev/kmsg";

/// The lines of `path` ("-": stdin; kKernelLogDevice: every record the ring buffer still holds, read without
/// waiting for new ones). Throws Error (exit 2) naming the file when it cannot be read.
std::vector<std::string> ReadLogLines(const std::string& path);

/// Why the kernel would not log SECCOMP_RET_LOG calls ("log" missing from
/// /proc/sys/kernel/seccomp/actions_logged), or nullopt when it does or the file cannot be read.
std::optional<std::string> SeccompLogProblem();

}  // namespace profilegen::trace
