// A vfork child that sandboxes itself before exec, as a launcher might: it installs a seccomp filter (mkdir fails
// with EPERM), tries mkdir, then execs /bin/true. Its parent is suspended in vfork meanwhile, waiting for that exec.
// Prints one line and exits 0 when the child saw EPERM and /bin/true ran.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  static struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  static struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
  pid_t pid = vfork();
  if (pid == 0) {
    // Only raw syscalls here: the child shares its parent's memory until the exec.
    if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(2);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) _exit(3);
    if (syscall(SYS_mkdir, "/nonexistent-profilegen-dir/x", 0755) == 0 || errno != EPERM) _exit(4);
    execl("/bin/true", "true", (char*)NULL);
    _exit(127);
  }
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return 1;
  printf("stress_vfork_seccomp: child exited %d\n", WEXITSTATUS(st));
  return WEXITSTATUS(st);
}
