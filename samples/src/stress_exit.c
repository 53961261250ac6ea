// Tasks that end while others are in the middle of a syscall, in rounds (default 20). Each round:
//  a) a child whose threads are blocked in read, clock_nanosleep and poll, or busy calling getppid, when one of
//     them calls exit_group (status 3);
//  b) a child whose main thread calls pthread_exit while three threads still make syscalls (status 0 when the
//     last one ends);
//  c) a child blocked in read, killed with SIGKILL by its parent;
//  d) a child that exits while its own child is asleep in clock_nanosleep (the orphan finishes later).
// Prints one line and exits 0 when every child ended as expected.
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int announce[2];  // each thread writes one byte once it is about to block or busy
static int never[2];     // never written: read() on it blocks forever

static void ready(void) {
  char b = 1;
  (void)!write(announce[1], &b, 1);
}

static void* blocked_read(void* arg) {
  (void)arg;
  ready();
  char b;
  (void)!read(never[0], &b, 1);
  return NULL;
}

static void* blocked_sleep(void* arg) {
  (void)arg;
  ready();
  struct timespec ts = {30, 0};
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
  return NULL;
}

static void* blocked_poll(void* arg) {
  (void)arg;
  ready();
  struct pollfd p = {.fd = never[0], .events = POLLIN};
  poll(&p, 1, -1);
  return NULL;
}

static void* busy(void* arg) {
  long n = (long)arg;  // 0: forever
  (void)getppid();
  ready();
  for (long i = 0; n == 0 || i < n; ++i) (void)getppid();
  return NULL;
}

static void wait_ready(int n) {
  char buf[16];
  while (n > 0) {
    ssize_t r = read(announce[0], buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf);
    if (r <= 0) _exit(1);
    n -= (int)r;
  }
  poll(NULL, 0, 10);  // let the blocked threads get into their calls
}

static void child_exit_group(void) {
  if (pipe(announce) != 0) _exit(1);  // its own: a and b run at the same time
  pthread_t t;
  void* (*fns[])(void*) = {blocked_read, blocked_read, blocked_sleep, blocked_sleep,
                           blocked_poll, blocked_poll, busy,          busy};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; ++i) pthread_create(&t, NULL, fns[i], NULL);
  wait_ready(8);
  _exit(3);  // exit_group while eight threads are in (or between) syscalls
}

static void child_leader_exits_first(void) {
  if (pipe(announce) != 0) _exit(1);
  pthread_t t;
  for (int i = 0; i < 3; ++i) pthread_create(&t, NULL, busy, (void*)2000L);
  wait_ready(3);
  pthread_exit(NULL);  // the leader goes; the process lives on until the last thread returns
}

static int expect(pid_t pid, int code, int sig) {
  int st;
  if (waitpid(pid, &st, 0) != pid) return 0;
  if (sig) return WIFSIGNALED(st) && WTERMSIG(st) == sig;
  return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  if (pipe(announce) != 0 || pipe(never) != 0) return 1;
  int ok = 0;
  for (int r = 0; r < rounds; ++r) {
    pid_t a = fork();
    if (a == 0) child_exit_group();
    pid_t b = fork();
    if (b == 0) child_leader_exits_first();
    int round_ok = expect(a, 3, 0) & expect(b, 0, 0);
    pid_t c = fork();
    if (c == 0) {
      ready();
      char x;
      (void)!read(never[0], &x, 1);
      _exit(1);
    }
    wait_ready(1);
    kill(c, SIGKILL);
    round_ok &= expect(c, 0, SIGKILL);
    pid_t d = fork();
    if (d == 0) {
      if (fork() == 0) {
        usleep(20000);
        _exit(0);
      }
      _exit(0);  // while its child sleeps
    }
    round_ok &= expect(d, 0, 0);
    ok += round_ok;
  }
  printf("stress_exit: %d of %d rounds as expected\n", ok, rounds);
  return ok == rounds ? 0 : 1;
}
