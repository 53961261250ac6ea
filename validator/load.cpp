#include "validator/load.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "base/error.h"
#include "base/fd.h"

namespace profilegen::validator {
namespace {

long Seccomp(unsigned flags, const sock_fprog& prog) noexcept {
  return ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace

int InstallFilter(const sock_fprog& prog, unsigned flags) noexcept {
  long rc = Seccomp(flags, prog);
  if (rc < 0 && errno == EACCES) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return errno;
    rc = Seccomp(flags, prog);
  }
  return rc < 0 ? errno : 0;
}

LoadResult TestLoad(const Program& program, unsigned flags) {
  LoadResult result;
  if (program.empty() || program.size() > USHRT_MAX) {
    result.error = EINVAL;
    result.detail = "a seccomp program has 1 to 4096 instructions; this one has " + std::to_string(program.size());
    return result;
  }
  const sock_fprog prog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) throw SystemError("cannot create a pipe", errno);
  UniqueFd read_end(fds[0]), write_end(fds[1]);

  pid_t pid = ::fork();
  if (pid < 0) throw SystemError("cannot fork", errno);
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a filter that kills exit_group must not leave a core file
    int err = InstallFilter(prog, flags);
    if (err != 0) {
      (void)!::write(write_end.get(), &err, sizeof err);
      ::_exit(1);
    }
    ::syscall(SYS_exit_group, 0);
    for (;;) {
      // exit_group is denied by the filter itself: wait for the parent's SIGKILL without a system call.
      asm volatile("" ::: "memory");
    }
  }
  write_end.reset();

  // Either the child reports an error, or it exits (EOF), or it spins because the filter denies exit_group.
  pollfd pfd{read_end.get(), POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, 2000);
  } while (ready < 0 && errno == EINTR);
  int err = 0;
  bool spinning = ready == 0;
  if (!spinning) {
    ssize_t n;
    do {
      n = ::read(read_end.get(), &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    if (n != sizeof err) err = 0;
  }
  if (spinning) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  if (err != 0) {
    result.error = err;
    result.detail = std::string("seccomp(SECCOMP_SET_MODE_FILTER) failed: ") + std::strerror(err);
    return result;
  }
  result.accepted = true;
  if (spinning) {
    result.detail = "loaded; the filter denies exit_group, so the test child could not exit by itself";
  } else if (WIFSIGNALED(status)) {
    result.detail =
        "loaded; the filter killed the test child (" + SignalName(WTERMSIG(status)) + ") when it called exit_group";
  } else {
    result.detail = "loaded; the test child exited normally";
  }
  return result;
}

}  // namespace profilegen::validator
