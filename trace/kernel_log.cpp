#include "trace/kernel_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/error.h"

namespace profilegen::trace {
namespace {

constexpr const char* kActionsLogged = "/proc/sys/kernel/seccomp/actions_logged";

std::vector<std::string> SplitLines(std::istream& in) {
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(std::move(line));
  return out;
}

// /dev/kmsg: each read() returns one record, "PRI,SEQ,USEC,FLAGS;MESSAGE\n" followed by " KEY=VALUE" lines;
// EPIPE says records were overwritten before we read them (the next read goes on); EAGAIN: nothing newer.
std::vector<std::string> ReadKmsg() {
  int fd = open(kKernelLogDevice, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    throw Error(std::string("cannot read the kernel log ") + kKernelLogDevice + ": " + std::strerror(errno) +
                    " (run as root, or give a saved log with --log FILE: dmesg, journalctl -k or audit.log output)",
                kExitUsage);
  }
  std::vector<std::string> out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) continue;
    if (n <= 0) break;
    std::string_view rec(buf, static_cast<size_t>(n));
    out.emplace_back(rec.substr(0, rec.find('\n')));
  }
  close(fd);
  return out;
}

}  // namespace

std::vector<std::string> ReadLogLines(const std::string& path) {
  if (path == kKernelLogDevice) return ReadKmsg();
  if (path == "-") return SplitLines(std::cin);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read the log " + path + ": " + std::strerror(errno), kExitUsage);
  return SplitLines(in);
}

std::optional<std::string> SeccompLogProblem() {
  std::ifstream in(kActionsLogged);
  if (!in) return std::nullopt;
  std::string actions;
  std::getline(in, actions);
  std::istringstream words(actions);
  for (std::string w; words >> w;)
    if (w == "log") return std::nullopt;
  return std::string(kActionsLogged) + " is \"" + actions +
         "\": the kernel does not log SECCOMP_RET_LOG calls, so a LOG profile leaves no records; add \"log\" "
         "(echo '" + actions + (actions.empty() ? "" : " ") + "log' > " + kActionsLogged + ")";
}

}  // namespace profilegen::trace
