#include "engines/engine_answers.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "base/error.h"
#include "tests/engines/fake_conmon.h"
#include "tests/engines/fake_podman.h"

using namespace profilegen;
using namespace profilegen::engines;

namespace {

// XDG_CACHE_HOME (where the facts cache lives) set to a fresh folder for one test, and restored after; and
// CONTAINERS_STORAGE_CONF naming a missing file, so that the image's config is never read from the machine's
// own podman store (containers_storage.h) but always asked from the fake podman.
class CacheHome {
 public:
  CacheHome() {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) old_ = old;
    if (const char* old = std::getenv("CONTAINERS_STORAGE_CONF")) old_storage_ = old;
    char tmpl[] = "/tmp/pg-answers-cache-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    ::setenv("XDG_CACHE_HOME", dir_.c_str(), 1);
    ::setenv("CONTAINERS_STORAGE_CONF", (dir_ + "/missing-storage.conf").c_str(), 1);
  }
  ~CacheHome() {
    Restore("XDG_CACHE_HOME", old_);
    Restore("CONTAINERS_STORAGE_CONF", old_storage_);
    std::system(("rm -rf " + dir_).c_str());
  }

 private:
  static void Restore(const char* name, const std::optional<std::string>& old) {
    if (old) {
      ::setenv(name, old->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  std::optional<std::string> old_, old_storage_;
  std::string dir_;
};

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("engine answers: podman's facts on a cache miss are read from the run, then served by the cache",
          "[engines]") {
  CacheHome cache;
  testing::FakePodman podman;
  // The cache does not store an answer whose engine binary changed in the last 0.1 s (facts_cache.h, racy).
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  RunCommand run = podman.Run();
  std::string cidfile;
  {
    EngineAnswers answers = AskEngine(run, /*with_image=*/true, /*defer_facts=*/true);
    CHECK(answers.image.id == "sha256:0123abcd");
    CHECK(answers.image.cmd == std::vector<std::string>{"/bin/sh"});
    REQUIRE(answers.pending.valid());  // asked during the run
    cidfile = answers.cidfile;
    REQUIRE_FALSE(cidfile.empty());  // the run must get --cidfile
    CHECK_FALSE(Exists(cidfile));
    // The run: podman writes the container id, the container's conmon runs.
    testing::FakeConmon conmon(podman.dir(), podman.dir() + "/fakert", "fakert");
    std::ofstream(cidfile) << conmon.id() << "\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    trace::ContainerFacts facts = JoinFacts(answers);
    CHECK(facts.engine == "podman");
    CHECK(facts.engine_version == "4.3.1");
    CHECK(facts.runtime == "fakert");
    CHECK(facts.runtime_version == "9.9.9");
  }
  CHECK_FALSE(Exists(cidfile));
  std::string log = podman.Log();
  CHECK(log.find("image inspect busybox:1\n") != std::string::npos);
  CHECK(log.find("--version\n") != std::string::npos);
  CHECK(log.find("info") == std::string::npos);

  podman.ClearLog();
  EngineAnswers again = AskEngine(run, true, true);
  CHECK_FALSE(again.pending.valid());  // from the cache: nothing left to ask
  CHECK(again.cidfile.empty());
  CHECK(again.facts.runtime == "fakert");
  CHECK(again.facts.runtime_version == "9.9.9");
  CHECK(podman.Log() == "image inspect busybox:1\n");  // the image's answer is stored from now on
}

TEST_CASE("engine answers: a run that writes no trace abandons the watch, and nothing is asked", "[engines]") {
  CacheHome cache;
  testing::FakePodman podman;
  std::string cidfile;
  {
    EngineAnswers answers = AskEngine(podman.Run(), true, true);
    cidfile = answers.cidfile;
    REQUIRE(answers.pending.valid());
  }  // not joined: the destructor must not wait for a run that never comes
  CHECK_FALSE(Exists(cidfile.substr(0, cidfile.rfind('/'))));
  CHECK(podman.Log() == "image inspect busybox:1\n");
}

TEST_CASE("engine answers: with -d, or the user's own --cidfile", "[engines]") {
  CacheHome cache;
  testing::FakePodman podman;

  SECTION("-d: the facts are awaited before the run, from podman info") {
    EngineAnswers answers = AskEngine(podman.Run(), true, /*defer_facts=*/false);
    CHECK_FALSE(answers.pending.valid());
    CHECK(answers.cidfile.empty());
    CHECK(answers.facts.runtime == "runc");
    CHECK(podman.Log().find("info --format json\n") != std::string::npos);
  }
  SECTION("the user's --cidfile is watched, none is added, and it is kept") {
    RunCommand run = podman.Run();
    std::string own = podman.dir() + "/own.cid";
    run.options.push_back({{"--cidfile", own}, "cidfile", own});
    EngineAnswers answers = AskEngine(run, true, true);
    CHECK(answers.cidfile.empty());
    testing::FakeConmon conmon(podman.dir(), podman.dir() + "/fakert", "fakert");
    std::ofstream(own) << conmon.id() << "\n";
    CHECK(JoinFacts(answers).runtime == "fakert");
    CHECK(Exists(own));
  }
}

TEST_CASE("engine answers: when the image question fails, podman info says whether podman works first", "[engines]") {
  CacheHome cache;
  testing::FakePodman broken(/*works=*/false);
  CHECK_THROWS_WITH(AskEngine(broken.Run(), true, true), Catch::Contains("podman does not work here (") &&
                                                             Catch::Contains("fake podman cannot start: no newuidmap"));
  CHECK(broken.Log().find("info --format json\n") != std::string::npos);
}
