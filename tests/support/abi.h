#pragma once
// What this kernel can run, probed once per test binary. Some machines of this kind run 64-bit user code only
// (IA-32 emulation off: an i386 execve returns ENOEXEC and `int 0x80` faults with SIGSEGV); none has x32.
// Tests that need an ability skip exactly the cases that use it (support::Skip), and test instead what users
// see without it.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace support {

struct Abi {
  bool i386_exec = false;   // execve of a 32-bit x86 ELF program works
  std::string i386_error;   // what execve said otherwise (strerror), e.g. "Exec format error"
  bool int80 = false;       // a 64-bit process can make i386 calls with `int 0x80` (no SIGSEGV)
  bool x32 = false;         // the kernel accepts x32 calls (syscall numbers with bit 30)
};

namespace detail {

// Runs `program` (a 32-bit static sample) with its output discarded; returns 0 or execve's errno.
inline int ExecErrno(const std::string& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    char* argv[] = {const_cast<char*>(program.c_str()), nullptr};
    char* envp[] = {nullptr};
    ::execve(program.c_str(), argv, envp);
    int e = errno;
    (void)!::write(fds[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(fds[1]);
  int e = 0;
  if (::read(fds[0], &e, sizeof e) != static_cast<ssize_t>(sizeof e)) e = 0;
  ::close(fds[0]);
  int status;
  ::waitpid(pid, &status, 0);
  return e;
}

/// Runs `body` in a forked child that exits with its result; returns the child's wait status. The child faults
/// with the kernel's own SIGSEGV, and dumps no core: a test framework's crash handler (Catch2's), inherited through
/// fork, would otherwise report the child's expected fault as a failure of the running test case, with a second
/// run summary, while the test case itself passes.
template <class Body>
int InChild(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGSEGV, &dfl, nullptr);
    struct rlimit no_core {};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// An i386 getpid through `int 0x80` in a child: false when the child dies of SIGSEGV.
inline bool Int80Works() {
  int status = InChild([] {
    long ret = 20;  // __NR_getpid on i386
    asm volatile("int $0x80" : "+a"(ret) : : "memory");
    return ret == ::getpid() ? 0 : 1;
  });
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

inline bool X32Works() {
  long r = ::syscall(0x40000000L | 39);  // __X32_SYSCALL_BIT | getpid
  return !(r == -1 && errno == ENOSYS);
}

}  // namespace detail

/// The abilities of this kernel, probed on first use. `i386_sample` is a 32-bit static program.
inline const Abi& Abilities(const std::string& i386_sample) {
  static const Abi abi = [&] {
    Abi a;
    int e = detail::ExecErrno(i386_sample);
    // ENOEXEC is the kernel without IA-32 emulation; anything else is a broken probe, not a kernel's answer.
    if (e != 0 && e != ENOEXEC) throw std::runtime_error("cannot probe i386 with " + i386_sample + ": " + std::strerror(e));
    a.i386_exec = e == 0;
    if (e != 0) a.i386_error = std::strerror(e);
    a.int80 = detail::Int80Works();
    a.x32 = detail::X32Works();
    return a;
  }();
  return abi;
}

}  // namespace support
