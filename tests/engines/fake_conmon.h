#pragma once
// A live process that /proc shows as podman's conmon of a container: a shell started through a symlink named
// "conmon" (the kernel's comm is the name execve was given) with conmon's words as its argv. `sh -c SCRIPT`
// takes the words after SCRIPT as positional parameters, so the container id (conmon's -c) is the script: the
// builtin `read` on a pipe only this object writes (a builtin, so that the shell forks no child that would
// carry the same comm and argv), unique per fake. Killed and reaped when the object goes.
#include <fcntl.h>
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
      : id_("read x # " + dir) {
    std::string link = dir + "/conmon";
    ::symlink("/bin/sh", link.c_str());
    std::vector<std::string> argv = {
        link, "-c", id_, "-r", runtime_path, "--exit-command-arg", "--runtime", "--exit-command-arg", runtime_name};
    std::vector<char*> args;
    for (std::string& w : argv) args.push_back(w.data());
    args.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    stdin_writer_ = fds[1];
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    if (::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = 0;
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
  }
  ~FakeConmon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdin_writer_ >= 0) ::close(stdin_writer_);
  }
  FakeConmon(const FakeConmon&) = delete;
  FakeConmon& operator=(const FakeConmon&) = delete;

  bool started() const { return pid_ > 0; }
  /// The container id it watches (its -c word).
  const std::string& id() const { return id_; }

 private:
  std::string id_;
  pid_t pid_ = 0;
  int stdin_writer_ = -1;  ///< held open so that the shell's `read` waits
};

}  // namespace profilegen::engines::testing
