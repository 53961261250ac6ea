// 1,000 threads alive at once: each waits at a barrier until all have started, makes a few syscalls, exits;
// the main thread joins them all. Small stacks keep the memory low. argv[1]: thread count (default 1000).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t barrier;

static void* worker(void* arg) {
  (void)arg;
  pthread_barrier_wait(&barrier);
  (void)syscall(SYS_gettid);
  (void)getppid();
  return NULL;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  if (n < 1) return 2;
  pthread_t* tids = calloc((size_t)n, sizeof *tids);
  if (!tids) return 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_barrier_init(&barrier, NULL, (unsigned)n + 1);
  for (int i = 0; i < n; ++i) {
    if (pthread_create(&tids[i], &attr, worker, NULL) != 0) {
      fprintf(stderr, "stress_threads: pthread_create failed at %d\n", i);
      return 1;
    }
  }
  pthread_barrier_wait(&barrier);  // every thread exists now
  int joined = 0;
  for (int i = 0; i < n; ++i)
    if (pthread_join(tids[i], NULL) == 0) ++joined;
  printf("stress_threads: %d threads created and joined\n", joined);
  return joined == n ? 0 : 1;
}
