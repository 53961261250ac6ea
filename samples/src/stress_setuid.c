// Prints the real and effective user ids, as `id -ru; id -u` would. Installed setuid-root by the tests, it
// shows whether a setuid program still gains its privileges under the tracer.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("stress_setuid: ruid=%d euid=%d\n", (int)getuid(), (int)geteuid());
  return 0;
}
