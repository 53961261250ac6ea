// A signal storm: a child sends 5000 SIGUSR1 to its parent, one at a time (each acknowledged through a pipe,
// so none coalesce). The parent counts them in a handler and prints the count.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 5000
static volatile sig_atomic_t count;
static int ack_fd;
static void on_usr1(int s) {
  (void)s;
  ++count;
  char b = 1;
  (void)!write(ack_fd, &b, 1);
}

int main(void) {
  int ack[2];
  if (pipe(ack) != 0) return 1;
  ack_fd = ack[1];
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    for (int i = 0; i < N; ++i) {
      kill(parent, SIGUSR1);
      char b;
      if (read(ack[0], &b, 1) != 1) _exit(1);
    }
    _exit(0);
  }
  int status;
  while (waitpid(child, &status, 0) < 0) {
  }
  printf("signal_storm: %d signals\n", (int)count);
  return count == N && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
