#pragma once
/// One race-free wait for what the recorder reacts to: a tracee's stop or exit, or a signal sent to record.
#include <signal.h>
#include <sys/types.h>

#include <vector>

namespace profilegen::tracer {

struct Event {
  enum class Kind {
    kChild,       ///< waitpid reported `pid` with `status`
    kSignal,      ///< one of the signals record takes arrived: `signal`, with the sender's `si_code`
    kNoChildren,  ///< nothing left to wait for (ECHILD)
  };
  Kind kind = Kind::kNoChildren;
  pid_t pid = 0;
  int status = 0;
  int signal = 0;
  int si_code = 0;
};

/// For its lifetime SIGCHLD and the signals record takes are blocked in this process and taken only by Next():
/// a signal can no longer slip in between a check and a blocking waitpid, and an idle tracee that never stops
/// again cannot keep record from noticing it. SIGCHLD's disposition is the default meanwhile (with SIG_IGN the
/// kernel would not send it for ptrace stops). The old mask and action come back after, except that the taken
/// signals stay blocked: a late one must not kill profilegen before it has written the trace. Construct it
/// before forking the command, whose child must call RestoreInChild() before exec.
class EventWaiter {
 public:
  explicit EventWaiter(std::vector<int> taken);
  ~EventWaiter();
  EventWaiter(const EventWaiter&) = delete;
  EventWaiter& operator=(const EventWaiter&) = delete;

  /// The next event. Tracee reports come first while there are some; a pending signal is looked at at least
  /// every few hundred reports, and whenever there is no report, so a busy tracee cannot hide it.
  Event Next();
  /// Between fork and exec (async-signal-safe): gives the command the signal mask record was started with,
  /// and the signals record takes their default action.
  void RestoreInChild() const;

 private:
  bool TakeSignal(Event& event, bool block);

  std::vector<int> taken_;
  sigset_t set_{};
  sigset_t old_mask_{};
  struct sigaction old_chld_ {};
  unsigned since_signal_check_ = 0;
};

}  // namespace profilegen::tracer
