// The recorder's event loop: what each tracee stop, exit and signal to record means, and the trace it builds.
#include "tracer/recorder.h"

#include <signal.h>
#include <sys/ptrace.h>

#include <cerrno>

#include "base/error.h"
#include "base/forwarded_signals.h"
#include "tracer/decode.h"
#include "tracer/mappings.h"
#include "tracer/process.h"
#include "tracer/recorder_impl.h"

namespace profilegen::tracer {

bool PtraceOk(long result, const char* request, pid_t tid) {
  if (result != -1) return true;
  if (errno == ESRCH) return false;
  throw SystemError(std::string("ptrace ") + request + " on task " + std::to_string(tid) + " failed", errno,
                    kExitInternal);
}

std::vector<int> TakenSignals(const RecordOptions& options) {
  if (!options.forward_signals) return {};
  if (options.attach_pid) return {SIGINT, SIGTERM, SIGHUP};
  return {kForwardedSignals.begin(), kForwardedSignals.end()};
}

void Recorder::Resume(pid_t pid, int sig) {
  bool syscall = syscall_mode_;
  long rc = ::ptrace(syscall ? PTRACE_SYSCALL : PTRACE_CONT, pid, nullptr,
                     reinterpret_cast<void*>(static_cast<long>(sig)));
  PtraceOk(rc, syscall ? "PTRACE_SYSCALL" : "PTRACE_CONT", pid);
  if (Task* task = tasks_.Live(pid)) task->state = TaskState::kRunning;
}

void Recorder::Loop() {
  while (tasks_.HasLive()) {
    Event event = waiter_.Next();
    switch (event.kind) {
      case Event::Kind::kNoChildren:
        return;
      case Event::Kind::kSignal:
        OnSignal(event.signal, event.si_code);
        if (detach_requested_) return;
        break;
      case Event::Kind::kChild:
        HandleStop(event.pid, WaitStatus(event.status));
        break;
    }
  }
}

void Recorder::OnSignal(int sig, int si_code) {
  if (options_.attach_pid) {
    // Any of them, from kill() or from the terminal (^C and hangup come with SI_KERNEL), ends the recording:
    // let the process go and write the trace.
    detach_requested_ = true;
    Detach();
    return;
  }
  // A terminal's ^C or hangup reaches the whole foreground process group, the command included (si_code
  // SI_KERNEL): forwarding it would deliver it twice. Signals sent with kill() (si_code <= 0) are forwarded.
  if (si_code > 0) return;
  // Only a signal meant to stop the command is passed on to what it leaves behind when it exits.
  const bool stop = sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT;
  if (!main_exited_) {
    ::kill(main_pid_, sig);  // not reaped yet, so this pid is still the command's
    if (stop) forwarded_signal_ = sig;
    return;
  }
  // The command is gone but its descendants are still running: they get the signal instead.
  SignalAllLive(sig);
}

void Recorder::SignalAllLive(int sig) {
  // Only tasks not yet reaped: their pids cannot have been reused by anyone else.
  for (pid_t tid : tasks_.LiveTids()) ::kill(tid, sig);
}

void Recorder::OnExit(pid_t pid, WaitStatus ws) {
  tasks_.OnGone(pid);
  if (pid != main_pid_ || main_exited_) return;
  main_exited_ = true;
  if (ws.kind() == WaitStatus::Kind::kExited) {
    exit_.code = ws.exit_code();
    exit_code_ = ws.exit_code();
  } else {
    exit_.signal = SignalName(ws.term_signal());
    exit_code_ = 128 + ws.term_signal();
  }
  // Stopped with a signal, the command ended but left descendants (workers, a daemon): they get the same
  // signal, or the recording would go on without an end and no trace would be written.
  if (forwarded_signal_ != 0) SignalAllLive(forwarded_signal_);
}

void Recorder::HandleStop(pid_t pid, WaitStatus ws) {
  SwitchReached(pid);  // (before resuming: it goes on in syscall mode from here, if that began)
  if (ws.kind() == WaitStatus::Kind::kExited || ws.kind() == WaitStatus::Kind::kKilled) {
    OnExit(pid, ws);
    return;
  }
  Task& task = tasks_.OnStop(pid);
  task.in_vfork = false;  // (any stop of a vfork parent comes after its wait)
  switch (ws.kind()) {
    case WaitStatus::Kind::kExited:
    case WaitStatus::Kind::kKilled:
      return;  // handled above
    case WaitStatus::Kind::kPtraceEvent:
      switch (ws.event()) {
        case PTRACE_EVENT_SECCOMP:
          OnSyscall(pid, false);
          if (pid == switch_held_) return;  // installing its filter: resumed when the others are in syscall mode
          break;
        case PTRACE_EVENT_CLONE:
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK: {
          unsigned long child = 0;
          if (PtraceOk(::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &child), "PTRACE_GETEVENTMSG", pid) && child != 0) {
            // (not re-added if it already came and went)
            if (Task* created = tasks_.OnCreated(static_cast<pid_t>(child))) {
              created->leader = ws.event() != PTRACE_EVENT_CLONE;
            }
          }
          task.in_vfork = ws.event() == PTRACE_EVENT_VFORK;
          break;
        }
        case PTRACE_EVENT_EXEC: {
          // After an exec from a non-leader thread the thread takes the leader's tid; the old tid is gone
          // without an exit report.
          unsigned long former = 0;
          if (PtraceOk(::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former), "PTRACE_GETEVENTMSG", pid) &&
              static_cast<pid_t>(former) != pid) {
            tasks_.OnGone(static_cast<pid_t>(former));
          }
          task.pre_exec = false;
          task.leader = true;  // (a non-leader that exec'ed has become its process's leader)
          break;
        }
        default:
          break;
      }
      Resume(pid, 0);
      return;
    case WaitStatus::Kind::kSyscallStop:
      OnSyscall(pid, true);
      Resume(pid, 0);
      return;
    case WaitStatus::Kind::kGroupStop:
      // Stay stopped as the signal asked, but let ptrace report the SIGCONT that ends the stop.
      PtraceOk(::ptrace(PTRACE_LISTEN, pid, nullptr, nullptr), "PTRACE_LISTEN", pid);
      task.state = TaskState::kGroupStopped;
      return;
    case WaitStatus::Kind::kEventStop:
      if (task.interrupted) NoteInterruptedSyscall(pid, task);
      Resume(pid, 0);
      return;
    case WaitStatus::Kind::kSignalStop:
      // A signal that kills the process ends it without a syscall: look at its mappings while they are there.
      if (KillsByDefault(ws.stop_signal()) && !task.pre_exec) NoteMappings(pid);
      Resume(pid, ws.stop_signal());
      return;
  }
}

void Recorder::OnSyscall(pid_t pid, bool syscall_mode) {
  __ptrace_syscall_info info{};
  long size = ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, reinterpret_cast<void*>(sizeof info), &info);
  if (!PtraceOk(size, "PTRACE_GET_SYSCALL_INFO", pid)) return;  // the task is gone
  Task* task = tasks_.Live(pid);
  bool* at_entry = task != nullptr ? &task->at_entry : nullptr;
  int64_t nr;
  const uint64_t* args;
  if (syscall_mode) {
    if (task != nullptr && task->interrupted) NoteInterruptedSyscall(pid, *task);
    if (info.op != PTRACE_SYSCALL_INFO_ENTRY) {  // exit stops carry nothing new
      if (at_entry) *at_entry = false;
      return;
    }
    if (at_entry) *at_entry = true;
    nr = static_cast<int64_t>(info.entry.nr);
    args = info.entry.args;
    if (task != nullptr && task->reentry_nr >= 0) {
      // The call our interrupt cut short, made again by the kernel (or restart_syscall on its behalf).
      bool again = nr == task->reentry_nr || sys::NameOf(info.arch, nr).value_or("") == "restart_syscall";
      task->reentry_nr = -1;
      if (again) return;
    }
  } else {
    if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) return;
    if (at_entry && *at_entry) {
      // Syscall mode after the command installed its own filter: this call was recorded at its entry stop.
      *at_entry = false;
      return;
    }
    nr = static_cast<int64_t>(info.seccomp.nr);
    args = info.seccomp.args;
  }
  if (task != nullptr && task->pre_exec) {
    // The child's own set-up is not the command's: record from its execve on.
    std::optional<std::string> name = sys::NameOf(info.arch, nr);  // (execve never has the x32 bit here)
    if (!name || (*name != "execve" && *name != "execveat")) return;
  }
  auto [arch, number] = DecodeSyscall(info.arch, static_cast<uint64_t>(nr));
  const trace::SyscallRecord& rec = RecordSyscall(pid, arch, number, args);
  if (task != nullptr && !task->pre_exec && rec.name && EndsMappings(*rec.name, task->leader)) NoteMappings(pid);
  if (!syscall_mode_ && rec.name) OnOwnFilter(pid, *rec.name, args);
}

// The files a process mapped executable (what it dlopen'd) are read at the last moments they are all there:
// at the entry of the syscall that ends them, and at a signal that kills the process (no syscall then). Never
// at every mmap, and not at each thread's exit: /proc/PID/maps grows with the threads (a stack each), so that
// made a 1,000-thread program 4.6 times slower to record.
bool Recorder::EndsMappings(const std::string& name, bool leader) {
  // execve replaces them; exit_group ends the process, from whichever thread (Go's often is not the main one);
  // exit ends a thread, and the process with it when that is the main thread and the last one (a main thread
  // that ends with exit while others go on is read then, not again when the last one ends).
  return name == "execve" || name == "execveat" || name == "exit_group" || (name == "exit" && leader);
}

void Recorder::NoteMappings(pid_t pid) { AddExecutableMappings(pid, mapped_); }

const trace::SyscallRecord& Recorder::RecordSyscall(pid_t pid, sys::ArchToken arch, int64_t nr,
                                                    const uint64_t* args) {
  uint64_t key = (static_cast<uint64_t>(arch) << 32) | static_cast<uint32_t>(nr);
  auto it = records_.find(key);
  if (it == records_.end()) {
    trace::SyscallRecord rec;
    rec.arch = arch;
    rec.nr = nr;
    rec.name = sys::NameOf(arch, nr);
    rec.first.pid = pid;
    Task* task = tasks_.Live(pid);
    // The spawned child's execve is made from profilegen's image: name the command it starts instead.
    rec.first.exe = (task != nullptr && task->pre_exec) ? exe_path_ : ExePath(pid);
    if (rec.first.exe.empty()) rec.first.exe = exe_path_;
    it = records_.emplace(key, std::move(rec)).first;
  }
  trace::SyscallRecord& rec = it->second;
  ++rec.count;
  if (rec.name) {
    for (int idx : trace::CapturedArgs(*rec.name)) rec.args[idx].Add(args[idx]);
  }
  return rec;
}

trace::Trace Recorder::BuildTrace() {
  trace::Trace t;
  t.command = options_.command;
  if (options_.attach_pid) t.command = {"--pid", std::to_string(options_.attach_pid)};
  t.started = started_;
  t.kernel = KernelRelease();
  t.host_arch = sys::HostArch();
  t.exit = exit_;
  t.tasks = tasks_.seen();
  t.mapped = mapped_;
  for (auto& [key, rec] : records_) t.syscalls.emplace(trace::SyscallKey{rec.arch, rec.nr}, std::move(rec));
  // --known: entries the filter let through unseen are carried over as they were.
  for (const trace::Trace& known : options_.known) {
    for (const auto& [key, rec] : known.syscalls) {
      auto [it, inserted] = t.syscalls.emplace(key, rec);
      if (inserted) it->second.runs = 1;
    }
  }
  return t;
}

RecordResult Recorder::Run() {
  started_ = NowUtc();
  if (options_.attach_pid) {
    Attach();
    Loop();
    exit_code_ = main_exited_ ? exit_code_ : 0;
  } else {
    Spawn();
  }
  RecordResult result;
  result.trace = BuildTrace();
  result.exit_code = exit_code_;
  return result;
}

RecordResult Record(const RecordOptions& options) {
  if (options.command.empty() && options.attach_pid == 0) throw Error("no command given (profilegen record -- CMD)");
  Recorder recorder(options);
  return recorder.Run();
}

}  // namespace profilegen::tracer
