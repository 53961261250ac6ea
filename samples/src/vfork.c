// vfork + exec: the parent is suspended until the child execs /bin/true.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t pid = vfork();
  if (pid == 0) {
    execl("/bin/true", "true", (char*)NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("vfork: child exited %d\n", WEXITSTATUS(status));
  return WEXITSTATUS(status);
}
