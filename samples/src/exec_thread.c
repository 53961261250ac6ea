// exec from a non-leader thread: a second thread replaces the whole process with `uname -s`.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void* run(void* arg) {
  (void)arg;
  execlp("uname", "uname", "-s", (char*)NULL);
  return NULL;
}

int main(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, run, NULL) != 0) return 1;
  pthread_join(t, NULL);  // never returns: the exec ends this thread
  return 1;
}
