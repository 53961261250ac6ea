// A tree of processes (default 300): node i forks nodes 2i+1 and 2i+2 while they are below the total; each
// node writes one byte to a shared pipe and waits for its children; the root counts the bytes.
// argv[1]: node count; argv[2] "hold": every node prints its pid and then sleeps until killed (the SIGKILL test).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int total;
static int hold;
static int pipe_w;

static void node(int i) {
  pid_t kids[2];
  int nkids = 0;
  for (int c = 2 * i + 1; c <= 2 * i + 2 && c < total; ++c) {
    pid_t p = fork();
    if (p < 0) _exit(1);
    if (p == 0) {
      node(c);  // does not return
    }
    kids[nkids++] = p;
  }
  (void)getppid();
  char b = 1;
  if (write(pipe_w, &b, 1) != 1) _exit(1);
  if (hold) {
    printf("%d\n", (int)getpid());
    fflush(stdout);
    for (;;) pause();
  }
  int ok = 1;
  for (int k = 0; k < nkids; ++k) {
    int st;
    if (waitpid(kids[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) ok = 0;
  }
  if (i != 0) _exit(ok ? 0 : 1);
  if (!ok) exit(1);
}

int main(int argc, char** argv) {
  total = argc > 1 ? atoi(argv[1]) : 300;
  hold = argc > 2 && strcmp(argv[2], "hold") == 0;
  if (total < 1) return 2;
  int p[2];
  if (pipe(p) != 0) return 1;
  pipe_w = p[1];
  setvbuf(stdout, NULL, _IOLBF, 0);
  node(0);  // the root returns once its whole tree has exited
  close(p[1]);
  int count = 0;
  char buf[512];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) count += (int)n;
  printf("stress_tree: %d processes\n", count);
  return count == total ? 0 : 1;
}
