#pragma once
/// Facts about processes that the recorder needs: finding the command, naming executables and signals.
#include <sys/types.h>

#include <optional>
#include <string>

namespace profilegen::tracer {

/// Resolves argv[0] as execvp would. Throws Error with exit 127 (not found) or 126 (not executable).
std::string FindExecutable(const std::string& command);

/// /proc/PID/exe, or "" when the task is gone.
std::string ExePath(pid_t pid);

/// What to add to execve's error for `path`: for ENOEXEC on a 32-bit x86 ELF program, the likely cause (a kernel
/// that runs no i386 code, IA-32 emulation off, as on some machines) and how to tell; "" otherwise.
std::string ExecFailureHint(const std::string& path, int err);

/// "SIGSEGV" for 11; "SIG42" when there is no name.
std::string SignalName(int sig);

/// Whether `sig`'s default action ends the process (terminate or core dump), as signal(7) lists them: all but
/// SIGCHLD, SIGCONT, SIGURG, SIGWINCH and the stop signals.
bool KillsByDefault(int sig);

/// uname's release, "6.1.0".
std::string KernelRelease();

/// Now, as RFC 3339 UTC ("2026-11-27T21:00:00Z").
std::string NowUtc();

/// Whether this process has CAP_SYS_ADMIN in its effective set (then seccomp needs no no_new_privs).
bool HasCapSysAdmin();

}  // namespace profilegen::tracer
