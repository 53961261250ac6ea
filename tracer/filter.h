#pragma once
/// The BPF programs the recorder installs in its child.
#include <linux/filter.h>

#include <vector>

#include "trace/trace.h"

namespace profilegen::tracer {

/// One instruction: SECCOMP_RET_TRACE for every syscall of every architecture.
std::vector<sock_filter> TraceEverythingFilter();

/// SECCOMP_RET_TRACE for everything except the syscalls in `known` (allowed without a stop), built with
/// libseccomp for the host arch and its sub-architectures. Syscalls whose arguments are captured stay traced,
/// and so do execve, execveat and exit_group (the recorder reads the process's mappings before they go).
std::vector<sock_filter> TraceUnknownFilter(const std::vector<trace::Trace>& known);

/// Whether this kernel can install a seccomp filter here (SECCOMP_MODE_FILTER supported and not blocked).
bool SeccompFilterAvailable();

}  // namespace profilegen::tracer
