#pragma once
// Helpers for tests that run the real profilegen binary and real programs.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/abi.h"
#include "tests/support/skip.h"

namespace harness {

inline std::string Binary() { return std::string(PROFILEGEN_BINARY_DIR) + "/profilegen"; }
inline std::string Sample(const std::string& name) { return std::string(PROFILEGEN_BINARY_DIR) + "/samples/" + name; }

struct Result {
  int code;            // exit status, 128+N for signal N
  std::string output;  // stdout and stderr, merged
};

/// Runs a shell command line, capturing its output.
inline Result Sh(const std::string& cmd) {
  Result r{0, ""};
  FILE* p = ::popen(("(" + cmd + ") 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(Slurp(path)); }

/// A fresh scratch folder under /tmp, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/profilegen-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

/// Syscall names in a trace file (all arches), or of one arch.
inline std::set<std::string> TraceNames(const nlohmann::json& trace, const std::string& arch = "") {
  std::set<std::string> names;
  for (const auto& e : trace["syscalls"]) {
    if (!arch.empty() && e["arch"] != arch) continue;
    if (e["name"].is_string()) names.insert(e["name"].get<std::string>());
  }
  return names;
}

/// Syscall names in an `strace -f -o FILE` log.
inline std::set<std::string> StraceNames(const std::string& path) {
  std::set<std::string> names;
  std::ifstream in(path);
  std::string line;
  static const std::regex call(R"(^\d+\s+([a-z0-9_]+)\()");
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, call)) names.insert(m[1]);
  return names;
}

/// Cases that need root (setuid files, mounts, engines) skip visibly without it, and fail under CI=true.
/// Tracing one's own child needs no root: [ptrace] cases run as any user.
inline bool RequireRoot(const std::string& what) { return support::Need(what, "root", ::geteuid() == 0); }

/// What this kernel can run (i386 programs, int 0x80, x32), probed once with the 32-bit static sample.
inline const support::Abi& Abi() { return support::Abilities(Sample("static32")); }

/// Skips `what` visibly unless this kernel runs i386 code (IA-32 emulation on); returns whether it does.
inline bool NeedI386(const std::string& what) {
  if (Abi().i386_exec && Abi().int80) return true;
  support::Skip(what, "this kernel runs no i386 code (IA-32 emulation off: execve says \"" + Abi().i386_error + "\")");
  return false;
}

}  // namespace harness
