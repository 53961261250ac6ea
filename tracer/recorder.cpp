#include "tracer/recorder.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "base/error.h"
#include "base/fd.h"
#include "tracer/decode.h"
#include "tracer/filter.h"
#include "tracer/process.h"
#include "tracer/wait_status.h"

extern char** environ;

namespace profilegen::tracer {
namespace {

constexpr long kTraceOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                               PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;

// Written by the signal handler, read by the loop.
volatile sig_atomic_t g_forward_pid = 0;
volatile sig_atomic_t g_pending_signal = 0;

void ForwardingHandler(int sig, siginfo_t* info, void*) {
  // A terminal's ^C reaches the whole foreground process group, the command included (si_code SI_KERNEL):
  // forwarding it again would deliver it twice. Signals sent with kill() (si_code <= 0) are forwarded.
  if (info != nullptr && info->si_code > 0) return;
  g_pending_signal = sig;
  if (g_forward_pid > 0) ::kill(g_forward_pid, sig);
}

/// Installs the forwarding handlers for the recorder's lifetime and restores the old ones after.
class SignalForwarder {
 public:
  explicit SignalForwarder(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    struct sigaction sa {};
    sa.sa_sigaction = ForwardingHandler;
    sa.sa_flags = SA_SIGINFO;  // no SA_RESTART: waitpid returns EINTR so the loop notices
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &sa, &old_[i]);
  }
  ~SignalForwarder() {
    g_forward_pid = 0;
    if (!enabled_) return;
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &old_[i], nullptr);
  }
  SignalForwarder(const SignalForwarder&) = delete;
  SignalForwarder& operator=(const SignalForwarder&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};
  bool enabled_;
  struct sigaction old_[3] {};
};

struct ChildPlan {
  std::string path;
  std::vector<std::string> argv;
  const std::vector<sock_filter>* filter = nullptr;  // null: no seccomp (PTRACE_SYSCALL mode)
  bool set_no_new_privs = false;
};

/// What the child reports through its CLOEXEC pipe when it cannot get to the command.
struct ChildFailure {
  int stage;  // 1: seccomp filter, 2: execve
  int err;
};

[[noreturn]] void RunChild(const ChildPlan& plan, char* const* argv, int go_fd, int err_fd) {
  // Between fork and exec: async-signal-safe calls only, never throw.
  char byte;
  ssize_t n;
  do {
    n = ::read(go_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(kExitInternal);  // the recorder died before attaching
  ::close(go_fd);
  if (plan.filter != nullptr) {
    if (plan.set_no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
      ChildFailure f{1, errno};
      (void)!::write(err_fd, &f, sizeof f);
      ::_exit(kExitInternal);
    }
    sock_fprog prog{static_cast<unsigned short>(plan.filter->size()), const_cast<sock_filter*>(plan.filter->data())};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
      ChildFailure f{1, errno};
      (void)!::write(err_fd, &f, sizeof f);
      ::_exit(kExitInternal);
    }
  }
  ::execve(plan.path.c_str(), argv, environ);
  ChildFailure f{2, errno};
  (void)!::write(err_fd, &f, sizeof f);
  ::_exit(f.err == ENOENT ? kExitNotFound : kExitNotExecutable);
}

class Recorder {
 public:
  explicit Recorder(const RecordOptions& options) : options_(options) {}

  RecordResult Run();

 private:
  struct Task {
    bool pre_exec = false;  // the spawned child before its execve: its own syscalls are not recorded
    bool at_entry = false;  // syscall mode: the current syscall was recorded at its entry stop
  };

  pid_t Spawn();
  void Attach();
  void Loop();
  void HandleStop(pid_t pid, WaitStatus ws);
  void OnSyscall(pid_t pid, bool syscall_mode);
  void Resume(pid_t pid, int sig);
  const trace::SyscallRecord& RecordSyscall(pid_t pid, sys::ArchToken arch, int64_t nr, const uint64_t* args);
  void OnOwnFilter(const std::string& name, const uint64_t* args);
  void ForwardPendingSignal();
  void Detach();
  trace::Trace BuildTrace();

  const RecordOptions& options_;
  bool syscall_mode_ = false;  // PTRACE_SYSCALL (two stops) instead of seccomp (one stop)
  pid_t main_pid_ = 0;
  std::string main_path_;  // the command as found in PATH
  std::string exe_path_;   // the same, absolute and without symlinks, for provenance
  std::unordered_map<pid_t, Task> tasks_;
  std::set<pid_t> seen_tasks_;
  std::unordered_map<uint64_t, trace::SyscallRecord> records_;
  trace::ExitStatus exit_;
  int exit_code_ = 0;
  bool main_exited_ = false;
  int forwarded_signal_ = 0;  // the last signal sent on to the command while it ran
  bool detaching_ = false;
  std::string started_;
};

void Recorder::Resume(pid_t pid, int sig) {
  long req = syscall_mode_ ? PTRACE_SYSCALL : PTRACE_CONT;
  // ESRCH: the task died meanwhile (e.g. killed by another thread's exit_group); its exit is still reported.
  ::ptrace(static_cast<__ptrace_request>(req), pid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
}

pid_t Recorder::Spawn() {
  main_path_ = FindExecutable(options_.command.front());
  if (char* real = ::realpath(main_path_.c_str(), nullptr)) {  // provenance names the file, wherever record ran
    exe_path_ = real;
    std::free(real);
  } else {
    exe_path_ = main_path_;
  }
  std::vector<sock_filter> filter;
  if (options_.filter) {
    filter = *options_.filter;
  } else if (!options_.known.empty()) {
    filter = TraceUnknownFilter(options_.known);
  } else {
    filter = TraceEverythingFilter();
  }
  syscall_mode_ = options_.no_seccomp || !SeccompFilterAvailable();
  if (syscall_mode_ && options_.filter) {
    throw Error("this kernel cannot install seccomp filters here, so the profile cannot be enforced", kExitInternal);
  }

  ChildPlan plan;
  plan.path = main_path_;
  plan.argv = options_.command;
  plan.filter = syscall_mode_ ? nullptr : &filter;
  // As root (CAP_SYS_ADMIN) the filter needs no no_new_privs, so setuid programs keep working.
  plan.set_no_new_privs = !HasCapSysAdmin();
  std::vector<char*> argv;
  for (const std::string& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int go[2], err[2];
  if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw SystemError("pipe", errno);
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(err[0]), err_write(err[1]);

  if (options_.placement == Placement::kSameCpu) {
    // Tracer and tracees share the CPU the recorder runs on: a ptrace round trip then needs no cross-CPU
    // wakeup, which in a VM costs more than the syscall itself. The tracee inherits the mask.
    int cpu = ::sched_getcpu();
    if (cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      ::sched_setaffinity(0, sizeof set, &set);
    }
  }

  pid_t pid = ::fork();
  if (pid < 0) throw SystemError("fork", errno);
  if (pid == 0) RunChild(plan, argv.data(), go_read.get(), err_write.get());
  go_read.reset();
  err_write.reset();

  long opts = kTraceOptions | PTRACE_O_EXITKILL | (syscall_mode_ ? 0 : PTRACE_O_TRACESECCOMP);
  if (::ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(opts)) != 0) {
    int e = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw SystemError("cannot trace the command (ptrace PTRACE_SEIZE)", e);
  }
  if (syscall_mode_) {
    // PTRACE_SYSCALL needs a stopped tracee: interrupt it (it waits on the pipe) and resume from that stop.
    ::ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr);
    int status;
    while (::waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
    Resume(pid, 0);
  }
  main_pid_ = pid;
  tasks_[pid].pre_exec = true;
  seen_tasks_.insert(pid);
  char byte = 1;
  if (::write(go_write.get(), &byte, 1) != 1) throw SystemError("starting the command", errno);
  go_write.reset();

  g_forward_pid = pid;
  Loop();

  ChildFailure failure{};
  if (::read(err_read.get(), &failure, sizeof failure) == static_cast<ssize_t>(sizeof failure)) {
    if (failure.stage == 1) {
      throw SystemError("cannot install the seccomp filter in the command's process", failure.err, kExitInternal);
    }
    throw Error("cannot execute " + main_path_ + ": " + std::strerror(failure.err) +
                    ExecFailureHint(main_path_, failure.err),
                failure.err == ENOENT ? kExitNotFound : kExitNotExecutable);
  }
  return pid;
}

void Recorder::Loop() {
  while (!tasks_.empty()) {
    if (g_pending_signal) ForwardPendingSignal();
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      throw SystemError("waitpid", errno);
    }
    HandleStop(pid, WaitStatus(status));
  }
}

void Recorder::ForwardPendingSignal() {
  int sig = g_pending_signal;
  g_pending_signal = 0;
  if (options_.attach_pid) {
    detaching_ = true;
    Detach();
    return;
  }
  if (!main_exited_) {  // the handler already sent it to the command
    forwarded_signal_ = sig;
    return;
  }
  // The command is gone but its descendants are still running: they get the signal instead.
  for (const auto& [tid, task] : tasks_) ::kill(tid, sig);
}

void Recorder::HandleStop(pid_t pid, WaitStatus ws) {
  if (tasks_.find(pid) == tasks_.end() && ws.kind() != WaitStatus::Kind::kExited &&
      ws.kind() != WaitStatus::Kind::kKilled) {
    // A new child can report its first stop before its parent reports the clone event.
    tasks_[pid];
    seen_tasks_.insert(pid);
  }
  switch (ws.kind()) {
    case WaitStatus::Kind::kExited:
    case WaitStatus::Kind::kKilled:
      if (pid == main_pid_ && !main_exited_) {
        main_exited_ = true;
        if (ws.kind() == WaitStatus::Kind::kExited) {
          exit_.code = ws.exit_code();
          exit_code_ = ws.exit_code();
        } else {
          exit_.signal = SignalName(ws.term_signal());
          exit_code_ = 128 + ws.term_signal();
        }
        g_forward_pid = 0;
        tasks_.erase(pid);
        // Stopped with a signal, the command ended but left descendants (workers, a daemon): they get the
        // same signal, or the recording would go on without an end and no trace would be written.
        if (forwarded_signal_ != 0) {
          for (const auto& [tid, task] : tasks_) ::kill(tid, forwarded_signal_);
        }
        return;
      }
      tasks_.erase(pid);
      return;
    case WaitStatus::Kind::kPtraceEvent:
      switch (ws.event()) {
        case PTRACE_EVENT_SECCOMP:
          OnSyscall(pid, false);
          break;
        case PTRACE_EVENT_CLONE:
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK: {
          unsigned long child = 0;
          if (::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &child) == 0 && child != 0) {
            tasks_[static_cast<pid_t>(child)];
            seen_tasks_.insert(static_cast<pid_t>(child));
          }
          break;
        }
        case PTRACE_EVENT_EXEC: {
          // After an exec from a non-leader thread the thread takes the leader's tid; the old tid is gone
          // without an exit report.
          unsigned long former = 0;
          if (::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former) == 0 && static_cast<pid_t>(former) != pid) {
            tasks_.erase(static_cast<pid_t>(former));
          }
          tasks_[pid].pre_exec = false;
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
      ::ptrace(PTRACE_LISTEN, pid, nullptr, nullptr);
      return;
    case WaitStatus::Kind::kEventStop:
      Resume(pid, 0);
      return;
    case WaitStatus::Kind::kSignalStop:
      Resume(pid, ws.stop_signal());
      return;
  }
}

void Recorder::OnSyscall(pid_t pid, bool syscall_mode) {
  __ptrace_syscall_info info{};
  long size = ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, reinterpret_cast<void*>(sizeof info), &info);
  if (size <= 0) return;  // the task is gone (ESRCH)
  auto task = tasks_.find(pid);
  bool* at_entry = task != tasks_.end() ? &task->second.at_entry : nullptr;
  int64_t nr;
  const uint64_t* args;
  if (syscall_mode) {
    if (info.op != PTRACE_SYSCALL_INFO_ENTRY) {  // exit stops carry nothing new
      if (at_entry) *at_entry = false;
      return;
    }
    if (at_entry) *at_entry = true;
    nr = static_cast<int64_t>(info.entry.nr);
    args = info.entry.args;
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
  if (task != tasks_.end() && task->second.pre_exec) {
    // The child's own set-up is not the command's: record from its execve on.
    std::optional<std::string> name = sys::NameOf(info.arch, nr);  // (execve never has the x32 bit here)
    if (!name || (*name != "execve" && *name != "execveat")) return;
  }
  auto [arch, number] = DecodeSyscall(info.arch, static_cast<uint64_t>(nr));
  const trace::SyscallRecord& rec = RecordSyscall(pid, arch, number, args);
  if (!syscall_mode_ && rec.name) OnOwnFilter(*rec.name, args);
}

void Recorder::OnOwnFilter(const std::string& name, const uint64_t* args) {
  // The command installs a seccomp filter of its own. Where it returns ERRNO, TRAP, KILL or USER_NOTIF, that
  // takes precedence over our SECCOMP_RET_TRACE and the call would never stop here, though the program made
  // it (and under a profile whose default action kills, it would matter). From now on every task also stops
  // at syscall entry (PTRACE_SYSCALL), which comes before seccomp; a seccomp stop that follows an entry stop
  // is not counted twice. Not in `run --complain`, whose own filter decides what is recorded.
  if (options_.filter) return;
  bool installs = (name == "seccomp" && args[0] == SECCOMP_SET_MODE_FILTER) ||
                  (name == "prctl" && args[0] == PR_SET_SECCOMP && args[1] == SECCOMP_MODE_FILTER);
  if (installs) syscall_mode_ = true;
}

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
    auto task = tasks_.find(pid);
    // The spawned child's execve is made from profilegen's image: name the command it starts instead.
    rec.first.exe = (task != tasks_.end() && task->second.pre_exec) ? exe_path_ : ExePath(pid);
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
  t.tasks = seen_tasks_.size();
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
  SignalForwarder forwarder(options_.forward_signals);
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

void Recorder::Attach() {
  pid_t pid = options_.attach_pid;
  syscall_mode_ = true;  // a running process cannot be given a filter: two stops per syscall
  main_pid_ = pid;
  main_path_ = ExePath(pid);
  exe_path_ = main_path_;
  std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  if (!std::filesystem::exists(task_dir, ec)) throw Error("no process with pid " + std::to_string(pid), kExitUsage);
  // Threads can be created while we attach: repeat until a pass finds nothing new.
  for (bool found = true; found;) {
    found = false;
    for (const auto& entry : std::filesystem::directory_iterator(task_dir, ec)) {
      pid_t tid = static_cast<pid_t>(std::strtol(entry.path().filename().c_str(), nullptr, 10));
      if (tid <= 0 || tasks_.count(tid)) continue;
      if (::ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(kTraceOptions)) != 0) {
        if (errno == ESRCH) continue;
        throw SystemError("cannot attach to pid " + std::to_string(tid), errno, kExitInternal);
      }
      ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
      tasks_[tid];
      seen_tasks_.insert(tid);
      found = true;
    }
  }
  // Each task reports a PTRACE_EVENT_STOP for the interrupt; the loop resumes it with PTRACE_SYSCALL.
}

void Recorder::Detach() {
  // A task can only be detached while stopped: interrupt all, detach each as its stop arrives.
  for (const auto& [tid, task] : tasks_) ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  while (!tasks_.empty()) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    WaitStatus ws(status);
    if (ws.kind() == WaitStatus::Kind::kExited || ws.kind() == WaitStatus::Kind::kKilled) {
      tasks_.erase(pid);
      continue;
    }
    if (!tasks_.count(pid)) {
      // A child born during detaching is traced automatically: detach it too.
      ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
      continue;
    }
    if (ws.kind() == WaitStatus::Kind::kSyscallStop || ws.kind() == WaitStatus::Kind::kPtraceEvent) {
      // Not the interrupt's stop yet; a syscall stop can be detached from too.
    }
    int sig = ws.kind() == WaitStatus::Kind::kSignalStop ? ws.stop_signal() : 0;
    ::ptrace(PTRACE_DETACH, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
    tasks_.erase(pid);
  }
}

}  // namespace

RecordResult Record(const RecordOptions& options) {
  if (options.command.empty() && options.attach_pid == 0) throw Error("no command given (profilegen record -- CMD)");
  Recorder recorder(options);
  return recorder.Run();
}

}  // namespace profilegen::tracer
