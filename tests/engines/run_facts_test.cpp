#include "engines/run_facts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/engines/fake_conmon.h"
#include "tests/engines/fake_podman.h"

using namespace profilegen::engines;

namespace {

using testing::FakePodman;

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

TEST_CASE("run facts: a fresh folder for the container id file", "[engines]") {
  std::string a = NewCidfilePath(), b = NewCidfilePath();
  REQUIRE_FALSE(a.empty());
  CHECK(a != b);
  CHECK(a.substr(a.rfind('/')) == "/cid");
  CHECK_FALSE(Exists(a));  // podman refuses an id file that exists
  CHECK(Exists(a.substr(0, a.rfind('/'))));
  for (const std::string& p : {a, b}) ::rmdir(p.substr(0, p.rfind('/')).c_str());
}

TEST_CASE("run facts: read from the container's conmon, and the versions its programs print", "[engines]") {
  FakePodman engine;
  testing::FakeConmon conmon(engine.dir(), engine.dir() + "/fakert", "fakert");
  REQUIRE(conmon.started());
  std::string cidfile = NewCidfilePath();
  auto signal = std::make_shared<RunSignal>();
  int answers = 0;
  auto pending = WatchRunFacts(engine.Run(), cidfile, true, signal, [&answers](const EngineInfo&) { ++answers; });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the run writes the id a while after it starts
  std::ofstream(cidfile) << conmon.id() << "\n";
  REQUIRE(pending.wait_for(std::chrono::seconds(10)) == std::future_status::ready);  // before the run is over
  EngineInfo info = pending.get();
  CHECK(info.facts.engine == "podman");
  CHECK(info.facts.engine_version == "4.3.1");
  CHECK(info.facts.runtime == "fakert");
  CHECK(info.facts.runtime_version == "9.9.9");
  CHECK(info.runtime_path == engine.dir() + "/fakert");
  CHECK(answers == 1);
  CHECK(engine.Log() == "--version\n");  // no `podman info`
  CHECK_FALSE(Exists(cidfile));          // the id file and its folder are gone
  CHECK_FALSE(Exists(cidfile.substr(0, cidfile.rfind('/'))));
}

TEST_CASE("run facts: no conmon seen when the run is over: podman info after all", "[engines]") {
  FakePodman engine;
  auto signal = std::make_shared<RunSignal>();
  std::string cidfile = NewCidfilePath();
  EngineInfo stored;
  auto pending = WatchRunFacts(engine.Run(), cidfile, true, signal, [&stored](const EngineInfo& e) { stored = e; });

  SECTION("no container id was written (the run failed before its container started)") {
    // Until the run is over the watch waits, and asks nothing.
    CHECK(pending.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    CHECK(engine.Log().empty());
  }
  SECTION("an id whose conmon has gone") {
    std::ofstream(cidfile) << std::string(64, 'c') << "\n";
    CHECK(pending.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  }
  SECTION("a conmon whose runtime does not answer --version: asked at once, not after the run") {
    testing::FakeConmon conmon(engine.dir(), engine.dir() + "/missing-runtime", "runc");
    std::ofstream(cidfile) << conmon.id() << "\n";
    CHECK(pending.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  }
  signal->Leave(RunPhase::kOver);
  EngineInfo info = pending.get();
  CHECK(info.facts.runtime == "runc");
  CHECK(info.facts.runtime_version == "1.1.5+ds1");
  CHECK(info.runtime_path == "/usr/bin/runc");
  CHECK(info.image_index == "/var/lib/containers/storage/overlay-images/images.json");
  CHECK(stored.facts == info.facts);
  CHECK(engine.Log().find("info --format json\n") != std::string::npos);
  CHECK_FALSE(Exists(cidfile));
}

TEST_CASE("run facts: abandoned (no trace to complete): nothing is asked or stored", "[engines]") {
  FakePodman engine;
  auto signal = std::make_shared<RunSignal>();
  std::string cidfile = NewCidfilePath();
  bool stored = false;
  auto pending = WatchRunFacts(engine.Run(), cidfile, true, signal, [&stored](const EngineInfo&) { stored = true; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  signal->Leave(RunPhase::kAbandoned);
  signal->Leave(RunPhase::kOver);  // an abandoned watch stays abandoned
  REQUIRE(pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(pending.get().facts.runtime.empty());
  CHECK_FALSE(stored);
  CHECK(engine.Log().empty());
  CHECK_FALSE(Exists(cidfile.substr(0, cidfile.rfind('/'))));
}
