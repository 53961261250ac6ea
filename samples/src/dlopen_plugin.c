// The plugin samples/src/dlopen_host.c loads: its only job is a syscall nothing else in the sample makes.
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

/// Flushes the file system the working directory is on (syncfs). 0 on success.
int plugin_sync(void) {
  int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = syncfs(fd);
  close(fd);
  return rc;
}
