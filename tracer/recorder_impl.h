#pragma once
/// The recorder's insides, shared by recorder.cpp (the event loop), spawn.cpp and attach.cpp. Not an interface.
#include <sys/types.h>

#include <set>
#include <string>
#include <unordered_map>

#include "tracer/event_wait.h"
#include "tracer/recorder.h"
#include "tracer/task_table.h"
#include "tracer/wait_status.h"

namespace profilegen::tracer {

/// Checks a ptrace call's result: true when it worked, false when the task is gone (ESRCH, an expected outcome:
/// e.g. killed by another thread's exit_group; its exit is still reported). Any other failure throws Error
/// (exit 125) naming the request and the task: a trace that silently misses syscalls is worse than none.
bool PtraceOk(long result, const char* request, pid_t tid);

class Recorder {
 public:
  explicit Recorder(const RecordOptions& options) : options_(options), waiter_(TakenSignals(options)) {}

  RecordResult Run();

 private:
  // spawn.cpp
  void Spawn();
  // attach.cpp
  void Attach();
  void Detach();
  // recorder.cpp
  void Loop();
  void OnSignal(int sig, int si_code);
  void SignalAllLive(int sig);
  void HandleStop(pid_t pid, WaitStatus ws);
  void OnExit(pid_t pid, WaitStatus ws);
  void OnSyscall(pid_t pid, bool syscall_mode);
  void Resume(pid_t pid, int sig);
  const trace::SyscallRecord& RecordSyscall(pid_t pid, sys::ArchToken arch, int64_t nr, const uint64_t* args);
  void OnOwnFilter(pid_t pid, const std::string& name, const uint64_t* args);
  void EnterSyscallMode(pid_t installer);
  void SwitchReached(pid_t tid);
  void NoteInterruptedSyscall(pid_t tid, Task& task);
  static bool EndsMappings(const std::string& name, bool leader);
  void NoteMappings(pid_t pid);
  trace::Trace BuildTrace();

  const RecordOptions& options_;
  EventWaiter waiter_;
  bool syscall_mode_ = false;  // PTRACE_SYSCALL (two stops) instead of seccomp (one stop)
  std::set<pid_t> switch_pending_;  // tasks that ran under PTRACE_CONT when syscall mode began, not stopped since
  pid_t switch_held_ = 0;           // the task installing its filter, kept stopped until switch_pending_ is empty
  pid_t main_pid_ = 0;
  std::string main_path_;  // the command as found in PATH
  std::string exe_path_;   // the same, absolute and without symlinks, for provenance
  TaskTable tasks_;
  std::unordered_map<uint64_t, trace::SyscallRecord> records_;
  trace::ExitStatus exit_;
  int exit_code_ = 0;
  bool main_exited_ = false;
  int forwarded_signal_ = 0;  // the last signal meant to stop the command sent on to it while it ran
  bool detach_requested_ = false;
  std::string started_;
  std::set<std::string> mapped_;  // files mapped executable, read before each process's mappings go
};

}  // namespace profilegen::tracer
