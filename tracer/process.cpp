#include "tracer/process.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace profilegen::tracer {
namespace {

enum class Access { kMissing, kNotExecutable, kOk };

Access Check(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Access::kMissing;
  if (S_ISDIR(st.st_mode) || ::access(path.c_str(), X_OK) != 0) return Access::kNotExecutable;
  return Access::kOk;
}

}  // namespace

std::string FindExecutable(const std::string& command) {
  if (command.empty()) throw Error("no command given", kExitUsage);
  if (command.find('/') != std::string::npos) {
    switch (Check(command)) {
      case Access::kMissing:
        throw Error("cannot run " + command + ": no such file", kExitNotFound);
      case Access::kNotExecutable:
        throw Error("cannot run " + command + ": not executable (permission denied or a directory)",
                    kExitNotExecutable);
      case Access::kOk:
        return command;
    }
  }
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  bool found_but_not_executable = false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    switch (Check(candidate)) {
      case Access::kOk:
        return candidate;
      case Access::kNotExecutable:
        found_but_not_executable = true;
        break;
      case Access::kMissing:
        break;
    }
  }
  if (found_but_not_executable) throw Error("cannot run " + command + ": not executable", kExitNotExecutable);
  throw Error("cannot run " + command + ": command not found in PATH", kExitNotFound);
}

std::string ExePath(pid_t pid) {
  char buf[4096];
  std::string link = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  return std::string(buf, static_cast<size_t>(n));
}

bool KillsByDefault(int sig) {
  switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return false;
    default:
      return sig > 0;
  }
}

std::string SignalName(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return "SIG" + std::to_string(sig);
}

std::string ExecFailureHint(const std::string& path, int err) {
  if (err != ENOEXEC) return "";
  unsigned char ident[20] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(ident), sizeof ident)) return "";
  const bool elf = std::memcmp(ident, "\x7f" "ELF", 4) == 0;
  const bool i386 = ident[4] == 1 /* ELFCLASS32 */ && ident[5] == 1 /* little-endian */ && ident[18] == 3 /* EM_386 */ &&
                    ident[19] == 0;
  if (!elf || !i386) return "";
  return " (a 32-bit x86 program: kernels that run 64-bit programs only, with IA-32 emulation off, refuse "
         "these; `dmesg | grep -iE 'ia-?32'` tells)";
}

std::string KernelRelease() {
  struct utsname u {};
  if (::uname(&u) != 0) return "";
  return u.release;
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm {};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool HasCapSysAdmin() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
      return (caps >> 21) & 1;  // CAP_SYS_ADMIN
    }
  }
  return false;
}

}  // namespace profilegen::tracer
