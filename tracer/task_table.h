#pragma once
/// The recorder's tracees and where each one is in its life under ptrace.
#include <sys/types.h>

#include <cstddef>
#include <unordered_map>
#include <vector>

namespace profilegen::tracer {

/// One tracee's state. Transitions (the recorder makes them, this table only keeps them):
///   (clone event / attach) -> kNew -> first stop -> kStopped -> resume -> kRunning -> stop -> kStopped ...
///   kStopped -> PTRACE_LISTEN -> kGroupStopped -> stop (SIGCONT, interrupt) -> kStopped
///   any -> reaped by waitpid -> kExited (kept only until its creator's clone event, see below) or gone
enum class TaskState {
  kNew,           ///< known to be ours (its creator's clone event, or attached), its first stop not seen yet
  kStopped,       ///< in a ptrace stop: waits for us to resume, detach or listen
  kRunning,       ///< resumed by us; its next report is a stop or its exit
  kGroupStopped,  ///< stopped by SIGSTOP/SIGTSTP/...; left in PTRACE_LISTEN until SIGCONT or an interrupt
  kExited,        ///< reaped (its pid may already belong to another process): a tombstone, never signalled.
                  ///< Kept while its creator's clone event is still to come, so that event cannot re-add it.
};

struct Task {
  TaskState state = TaskState::kNew;
  bool announced = false;  ///< its creator's clone event was seen, or it was attached or spawned (none to come)
  bool pre_exec = false;   ///< the spawned child before its execve: its own syscalls are not recorded
  bool at_entry = false;   ///< syscall mode: the current syscall was recorded at its entry stop
  bool in_vfork = false;     ///< resumed from its PTRACE_EVENT_VFORK: waits until its child execs or exits
  bool interrupted = false;  ///< PTRACE_INTERRUPT sent when syscall mode began; its first trap is still to come
  /// The syscall that interrupt cut short (number at the entry stop): the kernel makes it again (ERESTART*), and
  /// that second entry is not a call of the program's (strace, never interrupting, sees one). -1: none.
  long long reentry_nr = -1;
  /// The process's main thread (spawned, attached, forked, or a thread that exec'ed): its exit ends the process
  /// unless other threads go on. A task from a clone event is taken for a thread.
  bool leader = false;
};

class TaskTable {
 public:
  /// A task we spawned or attached. `announced`: no clone event is to come for it (false for a thread that was
  /// already ours when we tried to attach it: its creator's event is still on the way).
  Task& AddOwn(pid_t tid, TaskState state, bool announced = true);
  /// The creator's PTRACE_EVENT_CLONE/FORK/VFORK named `tid`. Returns the task, or null when `tid` was already
  /// reaped (it ran and exited before its creator's event was collected): that tombstone is dropped.
  Task* OnCreated(pid_t tid);
  /// A stop reported by `tid`. A tid not known yet is a new child whose stop came before its creator's event.
  Task& OnStop(pid_t tid);
  /// `tid` was reaped (exit or fatal signal), or vanished (the old tid of a non-leader that exec'ed).
  void OnGone(pid_t tid);

  /// The task, if it is a live tracee (not reaped); null otherwise.
  Task* Live(pid_t tid);
  bool HasLive() const { return live_ > 0; }
  size_t live_count() const { return live_; }
  /// Tids of live tracees: the only pids the recorder may ever send a signal to.
  std::vector<pid_t> LiveTids() const;
  /// Every distinct tid that was ever a live tracee.
  size_t seen() const { return seen_; }

 private:
  std::unordered_map<pid_t, Task> tasks_;
  size_t live_ = 0;
  size_t seen_ = 0;
};

}  // namespace profilegen::tracer
