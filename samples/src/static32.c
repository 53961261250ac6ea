// A 32-bit static program (gcc -m32 -static): its syscalls are SCMP_ARCH_X86 ones.
#include <fcntl.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
  struct utsname u;
  uname(&u);
  int fd = open("/proc/self/stat", O_RDONLY);
  char buf[64];
  if (fd >= 0) {
    (void)!read(fd, buf, sizeof buf);
    close(fd);
  }
  printf("static32: pid %d on %s\n", (int)getpid(), u.machine);
  return 0;
}
