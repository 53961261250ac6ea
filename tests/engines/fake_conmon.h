#pragma once
// A live process that /proc shows as podman's conmon of a container: a shell started through a symlink named
// "conmon" (the kernel's comm is the name execve was given) with conmon's words as its argv. `sh -c SCRIPT`
// takes the words after SCRIPT as positional parameters, so the container id (conmon's -c) is the script: a
// sleep, unique per fake. Killed with its sleep (its own process group) when the object goes.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace profilegen::engines::testing {

class FakeConmon {
 public:
  /// `dir`: a folder for the symlink; `runtime_path`, `runtime_name`: what conmon's -r and the cleanup command's
  /// --runtime say.
  FakeConmon(const std::string& dir, const std::string& runtime_path, const std::string& runtime_name)
      : id_("sleep 30 # " + dir) {
    std::string link = dir + "/conmon";
    ::symlink("/bin/sh", link.c_str());
    std::vector<std::string> argv = {
        link, "-c", id_, "-r", runtime_path, "--exit-command-arg", "--runtime", "--exit-command-arg", runtime_name};
    std::vector<char*> args;
    for (std::string& w : argv) args.push_back(w.data());
    args.push_back(nullptr);
    posix_spawnattr_t attr;
    ::posix_spawnattr_init(&attr);
    ::posix_spawnattr_setpgroup(&attr, 0);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    if (::posix_spawn(&pid_, args[0], nullptr, &attr, args.data(), environ) != 0) pid_ = 0;
    ::posix_spawnattr_destroy(&attr);
  }
  ~FakeConmon() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  FakeConmon(const FakeConmon&) = delete;
  FakeConmon& operator=(const FakeConmon&) = delete;

  bool started() const { return pid_ > 0; }
  /// The container id it watches (its -c word).
  const std::string& id() const { return id_; }

 private:
  std::string id_;
  pid_t pid_ = 0;
};

}  // namespace profilegen::engines::testing
