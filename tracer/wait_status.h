#pragma once
/// waitpid's status word as a type: what stopped or ended a traced task.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

namespace profilegen::tracer {

class WaitStatus {
 public:
  enum class Kind {
    kExited,       ///< WIFEXITED
    kKilled,       ///< WIFSIGNALED (core dump or not)
    kSignalStop,   ///< signal-delivery-stop: the signal must be injected on resume, or it is lost
    kGroupStop,    ///< PTRACE_EVENT_STOP with a stopping signal (SEIZE): resume with PTRACE_LISTEN, not CONT
    kEventStop,    ///< PTRACE_EVENT_STOP with SIGTRAP: an auto-attached child's first stop, or PTRACE_INTERRUPT
    kSyscallStop,  ///< SIGTRAP|0x80 (PTRACE_O_TRACESYSGOOD): entry or exit, PTRACE_SYSCALL mode only
    kPtraceEvent,  ///< PTRACE_EVENT_{SECCOMP,CLONE,FORK,VFORK,EXEC,...}: event() says which
  };

  explicit WaitStatus(int raw) : raw_(raw) {}

  Kind kind() const {
    if (WIFEXITED(raw_)) return Kind::kExited;
    if (WIFSIGNALED(raw_)) return Kind::kKilled;
    int sig = WSTOPSIG(raw_);
    int ev = event();
    if (ev == PTRACE_EVENT_STOP) {
      // Under SEIZE a group-stop is reported as PTRACE_EVENT_STOP carrying the stopping signal.
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) return Kind::kGroupStop;
      return Kind::kEventStop;
    }
    if (ev != 0) return Kind::kPtraceEvent;
    if (sig == (SIGTRAP | 0x80)) return Kind::kSyscallStop;
    return Kind::kSignalStop;
  }
  int exit_code() const { return WEXITSTATUS(raw_); }
  int term_signal() const { return WTERMSIG(raw_); }
  int stop_signal() const { return WSTOPSIG(raw_); }
  int event() const { return WIFSTOPPED(raw_) ? (raw_ >> 16) & 0xff : 0; }
  int raw() const { return raw_; }

 private:
  int raw_;
};

}  // namespace profilegen::tracer
