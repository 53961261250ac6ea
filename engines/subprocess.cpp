#include "engines/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "base/error.h"
#include "base/fd.h"
#include "base/forwarded_signals.h"

extern char** environ;

namespace profilegen::engines {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int ExitCode(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return kExitInternal;
}

int Wait(pid_t pid) {
  int ws = 0;
  while (::waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) throw SystemError("waitpid", errno);
  }
  return ExitCode(ws);
}

// Spawns argv; ENOENT (not in PATH) becomes status 127 with pid 0.
pid_t Spawn(const std::vector<std::string>& argv, posix_spawn_file_actions_t* actions, posix_spawnattr_t* attr) {
  std::vector<char*> args = Argv(argv);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], actions, attr, args.data(), environ);
  if (rc == ENOENT) return 0;
  if (rc != 0) throw SystemError("cannot run " + argv[0], rc);
  return pid;
}

// kForwardedSignals as a set.
sigset_t ForwardedSet() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kForwardedSignals) sigaddset(&set, sig);
  return set;
}

std::atomic<pid_t> g_foreground{0};

void Forward(int sig, siginfo_t* info, void*) {
  // si_code > 0: the kernel's (a terminal's ^C, hangup or resize), which the client in our process group got too.
  if (info != nullptr && info->si_code > 0) return;
  pid_t pid = g_foreground.load();
  if (pid > 0) ::kill(pid, sig);
}

}  // namespace

Captured RunCapture(const std::vector<std::string>& argv, ProcessGroup group) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw SystemError("pipe", errno);
  UniqueFd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw SystemError("pipe", errno);
  UniqueFd err_r(err_pipe[0]), err_w(err_pipe[1]);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  ::posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  // A query may be asked from a thread that blocks the signals RunForeground forwards: the program gets none
  // blocked.
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  ::posix_spawnattr_setsigmask(&attr, &none);
  short flags = POSIX_SPAWN_SETSIGMASK;
  if (group == ProcessGroup::kOwn) {
    ::posix_spawnattr_setpgroup(&attr, 0);
    flags |= POSIX_SPAWN_SETPGROUP;
  }
  ::posix_spawnattr_setflags(&attr, flags);
  pid_t pid;
  try {
    pid = Spawn(argv, &actions, &attr);
  } catch (...) {
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
    throw;
  }
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  Captured c;
  if (pid == 0) {
    c.status = kExitNotFound;
    return c;
  }
  out_w.reset();
  err_w.reset();
  pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
  std::string* sinks[2] = {&c.out, &c.err};
  int open = 2;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw SystemError("poll", errno);
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[k]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[k].fd = -1;
        --open;
      }
    }
  }
  c.status = Wait(pid);
  return c;
}

int RunForeground(const std::vector<std::string>& argv) {
  // Block the forwarded signals while spawning so none is lost between spawn and the handler knowing the pid;
  // the child gets the default mask and dispositions back.
  const sigset_t forwarded = ForwardedSet();
  sigset_t old;
  ::sigprocmask(SIG_BLOCK, &forwarded, &old);
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  ::posix_spawnattr_setsigmask(&attr, &old);
  sigset_t defaults = forwarded;
  sigaddset(&defaults, SIGPIPE);
  ::posix_spawnattr_setsigdefault(&attr, &defaults);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args = Argv(argv);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), environ);
  ::posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (rc == ENOENT) return kExitNotFound;
    throw SystemError("cannot run " + argv[0], rc);
  }
  g_foreground = pid;
  struct sigaction sa {
  };
  std::array<struct sigaction, kForwardedSignals.size()> saved{};
  sa.sa_sigaction = Forward;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (size_t k = 0; k < kForwardedSignals.size(); ++k) ::sigaction(kForwardedSignals[k], &sa, &saved[k]);
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  int status = Wait(pid);
  g_foreground = 0;
  for (size_t k = 0; k < kForwardedSignals.size(); ++k) ::sigaction(kForwardedSignals[k], &saved[k], nullptr);
  return status;
}

void BlockForegroundSignals() {
  const sigset_t forwarded = ForwardedSet();
  ::pthread_sigmask(SIG_BLOCK, &forwarded, nullptr);
}

}  // namespace profilegen::engines
