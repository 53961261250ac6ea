// Catches SIGTERM, SIGINT and SIGHUP and carries on; exits 0 once it has had each of them at least once.
// Writes its pid to argv[1] (when given) once its handlers are in place, so a test knows when to send.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_term, got_int, got_hup;
static void on_signal(int s) {
  if (s == SIGTERM) got_term = 1;
  if (s == SIGINT) got_int = 1;
  if (s == SIGHUP) got_hup = 1;
}

int main(int argc, char** argv) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);  // no signal between the check and the wait
  if (argc > 1) {                      // written whole, then renamed into place
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE* f = fopen(tmp, "w");
    if (!f) return 1;
    fprintf(f, "%d\n", (int)getpid());
    if (fclose(f) != 0 || rename(tmp, argv[1]) != 0) return 1;
  }
  while (!(got_term && got_int && got_hup)) sigsuspend(&old);
  printf("stress_sigcatch: got SIGTERM, SIGINT and SIGHUP\n");
  return 0;
}
