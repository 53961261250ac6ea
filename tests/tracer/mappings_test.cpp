// Reading the files a process has mapped executable from /proc/PID/maps.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <set>
#include <string>

#include "tracer/mappings.h"
#include "tracer/process.h"

namespace profilegen::tracer {
namespace {

TEST_CASE("only executable mappings of files are taken from maps text", "[mappings]") {
  const char* maps =
      "55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 131 /usr/bin/true\n"
      "55d0c0a02000-55d0c0a06000 r-xp 00002000 08:01 131 /usr/bin/true\n"
      "7f1c2a000000-7f1c2a022000 r-xp 00002000 08:01 1234567                    /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7f1c2b000000-7f1c2b001000 r-xp 00001000 00:2a 99 /var/tmp/dir with spaces/plugin.so\n"
      "7f1c2c000000-7f1c2c001000 r-xp 00000000 00:01 77 /memfd:jit (deleted)\n"
      "7f1c2d000000-7f1c2d001000 r-xp 00000000 00:00 0 \n"
      "7f1c2e000000-7f1c2e001000 rw-p 00000000 08:01 55 /usr/lib/locale/C.utf8/LC_CTYPE\n"
      "7ffd5c3f2000-7ffd5c3f4000 r-xp 00000000 00:00 0                          [vdso]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]";
  CHECK(ParseExecutableMappings(maps) ==
        std::set<std::string>{"/usr/bin/true", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                              "/var/tmp/dir with spaces/plugin.so", "/memfd:jit (deleted)"});
  CHECK(ParseExecutableMappings("").empty());
  CHECK(ParseExecutableMappings("garbage\n\n").empty());
}

TEST_CASE("this process's own mappings hold its executable", "[mappings]") {
  std::set<std::string> files;
  AddExecutableMappings(getpid(), files);
  CHECK(files.count(ExePath(getpid())));
  std::set<std::string> none;
  AddExecutableMappings(0x3fffffff, none);  // no such task: nothing, no error
  CHECK(none.empty());
}

TEST_CASE("default actions of signals", "[mappings]") {
  for (int sig : {SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGPIPE, SIGALRM, SIGUSR1, SIGRTMIN}) CHECK(KillsByDefault(sig));
  for (int sig : {SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU}) CHECK(!KillsByDefault(sig));
}

}  // namespace
}  // namespace profilegen::tracer
