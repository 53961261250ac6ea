#pragma once
// Shared by the review tests: fixture paths, temporary folders, running the built binary.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/atomic_file.h"
#include "profile/effective.h"
#include "profile/parse.h"

namespace review_test {

inline const std::string kBinary = PROFILEGEN_BINARY_DIR "/profilegen";
inline const std::string kMoby = PROFILEGEN_SHARED_DIR "/fixtures/profiles/moby-default.json";
inline const std::string kPodman = PROFILEGEN_SHARED_DIR "/fixtures/profiles/containers-common.json";

inline profilegen::profile::Profile Parse(const std::string& text) {
  profilegen::profile::ParseResult r = profilegen::profile::ParseProfile(text);
  for (const auto& d : r.diagnostics) {
    if (d.severity == profilegen::profile::Severity::kError) throw std::runtime_error(d.Format("<test>"));
  }
  return r.profile;
}

inline profilegen::profile::Target Amd64(std::set<std::string> caps = profilegen::profile::DefaultCaps()) {
  profilegen::profile::Target t;
  t.arch = profilegen::sys::ArchByNativeName("amd64")->token;
  t.caps = std::move(caps);
  t.kernel_major = 6;
  t.kernel_minor = 1;
  return t;
}

/// A fresh folder under /tmp, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pg-review-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs a shell command line; stdout and stderr captured separately.
inline RunResult Run(const std::string& command) {
  TempDir tmp;
  const std::string out = tmp.path() + "/out", err = tmp.path() + "/err";
  int status = std::system(("{ " + command + "\n} >" + out + " 2>" + err + " </dev/null").c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

/// Runs the built profilegen with the given (already quoted) arguments.
inline RunResult Profilegen(const std::string& args) {
  if (access(kBinary.c_str(), X_OK) != 0) {
    throw std::runtime_error(kBinary + " is missing: build the `profilegen` target in the same build folder");
  }
  return Run("NO_COLOR=1 " + ShellQuote(kBinary) + " " + args);
}

}  // namespace review_test
