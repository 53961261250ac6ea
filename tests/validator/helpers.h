#pragma once
// Shared by the validator tests: fixtures, temporary files, and running the built profilegen binary.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "profile/parse.h"

extern char** environ;

namespace profilegen::testing {

inline std::string Fixture(const std::string& name) {
  return std::string(PROFILEGEN_SHARED_DIR) + "/fixtures/profiles/" + name;
}

inline std::string Binary() { return std::string(PROFILEGEN_BINARY_DIR) + "/profilegen"; }

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/profilegen-validator-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    REQUIRE(d != nullptr);
    path_ = d;
  }
  ~TempDir() { (void)!std::system(("rm -rf '" + path_ + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }

 private:
  std::string path_;
};

inline profile::Profile ParseOk(const std::string& text) {
  profile::ParseResult r = profile::ParseProfile(text);
  for (const auto& d : r.diagnostics) {
    if (d.severity == profile::Severity::kError) FAIL("parse error: " << d.Format("<test>"));
  }
  return r.profile;
}

/// Docker's default profile with some names taken out.
inline std::string MobyWithout(const std::vector<std::string>& removed) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(Slurp(Fixture("moby-default.json")));
  for (auto& entry : j["syscalls"]) {
    auto& names = entry["names"];
    nlohmann::ordered_json kept = nlohmann::ordered_json::array();
    for (const auto& n : names) {
      if (std::find(removed.begin(), removed.end(), n.get<std::string>()) == removed.end()) kept.push_back(n);
    }
    names = kept;
  }
  return j.dump(4);
}

struct Output {
  int status = -1;  ///< exit code, 128+N for signal N
  std::string out, err;
};

/// Runs the built profilegen with `args`; stdout and stderr captured through files.
/// `after_start`, if given, runs while the child is alive (e.g. to send it a signal) with its pid.
template <typename F>
Output RunProfilegenWith(const std::vector<std::string>& args, F after_start) {
  INFO("these tests run " << Binary() << ": build the `profilegen` target first");
  REQUIRE(::access(Binary().c_str(), X_OK) == 0);
  TempDir dir;
  const std::string out_path = dir.path() + "/out", err_path = dir.path() + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_s = {Binary()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, Binary().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  after_start(pid);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  Output o;
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = Slurp(out_path);
  o.err = Slurp(err_path);
  return o;
}

inline Output RunProfilegen(const std::vector<std::string>& args) {
  return RunProfilegenWith(args, [](pid_t) {});
}

}  // namespace profilegen::testing
