#pragma once
// A program started in the background for `record --pid` tests: its output goes to a file, it is killed and
// reaped when the test ends, pass or fail.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/tracer/harness.h"

namespace harness {

class Background {
 public:
  /// Runs `sh -c CMD` in a session of its own (no terminal), stdout and stderr to OUT.
  Background(const std::string& cmd, const std::string& out) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >" + out + " 2>&1 </dev/null").c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~Background() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  pid_t pid() const { return pid_; }
  bool Alive() const { return ::waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_;
};

/// Waits up to `seconds` for `done()` to hold, polling every 20 ms.
template <typename F>
bool WaitFor(F done, double seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

/// The TracerPid line of /proc/PID/status (0: not traced).
inline int TracerOf(pid_t pid) {
  std::string status = Slurp("/proc/" + std::to_string(pid) + "/status");
  auto at = status.find("TracerPid:");
  return at == std::string::npos ? -1 : std::atoi(status.c_str() + at + 10);
}

}  // namespace harness
