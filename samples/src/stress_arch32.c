// The 32-bit half of stress_arch (gcc -m32 -static): makes a few i386 syscalls and execs the 64-bit program
// named in argv[1] with the remaining arguments.
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  struct utsname u;
  uname(&u);
  (void)getppid();
  execv(argv[1], argv + 1);
  perror("stress_arch32: execv");
  return 1;
}
