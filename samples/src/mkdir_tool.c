// The demo's sample: makes a directory (its one distinctive syscall is mkdir/mkdirat), writes a file in it,
// lists it and removes both.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/tmp/profilegen-sample";
  if (mkdir(dir, 0755) != 0) {
    perror("mkdir");
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/hello.txt", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  (void)!write(fd, "hello\n", 6);
  close(fd);
  DIR* d = opendir(dir);
  int entries = 0;
  for (struct dirent* e; d && (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') ++entries;
  if (d) closedir(d);
  unlink(path);
  rmdir(dir);
  printf("mkdir_tool: made %s with %d file\n", dir, entries);
  return 0;
}
