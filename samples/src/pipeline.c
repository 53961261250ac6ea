// fork + exec pipeline: `echo hello | tr a-z A-Z` built by hand with pipe, fork, dup2, execvp and waitpid.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 1;
  pid_t a = fork();
  if (a == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    execlp("echo", "echo", "hello from a pipeline", (char*)NULL);
    _exit(127);
  }
  pid_t b = fork();
  if (b == 0) {
    dup2(p[0], 0);
    close(p[0]);
    close(p[1]);
    execlp("tr", "tr", "a-z", "A-Z", (char*)NULL);
    _exit(127);
  }
  close(p[0]);
  close(p[1]);
  int sa, sb;
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  return WIFEXITED(sa) && WIFEXITED(sb) ? WEXITSTATUS(sa) | WEXITSTATUS(sb) : 1;
}
