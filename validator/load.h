#pragma once
/// Handing a compiled program to the kernel: in a forked child, never in profilegen itself.
#include <linux/filter.h>

#include <string>

#include "validator/bpf.h"

namespace profilegen::validator {

/// Installs `prog` in the calling process with seccomp(SECCOMP_SET_MODE_FILTER, flags). Async-signal-safe
/// (raw system calls only), for a forked child. First without no_new_privs, as a runtime running as root
/// does (setuid programs keep working); if the kernel insists (EACCES: no CAP_SYS_ADMIN), it sets
/// no_new_privs and tries again. Returns 0, or the errno the kernel answered.
int InstallFilter(const sock_fprog& prog, unsigned flags) noexcept;

struct LoadResult {
  bool accepted = false;
  int error = 0;       ///< errno of seccomp(2) when the kernel refused the program
  std::string detail;  ///< what the child saw after loading, or why it was refused, in words
};

/// Proves that the kernel accepts `program`: a forked child installs it and exits. Throws Error only for
/// profilegen's own failures (fork, pipe).
LoadResult TestLoad(const Program& program, unsigned flags);

}  // namespace profilegen::validator
