// Signal handlers: SIGUSR1 via kill, SIGALRM via setitimer, a handler on an alternate stack, then
// SIGCHLD from a child that exits. Exits 0 when all three arrived.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_alrm, got_chld;
static void on_usr1(int s) { (void)s; got_usr1 = 1; }
static void on_alrm(int s) { (void)s; got_alrm = 1; }
static void on_chld(int s) { (void)s; got_chld = 1; }

int main(void) {
  static char altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_ONSTACK;
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_handler = on_chld;
  sigaction(SIGCHLD, &sa, NULL);

  kill(getpid(), SIGUSR1);
  struct itimerval it = {.it_interval = {0, 0}, .it_value = {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  while (!got_alrm) pause();
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  while (!got_chld) pause();
  waitpid(pid, NULL, 0);
  printf("signals: usr1=%d alrm=%d chld=%d\n", got_usr1, got_alrm, got_chld);
  return got_usr1 && got_alrm && got_chld ? 0 : 1;
}
