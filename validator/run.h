#pragma once
/// `profilegen run`: a command under a compiled filter, as the container runtime would enforce it.
#include <string>
#include <vector>

#include "validator/bpf.h"

namespace profilegen::validator {

/// The file execvp would run for `name` (a name with a slash is taken as it is, else PATH is searched;
/// PATH unset means /usr/local/bin:/usr/bin:/bin). Done before fork because the lookup allocates.
/// Throws Error: exit 127 when nothing is found, 126 when what is found cannot be executed.
std::string FindExecutable(const std::string& name);

struct RunRequest {
  std::vector<std::string> command;  ///< argv; argv[0] is looked up with FindExecutable
  Program program;                   ///< installed in the child right before execve
  unsigned flags = 0;                ///< SECCOMP_FILTER_FLAG_*
};

/// Runs the command with the filter installed: fork; in the child only async-signal-safe calls (restore the
/// signal mask, seccomp, execve); the parent forwards SIGINT, SIGTERM and SIGHUP and waits. Returns the
/// command's exit code, 128+N when a signal N killed it. Throws Error with exit code 126 or 127 when the
/// command could not be executed (the message says why, e.g. the profile denies execve), and 125 for
/// profilegen's own failures (including a filter the kernel refuses).
int RunWithFilter(const RunRequest& request);

/// The exit status as a shell reports it: the code, or 128+N for a signal N.
int ShellStatus(int wait_status);

}  // namespace profilegen::validator
