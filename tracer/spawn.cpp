// Recorder::Spawn: starts the command as a traced child, with the seccomp filter that makes it stop at syscalls.
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "base/fd.h"
#include "tracer/filter.h"
#include "tracer/process.h"
#include "tracer/recorder_impl.h"

extern char** environ;

namespace profilegen::tracer {
namespace {

constexpr long kSpawnOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                               PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

struct ChildPlan {
  std::string path;
  char* const* argv = nullptr;
  const std::vector<sock_filter>* filter = nullptr;  // null: no seccomp (PTRACE_SYSCALL mode)
  bool set_no_new_privs = false;
  const EventWaiter* waiter = nullptr;
};

/// What the child reports through its CLOEXEC pipe when it cannot get to the command.
struct ChildFailure {
  int stage;  // 1: seccomp filter, 2: execve
  int err;
};

[[noreturn]] void RunChild(const ChildPlan& plan, int go_fd, int err_fd) {
  // Between fork and exec: async-signal-safe calls only, never throw.
  char byte;
  ssize_t n;
  do {
    n = ::read(go_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(kExitInternal);  // the recorder died before attaching
  ::close(go_fd);
  plan.waiter->RestoreInChild();
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
  ::execve(plan.path.c_str(), plan.argv, environ);
  ChildFailure f{2, errno};
  (void)!::write(err_fd, &f, sizeof f);
  ::_exit(f.err == ENOENT ? kExitNotFound : kExitNotExecutable);
}

/// Placement::kSameCpu: pins the tracer to the CPU it runs on for the recording, and the command with it (it
/// inherits the mask); gives the tracer its old mask back after. A ptrace round trip between tasks on one CPU
/// needs no cross-CPU wakeup, but the command sees one CPU.
class SameCpuPin {
 public:
  explicit SameCpuPin(Placement placement) {
    if (placement != Placement::kSameCpu) return;
    if (::sched_getaffinity(0, sizeof original_, &original_) != 0) return;
    int cpu = ::sched_getcpu();
    if (cpu < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pinned_ = ::sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~SameCpuPin() {
    if (pinned_) ::sched_setaffinity(0, sizeof original_, &original_);
  }
  SameCpuPin(const SameCpuPin&) = delete;
  SameCpuPin& operator=(const SameCpuPin&) = delete;

 private:
  cpu_set_t original_{};
  bool pinned_ = false;
};

}  // namespace

void Recorder::Spawn() {
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

  std::vector<char*> argv;
  for (const std::string& a : options_.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  SameCpuPin pin(options_.placement);
  ChildPlan plan;
  plan.path = main_path_;
  plan.argv = argv.data();
  plan.filter = syscall_mode_ ? nullptr : &filter;
  // As root (CAP_SYS_ADMIN) the filter needs no no_new_privs, so setuid programs keep working.
  plan.set_no_new_privs = !HasCapSysAdmin();
  plan.waiter = &waiter_;

  int go[2], err[2];
  if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw SystemError("pipe", errno);
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(err[0]), err_write(err[1]);

  pid_t pid = ::fork();
  if (pid < 0) throw SystemError("fork", errno);
  if (pid == 0) RunChild(plan, go_read.get(), err_write.get());
  go_read.reset();
  err_write.reset();

  long opts = kSpawnOptions | (syscall_mode_ ? 0 : PTRACE_O_TRACESECCOMP);
  if (::ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(opts)) != 0) {
    int e = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw SystemError("cannot trace the command (ptrace PTRACE_SEIZE)", e);
  }
  main_pid_ = pid;
  Task& child = tasks_.AddOwn(pid, TaskState::kRunning);
  child.pre_exec = true;
  child.leader = true;
  if (syscall_mode_) {
    // PTRACE_SYSCALL needs a stopped tracee: interrupt it (it waits on the pipe) and resume from that stop.
    PtraceOk(::ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr), "PTRACE_INTERRUPT", pid);
    int status;
    while (::waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
    Resume(pid, 0);
  }
  char byte = 1;
  if (::write(go_write.get(), &byte, 1) != 1) throw SystemError("starting the command", errno);
  go_write.reset();

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
}

}  // namespace profilegen::tracer
