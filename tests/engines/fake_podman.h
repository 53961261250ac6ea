#pragma once
// A folder with a fake podman and a fake OCI runtime, for the tests of what record asks podman: the podman
// script logs every call (Log()) and answers --version, `image inspect` and `info --format json` as podman 4.3.1
// does here (or fails them, as a podman that does not work); the runtime answers --version as runc does.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engines/run_command.h"

namespace profilegen::engines::testing {

class FakePodman {
 public:
  /// `works`: false makes `image inspect` and `info` fail with podman's kind of error.
  explicit FakePodman(bool works = true) {
    char tmpl[] = "/tmp/pg-fakepodman-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::string answers = works ? R"(case $1 in
  --version) echo 'podman version 4.3.1' ;;
  image) echo '[{"Id": "0123abcd", "Config": {"Cmd": ["/bin/sh"]}, "RepoDigests": []}]' ;;
  info) echo '{"version": {"Version": "4.3.1"}, "host": {"ociRuntime": {"name": "runc", "path": "/usr/bin/runc",
    "version": "runc version 1.1.5+ds1\\ncommit: x"}},
    "store": {"graphRoot": "/var/lib/containers/storage", "graphDriverName": "overlay"}}' ;;
  *) exit 125 ;;
esac
)"
                                : R"(case $1 in
  --version) echo 'podman version 4.3.1' ;;
  image) echo 'Error: fake-image: image not known' >&2; exit 125 ;;
  *) echo 'Error: fake podman cannot start: no newuidmap' >&2; exit 125 ;;
esac
)";
    Script("podman", "echo \"$*\" >>" + dir_ + "/podman.log\n" + answers);
    Script("fakert", "echo 'fakert version 9.9.9'\necho 'commit: abc'\n");
  }
  ~FakePodman() { std::system(("rm -rf " + dir_).c_str()); }
  FakePodman(const FakePodman&) = delete;
  FakePodman& operator=(const FakePodman&) = delete;

  const std::string& dir() const { return dir_; }
  /// Every call, one line of its arguments each.
  std::string Log() const {
    std::ifstream in(dir_ + "/podman.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void ClearLog() const { std::ofstream(dir_ + "/podman.log", std::ios::trunc); }
  /// `podman run --rm busybox:1` with this podman as the program.
  RunCommand Run() const {
    RunCommand run;
    run.engine = Engine::kPodman;
    run.program = dir_ + "/podman";
    run.subcommand = {"run"};
    run.image = "busybox:1";
    return run;
  }

 private:
  void Script(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
  }

  std::string dir_;
};

}  // namespace profilegen::engines::testing
