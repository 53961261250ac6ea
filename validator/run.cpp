#include "validator/run.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "base/forwarded_signals.h"
#include "base/fd.h"
#include "syscalls/syscalls.h"
#include "tracer/process.h"
#include "validator/load.h"

extern char** environ;

namespace profilegen::validator {
namespace {

// What the child tells the parent through the close-on-exec pipe when it cannot go on.
struct ChildReport {
  enum Stage : int { kFilter = 1, kExec = 2 } stage;
  int error;
};

bool IsExecutableFile(const std::string& path, int& err) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) {
    err = errno;
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EACCES;
    return false;
  }
  if (::access(path.c_str(), X_OK) < 0) {
    err = errno;
    return false;
  }
  return true;
}

// Blocks the forwarded signals and SIGCHLD for sigwaitinfo, and puts everything back on every path.
class SignalScope {
 public:
  SignalScope() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGCHLD);
    for (int s : kForwardedSignals) sigaddset(&set_, s);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGCHLD, &dfl, &old_chld_);  // an inherited SIG_IGN would reap the child for us
    ::sigprocmask(SIG_BLOCK, &set_, &old_mask_);
  }
  ~SignalScope() {
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    ::sigaction(SIGCHLD, &old_chld_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  const sigset_t& set() const { return set_; }
  // For the child, before execve: async-signal-safe.
  void RestoreInChild() const noexcept {
    ::sigaction(SIGCHLD, &old_chld_, nullptr);
    ::sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t set_{}, old_mask_{};
  struct sigaction old_chld_ {};
};

[[noreturn]] void ChildFail(int fd, ChildReport::Stage stage, int err, int code) noexcept {
  ChildReport report{stage, err};
  (void)!::write(fd, &report, sizeof report);
  ::_exit(code);
}

int WaitForwardingSignals(pid_t pid, const sigset_t& set) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) throw SystemError("waitpid failed", errno);
    siginfo_t info{};
    int sig = ::sigwaitinfo(&set, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      throw SystemError("sigwaitinfo failed", errno);
    }
    if (sig != SIGCHLD) ::kill(pid, sig);
  }
}

// Why execve may have failed with EPERM: the filter itself denies it.
std::string ExecveHint(const Program& program, int err) {
  if (err != EPERM && err != EACCES) return "";
  const sys::ArchToken host = sys::HostArch();
  auto execve = sys::Resolve(host, "execve");
  if (execve.status != sys::NameStatus::kPresent) return "";
  SeccompData d;
  d.arch = AuditArch(host);
  d.nr = FilterNumber(host, execve.nr);
  try {
    if ((RunFilter(program, d) & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW) {
      return " (the profile does not allow execve)";
    }
  } catch (const Error&) {
  }
  return "";
}

}  // namespace

int ShellStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitInternal;
}

std::string FindExecutable(const std::string& name) {
  if (name.empty()) throw Error("cannot execute an empty command name", kExitNotFound);
  int err = ENOENT;
  if (name.find('/') != std::string::npos) {
    if (IsExecutableFile(name, err)) return name;
    throw SystemError("cannot execute " + name, err,
                      err == ENOENT || err == ENOTDIR ? kExitNotFound : kExitNotExecutable);
  }
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  bool found_unexecutable = false;
  int unexecutable_err = EACCES;
  size_t start = 0;
  for (;;) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    int e = 0;
    if (IsExecutableFile(candidate, e)) return candidate;
    if (e != ENOENT && e != ENOTDIR && !found_unexecutable) {
      found_unexecutable = true;
      unexecutable_err = e;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (found_unexecutable) throw SystemError("cannot execute " + name, unexecutable_err, kExitNotExecutable);
  throw Error("cannot execute " + name + ": command not found in PATH", kExitNotFound);
}

int RunWithFilter(const RunRequest& request) {
  if (request.command.empty()) throw Error("no command to run (give it after --)");
  if (request.program.empty() || request.program.size() > USHRT_MAX) {
    throw Error("the compiled program has " + std::to_string(request.program.size()) + " instructions", kExitInternal);
  }
  const std::string path = FindExecutable(request.command[0]);
  std::vector<char*> argv;
  for (const auto& a : request.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const sock_fprog prog{static_cast<unsigned short>(request.program.size()),
                        const_cast<sock_filter*>(request.program.data())};

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) throw SystemError("cannot create a pipe", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  SignalScope signals;

  pid_t pid = ::fork();
  if (pid < 0) throw SystemError("cannot fork", errno);
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on; never return, never throw.
    signals.RestoreInChild();
    int err = InstallFilter(prog, request.flags);
    if (err != 0) ChildFail(write_end.get(), ChildReport::kFilter, err, kExitInternal);
    ::execve(path.c_str(), argv.data(), environ);
    err = errno;
    ChildFail(write_end.get(), ChildReport::kExec, err, err == ENOENT ? kExitNotFound : kExitNotExecutable);
  }
  write_end.reset();

  ChildReport report{};
  ssize_t n;
  do {
    n = ::read(read_end.get(), &report, sizeof report);  // EOF: execve succeeded (or the child died)
  } while (n < 0 && errno == EINTR);
  const int status = WaitForwardingSignals(pid, signals.set());

  if (n == static_cast<ssize_t>(sizeof report)) {
    if (report.stage == ChildReport::kFilter) {
      throw SystemError("the kernel refuses the seccomp filter", report.error, kExitInternal);
    }
    throw Error(
        "cannot execute " + path + ": " + std::strerror(report.error) + ExecveHint(request.program, report.error) +
            tracer::ExecFailureHint(path, report.error),
        ShellStatus(status));
  }
  return ShellStatus(status);
}

}  // namespace profilegen::validator
