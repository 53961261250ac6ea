// A static program with no libc: after execve it makes only exit_group, or writev + exit_group when given an
// argument (prints it and a newline). Used to measure a container runtime's own syscalls after it loads the
// filter: the program's own syscalls cannot hide a missing runtime syscall (runc and crun never call writev).
// Build: cc -static -nostdlib -nostartfiles -fno-stack-protector -O2 -o bare bare.c   (x86_64 only)
#include <stddef.h>

struct IoVec {
  const void* base;
  size_t len;
};

static long Syscall3(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

enum { kWritev = 20, kExitGroup = 231 };

__attribute__((used, noreturn)) void Main(long argc, char** argv);
__attribute__((used, noreturn)) void Main(long argc, char** argv) {
  if (argc > 1) {
    char buf[256];
    size_t n = 0;
    for (const char* p = argv[1]; *p != '\0' && n < sizeof buf - 1; ++p) buf[n++] = *p;
    buf[n++] = '\n';
    struct IoVec iov = {buf, n};
    if (Syscall3(kWritev, 1, (long)&iov, 1) != (long)n) Syscall3(kExitGroup, 1, 0, 0);
  }
  Syscall3(kExitGroup, 0, 0, 0);
  __builtin_unreachable();
}

// The kernel starts us with argc at (%rsp) and argv right above it.
__attribute__((naked, noreturn)) void _start(void) {
  __asm__ volatile(
      "mov (%rsp), %rdi\n"
      "lea 8(%rsp), %rsi\n"
      "and $-16, %rsp\n"
      "call Main\n"
      "hlt\n");
}
