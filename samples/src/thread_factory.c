// A busy thread factory, as a JVM or a Go runtime can look to `record --pid`. thread_factory [SECONDS [join]]:
// - by default four relays of short-lived threads, each thread starting its successor and exiting at once, so
//   that at any moment a thread is being created;
// - with "join", four spawners that each start a worker and wait for it; the worker starts a leaf thread and
//   waits for it: threads that end while their creator is still in pthread_create's clone.
// Prints "ready" once running and stops by itself after SECONDS (default 60), so a test that loses it leaves
// nothing behind for long.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void* Relay(void* arg) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t next;
  while (pthread_create(&next, &attr, Relay, arg) != 0) sched_yield();  // (EAGAIN while the last one exits)
  pthread_attr_destroy(&attr);
  return arg;
}

static void* Leaf(void* arg) { return arg; }

static void* Worker(void* arg) {
  pthread_t t;
  if (pthread_create(&t, NULL, Leaf, NULL) == 0) pthread_join(t, NULL);
  return arg;
}

static void* Spawner(void* arg) {
  for (;;) {
    pthread_t t;
    if (pthread_create(&t, NULL, Worker, NULL) == 0) pthread_join(t, NULL);
  }
  return arg;
}

int main(int argc, char** argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 60;
  int join = argc > 2 && strcmp(argv[2], "join") == 0;
  enum { kThreads = 4 };
  for (int i = 0; i < kThreads; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, join ? Spawner : Relay, NULL) != 0) return 1;
    pthread_detach(t);
  }
  printf("ready\n");
  fflush(stdout);
  struct timespec ts = {seconds, 0};
  while (nanosleep(&ts, &ts) != 0) {
  }
  return 0;
}
