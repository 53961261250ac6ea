// Job-control stops as a shell sees them, through the real parent's waitpid(WUNTRACED/WCONTINUED):
//  SIGSTOP and SIGTSTP: a child in its own process group stops, the parent sees it stopped and continues it;
//  SIGTTIN: a background process reads from its controlling terminal (a pty), stops, is made the foreground
//  process group and continued, then reads the waiting line;
//  SIGTTOU: a background process changes the terminal's settings, stops, is made foreground and continued.
// Prints one line and exits 0 when every stop and continue was seen.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int stopped_by(pid_t pid, int sig) {
  int st;
  if (waitpid(pid, &st, WUNTRACED) != pid) return 0;
  return WIFSTOPPED(st) && WSTOPSIG(st) == sig;
}

static int continued(pid_t pid) {
  int st;
  if (waitpid(pid, &st, WCONTINUED) != pid) return 0;
  return WIFCONTINUED(st);
}

static int exited_ok(pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid) return 0;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

// SIGSTOP (sent by the parent) or SIGTSTP (raised by the child itself).
static int stop_and_continue(int sig) {
  int go[2];
  if (pipe(go) != 0) return 0;
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // a process group with a parent outside it: not orphaned, so SIGTSTP stops
    if (sig == SIGTSTP) raise(SIGTSTP);
    char b;
    (void)!read(go[0], &b, 1);
    _exit(0);
  }
  setpgid(pid, pid);
  if (sig == SIGSTOP) kill(pid, SIGSTOP);
  int ok = stopped_by(pid, sig);
  kill(pid, SIGCONT);
  ok &= continued(pid);
  (void)!write(go[1], "x", 1);
  ok &= exited_ok(pid);
  close(go[0]);
  close(go[1]);
  return ok;
}

// Lets a continued child exit (it waits for this), so its parent sees WIFCONTINUED before the exit.
static void release(int go) { (void)!write(go, "x", 1); }
static void wait_release(int go) {
  char b;
  (void)!read(go, &b, 1);
}

// In a new session with a pty as controlling terminal: SIGTTIN and SIGTTOU of a background process group.
static int terminal_stops(void) {
  pid_t leader = fork();
  if (leader != 0) return exited_ok(leader);
  setsid();
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) _exit(1);
  int tty = open(ptsname(master), O_RDWR);  // the session leader's first terminal: its controlling terminal
  if (tty < 0) _exit(1);
  signal(SIGTTOU, SIG_IGN);  // the leader itself hands the terminal back and forth from the background
  (void)!write(master, "line\n", 5);
  int go[2];
  if (pipe(go) != 0) _exit(1);
  int ok = 1;

  pid_t reader = fork();
  if (reader == 0) {
    setpgid(0, 0);
    char buf[16];
    ssize_t n = read(tty, buf, sizeof buf);  // background: SIGTTIN until made foreground
    wait_release(go[0]);
    _exit(n == 5 && memcmp(buf, "line\n", 5) == 0 ? 0 : 1);
  }
  setpgid(reader, reader);
  ok &= stopped_by(reader, SIGTTIN);
  tcsetpgrp(tty, reader);
  kill(-reader, SIGCONT);
  ok &= continued(reader);
  release(go[1]);
  ok &= exited_ok(reader);
  tcsetpgrp(tty, getpgrp());

  pid_t writer = fork();
  if (writer == 0) {
    signal(SIGTTOU, SIG_DFL);
    setpgid(0, 0);
    struct termios t;
    tcgetattr(tty, &t);
    int r = tcsetattr(tty, TCSANOW, &t);  // background: SIGTTOU until made foreground
    wait_release(go[0]);
    _exit(r == 0 ? 0 : 1);
  }
  setpgid(writer, writer);
  ok &= stopped_by(writer, SIGTTOU);
  tcsetpgrp(tty, writer);
  kill(-writer, SIGCONT);
  ok &= continued(writer);
  release(go[1]);
  ok &= exited_ok(writer);
  _exit(ok ? 0 : 1);
}

int main(void) {
  int stop = stop_and_continue(SIGSTOP);
  int tstp = stop_and_continue(SIGTSTP);
  int term = terminal_stops();
  printf("stress_jobctl: SIGSTOP %s, SIGTSTP %s, SIGTTIN+SIGTTOU %s\n", stop ? "ok" : "FAILED", tstp ? "ok" : "FAILED",
         term ? "ok" : "FAILED");
  return stop && tstp && term ? 0 : 1;
}
