// Profiles published in public repositories (tests/validator/published/,
// provenance in PROVENANCE.txt), each run through podman with runc and crun,
// no-new-privileges off and on: `validate` must predict whether the container
// starts. RESULTS.txt records what the engines did (published_engines.sh); the
// [engine] case runs them again.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/skip.h"
#include "tests/validator/helpers.h"
#include "validator/validate.h"

namespace profilegen::validator {
namespace {

struct Run {
  std::string profile, runtime;
  bool nnp = false, started = false;
  std::string line;
};

std::string PublishedDir() { return std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/published"; }

std::vector<Run> ParseRuns(std::istream& in) {
  std::vector<Run> runs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Run r;
    std::string nnp, state;
    ls >> r.profile >> r.runtime >> nnp >> state;
    r.nnp = nnp == "true";
    r.started = state == "started";
    r.line = line;
    runs.push_back(r);
  }
  return runs;
}

// What validate predicts for one run: podman as the engine, the run's runtime
// and no-new-privileges.
bool PredictsStart(const Run& run) {
  ValidateOptions o;
  o.compile.target.engine = profile::Engine::kPodman;
  o.compile.target.caps = profile::DefaultCaps();
  o.compile.runtime = run.runtime == "crun" ? Runtime::kCrun : Runtime::kRunc;
  o.no_new_privileges = run.nnp;
  const Report r = ValidateFile(PublishedDir() + "/" + run.profile, o);
  if (r.starts != run.started) {
    UNSCOPED_INFO(FormatText(r, o));
  }
  return r.starts;
}

}  // namespace

TEST_CASE(
    "validate predicts what podman did with every published profile "
    "(recorded runs)",
    "[validator][published]") {
  std::ifstream in(PublishedDir() + "/RESULTS.txt");
  REQUIRE(in.good());
  const std::vector<Run> runs = ParseRuns(in);
  REQUIRE(runs.size() >= 40);
  size_t failed = 0;
  for (const Run& run : runs) {
    INFO(run.line);
    CHECK(PredictsStart(run) == run.started);
    failed += run.started ? 0 : 1;
  }
  CHECK(failed > 0);  // the corpus holds profiles the runtimes cannot start
}

TEST_CASE("validate predicts what podman does with every published profile (run now)",
          "[validator][published][engine]") {
  const std::string script = std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/published_engines.sh";
  FILE* p = ::popen(script.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (rc == 77 && !support::Need("published profiles under podman", "root, podman, runc, crun and busybox", false)) {
    return;
  }
  REQUIRE(rc == 0);
  std::istringstream in(out);
  const std::vector<Run> runs = ParseRuns(in);
  REQUIRE(runs.size() >= 40);
  for (const Run& run : runs) {
    INFO(run.line);
    CHECK(PredictsStart(run) == run.started);
  }
}

}  // namespace profilegen::validator
