// Libraries loaded with dlopen in the reachable set: the files a recording saw mapped (trace "mapped", read by
// the tracer at each execve, exit_group and fatal signal) are analysed with the executables, and a dlopen'd
// library's own syscalls become reachable. Oracle: the sample plugin's syncfs, which nothing else makes, is
// observed when the plugin runs and must be reachable when it is only loaded.
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "reach/program.h"
#include "reach/report.h"
#include "tests/support/skip.h"
#include "trace/trace.h"

namespace profilegen::reach {
namespace {

const std::string kBuild = PROFILEGEN_BINARY_DIR;
const std::string kHost = kBuild + "/samples/dlopen_host";
const std::string kPlugin = kBuild + "/samples/dlopen_plugin.so";

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::set<std::string> Names(const Reachability& r) {
  auto v = SyscallNames(r, sys::ArchByNativeName("amd64")->token);
  return {v.begin(), v.end()};
}

bool SamplesBuilt(const std::string& what) {
  for (const std::string& f : {kHost, kPlugin}) {
    if (access(f.c_str(), R_OK) != 0) {
      support::Skip(what, f + " is not built");
      return false;
    }
  }
  return true;
}

/// Runs `profilegen record --reachable` on `argv` and reads the trace.
trace::Trace RecordReachable(const std::vector<std::string>& argv, const std::string& dir) {
  std::string cmd = kBuild + "/profilegen record -q --reachable -o " + dir + "/t.json --";
  for (const std::string& a : argv) cmd += " '" + a + "'";
  cmd += " >/dev/null 2>" + dir + "/err.txt";
  std::system(cmd.c_str());
  return trace::LoadTrace(dir + "/t.json");
}

bool Observed(const trace::Trace& t, const std::string& name) {
  for (const auto& [key, rec] : t.syscalls) {
    if (rec.name == name) return true;
  }
  return false;
}

bool Reached(const trace::Trace& t, const std::string& name) {
  return t.reachable && t.reachable->names.count(sys::HostArch()) && t.reachable->names.at(sys::HostArch()).count(name);
}

TEST_CASE("a dlopen'd library's syscalls are reachable once its mapped file is given", "[reach]") {
  if (!SamplesBuilt("the dlopen analysis case")) return;
  Reachability alone = AnalyseProgram({kHost}, {});
  CHECK(!Names(alone).count("syncfs"));  // the host itself cannot reach it: the oracle is sharp
  // What a recording maps: the host, its libraries, the loader and the plugin.
  std::vector<std::string> mapped = {kHost, kPlugin};
  for (const BinaryStats& b : alone.binaries) mapped.push_back(b.path);
  Reachability with = AnalyseProgram({kHost}, {}, mapped);
  CHECK(Names(with).count("syncfs"));
  CHECK(with.dlopened == std::vector<std::string>{RealPath(kPlugin)});  // libc and the loader are not roots
  CHECK(with.unreadable_mapped.empty());
  // The libraries the host needs, mapped too, add nothing: only the plugin's code is new.
  std::set<std::string> extra;
  for (const std::string& n : Names(with)) {
    if (!Names(alone).count(n)) extra.insert(n);
  }
  CHECK(extra.count("syncfs"));
}

TEST_CASE("mapped files that are gone or not ELF are reported, not guessed", "[reach]") {
  if (!SamplesBuilt("the unreadable mapped files case")) return;
  Reachability r = AnalyseProgram({kHost}, {}, {"/var/tmp/gone.so (deleted)", "/nonexistent/lib.so", "/etc/hostname"});
  REQUIRE(r.unreadable_mapped.size() == 3);
  CHECK(r.unreadable_mapped[0] == "/var/tmp/gone.so: deleted since it was mapped");
  CHECK(r.unreadable_mapped[1].find("/nonexistent/lib.so: ") == 0);
  CHECK(r.unreadable_mapped[2].find("/etc/hostname: ") == 0);
  CHECK(r.dlopened.empty());
}

TEST_CASE("record --reachable covers a dlopen'd plugin however its process ends", "[reach][ptrace]") {
  if (!SamplesBuilt("record --reachable with dlopen")) return;
  std::string dir = "/var/tmp/profilegen-dlopen-test-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  std::vector<std::vector<std::string>> endings = {
      {kHost, kPlugin},                       // exit_group from main
      {kHost, kPlugin, "thread"},             // exit_group from a second thread
      {kHost, kPlugin, "signal"},             // killed by SIGTERM
      {kHost, kPlugin, "exec", "/bin/true"},  // mappings replaced by execve
  };
  for (const std::vector<std::string>& argv : endings) {
    std::string mode = argv.size() > 2 ? argv[2] : "return";
    SECTION(mode) {
      trace::Trace t = RecordReachable(argv, dir);
      INFO(mode);
      CHECK(t.mapped.count(RealPath(kPlugin)));
      REQUIRE(t.reachable);
      CHECK(std::count(t.reachable->binaries.begin(), t.reachable->binaries.end(), RealPath(kPlugin)) == 1);
      CHECK(Reached(t, "syncfs"));
      CHECK(!Observed(t, "syncfs"));  // reachable only
    }
  }
  SECTION("call") {
    trace::Trace t = RecordReachable({kHost, kPlugin, "call"}, dir);
    CHECK(Observed(t, "syncfs"));
    CHECK(Reached(t, "syncfs"));
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("record --reachable analyses the extension modules python imports", "[reach][ptrace]") {
  const std::string python = "/usr/bin/python3";
  if (access(python.c_str(), X_OK) != 0) {
    support::Skip("python extension modules", python + " is not installed");
    return;
  }
  std::string dir = "/var/tmp/profilegen-dlopen-py-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  // Where this python keeps _ssl: an extension module it dlopens on import (not a DT_NEEDED library).
  std::string where = dir + "/ssl_path.txt";
  std::system((python + " -c 'import _ssl; print(_ssl.__file__)' > " + where).c_str());
  char buf[PATH_MAX] = {};
  FILE* f = fopen(where.c_str(), "r");
  bool have = f && fgets(buf, sizeof buf, f);
  if (f) fclose(f);
  std::string module = buf;
  while (!module.empty() && module.back() == '\n') module.pop_back();
  if (!have || module.empty() || module[0] != '/') {
    support::Skip("python extension modules", python + " has no _ssl extension module file");
    std::system(("rm -rf " + dir).c_str());
    return;
  }
  trace::Trace t = RecordReachable({python, "-c", "import _ssl"}, dir);
  module = RealPath(module);
  CHECK(t.mapped.count(module));
  REQUIRE(t.reachable);
  const std::vector<std::string>& bins = t.reachable->binaries;
  CHECK(std::find(bins.begin(), bins.end(), module) != bins.end());
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace profilegen::reach
