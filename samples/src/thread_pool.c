// A thread pool sized by the CPUs this process may use (sched_getaffinity, as nproc and most runtimes size
// theirs): each worker does a share of fixed work, a little computing and a small write to /dev/null per item.
// thread_pool [ITEMS]: total work items (default 400000). A parallel workload for bench/record_bench.sh.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long g_items_per_worker;
static int g_null;

static void* Work(void* arg) {
  volatile unsigned long x = (unsigned long)arg;
  for (long i = 0; i < g_items_per_worker; ++i) {
    for (int k = 0; k < 2000; ++k) x = x * 6364136223846793005UL + 1442695040888963407UL;
    if (write(g_null, (const void*)&x, 1) != 1) return NULL;
  }
  return NULL;
}

int main(int argc, char** argv) {
  long items = argc > 1 ? atol(argv[1]) : 400000;
  cpu_set_t set;
  int workers = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  g_items_per_worker = items / workers;
  g_null = open("/dev/null", O_WRONLY);
  pthread_t threads[CPU_SETSIZE];
  for (int i = 0; i < workers; ++i) pthread_create(&threads[i], NULL, Work, (void*)(long)i);
  for (int i = 0; i < workers; ++i) pthread_join(threads[i], NULL);
  printf("thread_pool: %d workers, %ld items\n", workers, g_items_per_worker * workers);
  return 0;
}
