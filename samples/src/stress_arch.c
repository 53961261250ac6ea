// Switches architecture by exec: this 64-bit program execs the 32-bit static stress_arch32 (beside it), which
// execs this program back, N times each way (default 10). Usage: stress_arch [N]
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int left = argc > 1 ? atoi(argv[1]) : 10;
  int total = argc > 2 ? atoi(argv[2]) : left;
  struct utsname u;
  uname(&u);
  if (left <= 0) {
    printf("stress_arch: %d switches 64 -> 32 -> 64 bit\n", total);
    return 0;
  }
  char self[PATH_MAX], other[PATH_MAX + 16];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 1;
  self[n] = 0;
  snprintf(other, sizeof other, "%s/stress_arch32", dirname(strdup(self)));
  char left_buf[16], total_buf[16];
  snprintf(left_buf, sizeof left_buf, "%d", left - 1);
  snprintf(total_buf, sizeof total_buf, "%d", total);
  char* next[] = {other, self, left_buf, total_buf, NULL};
  execv(other, next);
  perror("stress_arch: execv stress_arch32");
  return 1;
}
