// A 64-bit program that also makes an i386 syscall through int 0x80 (getpid, number 20 on i386).
#include <stdio.h>
#include <unistd.h>

int main(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
  printf("int80: getpid via int 0x80 = %s\n", ret == (long)getpid() ? "same" : "different");
  return ret == (long)getpid() ? 0 : 1;
}
