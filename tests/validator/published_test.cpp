// Profiles published in public repositories (tests/validator/published/,
// provenance in PROVENANCE.txt), each run through podman and Docker with runc
// and crun, no-new-privileges off and on: `validate` must predict whether the
// container starts. RESULTS.txt (podman) and RESULTS.docker.txt record what the
// engines did (published_engines.sh); the [engine] cases run them again.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
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

// What validate predicts for one run: the engine, the run's runtime and
// no-new-privileges.
bool PredictsStart(profile::Engine engine, const Run& run) {
  ValidateOptions o;
  o.compile.target.engine = engine;
  o.compile.target.caps = profile::DefaultCaps();
  o.compile.runtime = run.runtime == "crun" ? Runtime::kCrun : Runtime::kRunc;
  o.no_new_privileges = run.nnp;
  const Report r = ValidateFile(PublishedDir() + "/" + run.profile, o);
  if (r.starts != run.started) {
    UNSCOPED_INFO(FormatText(r, o));
  }
  return r.starts;
}

std::string ResultsFile(profile::Engine engine) {
  return PublishedDir() + (engine == profile::Engine::kPodman ? "/RESULTS.txt" : "/RESULTS.docker.txt");
}

// Runs published_engines.sh for the engine; its lines, or nothing when the
// machine lacks what it needs (said in one line; a failure under CI=true).
std::optional<std::vector<Run>> RunNow(profile::Engine engine) {
  const std::string name = profile::EngineName(engine);
  const std::string script =
      std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/published_engines.sh --engine " + name;
  FILE* p = ::popen(script.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (rc == 77 && !support::Need("published profiles under " + name, "root, " + name + ", runc, crun and busybox",
                                 false)) {
    return std::nullopt;
  }
  REQUIRE(rc == 0);
  std::istringstream in(out);
  return ParseRuns(in);
}

}  // namespace

TEST_CASE("validate predicts what the engines did with every published profile (recorded runs)",
          "[validator][published]") {
  for (profile::Engine engine : {profile::Engine::kPodman, profile::Engine::kDocker}) {
    std::ifstream in(ResultsFile(engine));
    REQUIRE(in.good());
    const std::vector<Run> runs = ParseRuns(in);
    REQUIRE(runs.size() >= 40);
    size_t failed = 0;
    for (const Run& run : runs) {
      INFO(profile::EngineName(engine) << ": " << run.line);
      CHECK(PredictsStart(engine, run) == run.started);
      failed += run.started ? 0 : 1;
    }
    CHECK(failed > 0);  // the corpus holds profiles the runtimes cannot start
  }
}

TEST_CASE("validate predicts what podman does with every published profile (run now)",
          "[validator][published][engine]") {
  const auto runs = RunNow(profile::Engine::kPodman);
  if (!runs) return;
  REQUIRE(runs->size() >= 40);
  for (const Run& run : *runs) {
    INFO(run.line);
    CHECK(PredictsStart(profile::Engine::kPodman, run) == run.started);
  }
}

TEST_CASE("validate predicts what Docker does with every published profile (run now)",
          "[validator][published][engine]") {
  const auto runs = RunNow(profile::Engine::kDocker);
  if (!runs) return;
  REQUIRE(runs->size() >= 20);  // runc only, when the machine's own dockerd has no crun runtime
  for (const Run& run : *runs) {
    INFO(run.line);
    CHECK(PredictsStart(profile::Engine::kDocker, run) == run.started);
  }
}

}  // namespace profilegen::validator
