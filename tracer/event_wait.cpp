#include "tracer/event_wait.h"

#include <sys/wait.h>

#include <cerrno>
#include <ctime>
#include <utility>

#include "base/error.h"

namespace profilegen::tracer {
namespace {

// How often a pending signal is looked for while reports keep coming (one extra syscall per this many stops).
constexpr unsigned kSignalCheckEvery = 256;

}  // namespace

EventWaiter::EventWaiter(std::vector<int> taken) : taken_(std::move(taken)) {
  sigemptyset(&set_);
  sigaddset(&set_, SIGCHLD);
  for (int sig : taken_) sigaddset(&set_, sig);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGCHLD, &dfl, &old_chld_);
  ::sigprocmask(SIG_BLOCK, &set_, &old_mask_);
}

EventWaiter::~EventWaiter() {
  // SIGCHLDs still pending are of no use to anyone now.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  timespec zero{0, 0};
  while (::sigtimedwait(&chld, nullptr, &zero) > 0) {
  }
  // The taken signals stay blocked: the recording is over, and a second ^C must not kill profilegen while it
  // writes the trace (the process exits right after). A signal that came meanwhile stays pending.
  sigset_t mask = old_mask_;
  for (int sig : taken_) sigaddset(&mask, sig);
  ::sigprocmask(SIG_SETMASK, &mask, nullptr);
  ::sigaction(SIGCHLD, &old_chld_, nullptr);
}

void EventWaiter::RestoreInChild() const {
  ::sigaction(SIGCHLD, &old_chld_, nullptr);
  // The signals record forwards are the command's to act on, with their default action, as they were while
  // record caught them with a handler (exec resets caught signals), also where record was started with them
  // ignored (`record ... &` in a script).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig : taken_) ::sigaction(sig, &dfl, nullptr);
  ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

bool EventWaiter::TakeSignal(Event& event, bool block) {
  // A SIGCHLD is only a wake-up: the reports themselves come from waitpid. The timeout is a safety net for a
  // report whose SIGCHLD was merged with one already taken.
  timespec timeout{0, block ? 250'000'000 : 0};
  siginfo_t info{};
  int sig = ::sigtimedwait(&set_, &info, &timeout);
  if (sig < 0) {
    if (errno == EAGAIN || errno == EINTR) return false;
    throw SystemError("sigtimedwait", errno);
  }
  if (sig == SIGCHLD) return false;
  event.kind = Event::Kind::kSignal;
  event.signal = sig;
  event.si_code = info.si_code;
  return true;
}

Event EventWaiter::Next() {
  Event event;
  for (;;) {
    if (++since_signal_check_ >= kSignalCheckEvery) {
      since_signal_check_ = 0;
      if (TakeSignal(event, false)) return event;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL | WNOHANG);
    if (pid > 0) {
      event.kind = Event::Kind::kChild;
      event.pid = pid;
      event.status = status;
      return event;
    }
    if (pid < 0) {
      if (errno == ECHILD) {
        event.kind = Event::Kind::kNoChildren;
        return event;
      }
      if (errno != EINTR) throw SystemError("waitpid", errno);
      continue;
    }
    since_signal_check_ = 0;
    if (TakeSignal(event, true)) return event;
  }
}

}  // namespace profilegen::tracer
