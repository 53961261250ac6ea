// Recorder::Attach and Detach: `record --pid`, taking a running process and all its threads, and letting go.
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"
#include "tracer/process.h"
#include "tracer/recorder_impl.h"

namespace profilegen::tracer {
namespace {

constexpr long kAttachOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                                PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;

/// Why PTRACE_SEIZE of `tid` gave EPERM, from /proc/TID/status.
enum class Refusal {
  kOurs,     ///< already traced by us: auto-attached as a new thread of a task we seized a moment ago
  kGone,     ///< exiting or exited meanwhile (a dying task cannot be attached either)
  kRefused,  ///< traced by someone else, or not ours to trace: a real error
};

Refusal WhyRefused(pid_t tid) {
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  if (!status) return Refusal::kGone;
  std::string line;
  char state = '?';
  int tracer = -1;
  while (std::getline(status, line)) {
    if (line.rfind("State:", 0) == 0) {
      size_t at = line.find_first_not_of(" \t", 6);
      if (at != std::string::npos) state = line[at];
    }
    if (line.rfind("TracerPid:", 0) == 0) tracer = std::atoi(line.c_str() + 10);
  }
  if (tracer == ::getpid()) return Refusal::kOurs;
  if (tracer == -1 || state == 'Z' || state == 'X') return Refusal::kGone;
  return Refusal::kRefused;
}

}  // namespace

void Recorder::Attach() {
  pid_t pid = options_.attach_pid;
  syscall_mode_ = true;  // a running process cannot be given a filter: two stops per syscall
  main_pid_ = pid;
  main_path_ = ExePath(pid);
  exe_path_ = main_path_;
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  if (!std::filesystem::exists(task_dir, ec)) throw Error("no process with pid " + std::to_string(pid), kExitUsage);
  // Threads can be created while we attach: repeat until a pass finds nothing new. A thread that ended between
  // the listing and our seize counts as new: it may have started a successor first (a relay of short-lived
  // threads: under load every one listed can be gone by then, and a pass that stopped there left the process's
  // threads unrecorded). The passes are bounded so that no process can keep record attaching forever.
  constexpr int kMaxPasses = 1000;
  int passes = 0;
  for (bool found = true; found && passes < kMaxPasses; ++passes) {
    found = false;
    for (const auto& entry : std::filesystem::directory_iterator(task_dir, ec)) {
      pid_t tid = static_cast<pid_t>(std::strtol(entry.path().filename().c_str(), nullptr, 10));
      if (tid <= 0 || tasks_.Live(tid)) continue;
      if (::ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(kAttachOptions)) != 0) {
        int e = errno;
        Refusal why = e == ESRCH ? Refusal::kGone : e == EPERM ? WhyRefused(tid) : Refusal::kRefused;
        if (why == Refusal::kGone) {
          found = found || tid != pid;  // (a main thread that ended before the others stays listed as a zombie)
          continue;
        }
        if (why == Refusal::kOurs) {
          // A thread created by one we seized a moment ago is already ours (PTRACE_O_TRACECLONE): seizing it
          // again gives EPERM. Its first stop and its creator's clone event are on the way.
          tasks_.AddOwn(tid, TaskState::kNew, /*announced=*/false);
          found = true;
          continue;
        }
        throw SystemError("cannot attach to pid " + std::to_string(tid) + " (ptrace PTRACE_SEIZE)", e, kExitInternal);
      }
      found = true;
      tasks_.AddOwn(tid, TaskState::kNew).leader = tid == pid;
      // Each task reports a PTRACE_EVENT_STOP for the interrupt; the loop resumes it with PTRACE_SYSCALL.
      PtraceOk(::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr), "PTRACE_INTERRUPT", tid);
    }
    if (ec) throw SystemError("cannot list " + task_dir, ec.value(), kExitInternal);
  }
}

void Recorder::Detach() {
  // A task can only be detached while stopped: interrupt every live one, detach each as its stop arrives.
  // Signals for record stay blocked meanwhile: a second ^C changes nothing.
  for (pid_t tid : tasks_.LiveTids()) {
    PtraceOk(::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr), "PTRACE_INTERRUPT", tid);
  }
  while (tasks_.HasLive()) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      throw SystemError("waitpid", errno);
    }
    WaitStatus ws(status);
    if (ws.kind() == WaitStatus::Kind::kExited || ws.kind() == WaitStatus::Kind::kKilled) {
      OnExit(pid, ws);
      continue;
    }
    tasks_.OnStop(pid);  // (a child born during detaching reports its first stop here: it is let go too)
    if (ws.kind() == WaitStatus::Kind::kPtraceEvent &&
        (ws.event() == PTRACE_EVENT_CLONE || ws.event() == PTRACE_EVENT_FORK || ws.event() == PTRACE_EVENT_VFORK)) {
      // Its new child is ours too: wait for its first stop and let it go as well.
      unsigned long child = 0;
      if (PtraceOk(::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &child), "PTRACE_GETEVENTMSG", pid) && child != 0) {
        tasks_.OnCreated(static_cast<pid_t>(child));
      }
    }
    NoteMappings(pid);  // what it has mapped so far: it goes on without us
    // A signal-delivery stop's signal goes on with the detach, or it would be lost.
    int sig = ws.kind() == WaitStatus::Kind::kSignalStop ? ws.stop_signal() : 0;
    PtraceOk(::ptrace(PTRACE_DETACH, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig))), "PTRACE_DETACH",
             pid);
    tasks_.OnGone(pid);
  }
}

}  // namespace profilegen::tracer
