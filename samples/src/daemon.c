// A daemonising program: double fork, setsid; the daemon outlives the main process, writes a file
// (argv[1], default /dev/null) after a short sleep and exits.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* out = argc > 1 ? argv[1] : "/dev/null";
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid > 0) return 0;  // the main process exits at once
  setsid();
  if (fork() > 0) _exit(0);
  umask(022);
  usleep(200000);
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    (void)!write(fd, "daemon was here\n", 16);
    fsync(fd);
    close(fd);
  }
  _exit(0);
}
