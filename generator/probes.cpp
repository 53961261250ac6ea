#include "generator/probes.h"

namespace profilegen::generator {

// Criterion: a widely used libc or language runtime calls the syscall on its own (often as the newer form of
// an older call), takes a working fallback when the answer is ENOSYS, and fails or aborts on EPERM, or at
// least one known caller does. Left out on purpose:
//   futex_waitv: only Wine/Proton call it, deliberately; a trace of such a program shows it.
//   membarrier: its users (liburcu, .NET, the JVM) query it and treat ANY error as "unavailable".
//   copy_file_range: Go, Rust and coreutils already fall back on EPERM as well.
//   io_uring_setup: libuv and others fall back on any error.
//   32-bit time64 calls (clock_gettime64, ...): only matter for i386 images; record those on i386.
const std::vector<EnosysProbe>& EnosysProbes() {
  static const std::vector<EnosysProbe> probes = {
      {"clone3",
       "glibc 2.34+ creates threads and posix_spawn children with clone3 and falls back to clone only on "
       "ENOSYS; on EPERM pthread_create fails"},
      {"close_range",
       "glibc 2.34+ closefrom and posix_spawn, CPython, systemd and util-linux close descriptors with it and fall "
       "back to closing them one by one when it is not implemented"},
      {"epoll_pwait2",
       "systemd's event loop (sd-event) uses it for nanosecond timeouts and falls back to epoll_wait on ENOSYS"},
      {"faccessat2",
       "glibc 2.33+ implements faccessat/access with it and falls back to faccessat only on ENOSYS; on EPERM "
       "`test -x` and friends report \"permission denied\""},
      {"fchmodat2",
       "glibc 2.39+ implements fchmodat(AT_SYMLINK_NOFOLLOW) (lchmod) with it and falls back to the O_PATH "
       "emulation only on ENOSYS"},
      {"getrandom",
       "glibc 2.36+ arc4random falls back to /dev/urandom only on ENOSYS and aborts the process on any other "
       "error"},
      {"openat2",
       "Go's filepath-securejoin (runc, containerd), systemd and libpathrs probe it for RESOLVE_* lookups and "
       "fall back to step-by-step openat on ENOSYS"},
      {"pidfd_open", "Go 1.23+ os/exec and systemd probe pidfd support with it and fall back to plain PIDs on ENOSYS"},
      {"rseq",
       "glibc 2.35+ registers every thread with it and runs without it when not implemented; librseq's "
       "rseq_available() aborts on an errno other than ENOSYS or EINVAL"},
      {"statx",
       "glibc's statx() emulates it with fstatat only on ENOSYS (gnulib's stat/ls use it); Rust's std tries it "
       "first for every metadata call"},
  };
  return probes;
}

}  // namespace profilegen::generator
