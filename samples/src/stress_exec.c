// An exec storm: the process execs itself N times in a row (default 500), the same pid throughout. Every other
// exec is made from a second thread while a third is blocked in read(), so the exec has to kill a thread that
// is in the middle of a syscall and the execing thread takes over the leader's pid.
// Usage: stress_exec [N]
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char* next_argv[4];
static char count_buf[16], total_buf[16];
static int block_pipe[2];

static void* blocker(void* arg) {
  (void)arg;
  char b;
  (void)!read(block_pipe[0], &b, 1);  // never written: the exec ends this thread mid-syscall
  return NULL;
}

static void* execer(void* arg) {
  (void)arg;
  execv("/proc/self/exe", next_argv);
  perror("stress_exec: execv from a thread");
  exit(1);
}

int main(int argc, char** argv) {
  int left = argc > 1 ? atoi(argv[1]) : 500;
  int total = argc > 2 ? atoi(argv[2]) : left;
  if (left <= 0) {
    printf("stress_exec: %d execs\n", total);
    return 0;
  }
  snprintf(count_buf, sizeof count_buf, "%d", left - 1);
  snprintf(total_buf, sizeof total_buf, "%d", total);
  next_argv[0] = argv[0];
  next_argv[1] = count_buf;
  next_argv[2] = total_buf;
  next_argv[3] = NULL;
  if (left % 2 == 0) {
    execv("/proc/self/exe", next_argv);
    perror("stress_exec: execv");
    return 1;
  }
  if (pipe2(block_pipe, O_CLOEXEC) != 0) return 1;
  pthread_t a, b;
  pthread_create(&a, NULL, blocker, NULL);
  pthread_create(&b, NULL, execer, NULL);
  pthread_join(b, NULL);  // never returns: the exec replaces the whole process
  return 1;
}
