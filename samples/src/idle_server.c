// An idle target for `record --pid`: listens on 127.0.0.1 (a free port) and blocks in accept(), making no
// syscall at all until a client comes. Prints "ready PORT"; exits by itself after SECONDS (default 120).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  alarm(argc > 1 ? (unsigned)atoi(argv[1]) : 120);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  if (s < 0 || bind(s, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(s, 1) != 0 ||
      getsockname(s, (struct sockaddr*)&addr, &len) != 0) {
    perror("idle_server");
    return 1;
  }
  printf("ready %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c >= 0) close(c);
  }
}
