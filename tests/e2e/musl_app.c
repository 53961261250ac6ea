/* A static musl program for the container recording test: makes a folder, writes a file into it, reads it
 * back, and exits with the code given as its first argument. Built with musl-gcc -static. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (mkdir("/tmp/m", 0755) != 0) {
    printf("mkdir: %s\n", strerror(errno));
    return 1;
  }
  int fd = open("/tmp/m/f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "musl\n", 5) != 5 || close(fd) != 0) {
    printf("write: %s\n", strerror(errno));
    return 1;
  }
  char buf[16] = {0};
  fd = open("/tmp/m/f", O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) < 0) {
    printf("read: %s\n", strerror(errno));
    return 1;
  }
  printf("musl app: read back %s", buf);
  return argc > 1 ? atoi(argv[1]) : 0;
}
