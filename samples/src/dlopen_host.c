// Loads a plugin with dlopen, as python loads extension modules and servers load their modules, then ends in
// one of the ways a process's mappings can go (the recorder must read them before each):
//   dlopen_host PLUGIN.so               return from main (exit_group from the main thread)
//   dlopen_host PLUGIN.so call          also run the plugin's function
//   dlopen_host PLUGIN.so thread        a second thread loads it and calls exit() (exit_group) while main waits
//   dlopen_host PLUGIN.so signal        killed by SIGTERM (ends the process without a syscall)
//   dlopen_host PLUGIN.so exec PROG...  execvp(PROG...) after loading it (the mappings are replaced)
// The plugin's syscall (syncfs) is one nothing else here makes: static reachability finds it only when it
// analyses the libraries the recording saw mapped (tests/reach/dlopen_test.cpp).
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char* plugin_path;

static void* Load(void) {
  void* plugin = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
  if (plugin == NULL) {
    fprintf(stderr, "dlopen_host: %s\n", dlerror());
    exit(1);
  }
  return plugin;
}

static void* LoadAndExit(void* unused) {
  (void)unused;
  Load();
  puts("plugin loaded");
  fflush(stdout);
  exit(0);  // exit_group from a thread that is not the main one, as Go programs often end
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: dlopen_host PLUGIN.so [call | thread | signal | exec PROG ARGS...]\n");
    return 2;
  }
  plugin_path = argv[1];
  const char* mode = argc > 2 ? argv[2] : "";
  if (strcmp(mode, "thread") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, LoadAndExit, NULL) != 0) return 1;
    pthread_join(t, NULL);
    return 1;  // not reached
  }
  void* plugin = Load();
  if (strcmp(mode, "call") == 0) {
    int (*sync_here)(void) = (int (*)(void))dlsym(plugin, "plugin_sync");
    if (sync_here == NULL || sync_here() != 0) {
      fprintf(stderr, "dlopen_host: plugin_sync failed\n");
      return 1;
    }
  } else if (strcmp(mode, "signal") == 0) {
    raise(SIGTERM);
  } else if (strcmp(mode, "exec") == 0 && argc > 3) {
    execvp(argv[3], argv + 3);
    perror("dlopen_host: execvp");
    return 127;
  }
  puts("plugin loaded");
  return 0;
}
