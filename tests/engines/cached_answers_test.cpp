#include "engines/cached_answers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>

#include "tests/engines/fake_env.h"

using namespace profilegen::engines;

namespace {

using testing::Env;

CachedFacts Runc() {
  return {"4.3.1",
          "runc",
          "1.1.5+ds1",
          "/usr/bin/runc",
          FileStamp{true, 7, 100, 5, 6},
          "/var/lib/containers/storage/overlay-images/images.json"};
}

RunCommand Podman(std::vector<std::string> options = {}) {
  RunCommand run;
  run.engine = Engine::kPodman;
  run.program = "podman";
  run.subcommand = {"run"};
  for (const std::string& o : options) {
    size_t eq = o.find('=');
    run.options.push_back({{"--" + o}, o.substr(0, eq), o.substr(eq + 1)});
  }
  run.image = "busybox:1";
  return run;
}

}  // namespace

TEST_CASE("cached answers: podman's facts round-trip and are checked", "[engines]") {
  CHECK(ParseCachedFacts(CachedFactsJson(Runc())) == Runc());
  nlohmann::ordered_json j = CachedFactsJson(Runc());
  j["runtime"] = "";
  CHECK_FALSE(ParseCachedFacts(j));
  j = CachedFactsJson(Runc());
  j["runtimeVersion"] = 3;
  CHECK_FALSE(ParseCachedFacts(j));
  j = CachedFactsJson(Runc());
  j.erase("imageIndex");
  CHECK_FALSE(ParseCachedFacts(j));
  j = CachedFactsJson(Runc());
  j["runtimeStamp"] = "7:100:5";
  CHECK_FALSE(ParseCachedFacts(j));
  CHECK_FALSE(ParseCachedFacts(nlohmann::ordered_json::array()));
}

TEST_CASE("cached answers: a replaced runtime binary makes the facts stale", "[engines]") {
  CachedFacts f = Runc();
  CHECK(RuntimeUnchanged(f, [](const std::string&) { return FileStamp{true, 7, 100, 5, 6}; }));
  CHECK_FALSE(RuntimeUnchanged(f, [](const std::string&) { return FileStamp{true, 8, 100, 5, 6}; }));
  CHECK_FALSE(RuntimeUnchanged(f, [](const std::string&) { return FileStamp{}; }));
  f.runtime_path.clear();
  CHECK(RuntimeUnchanged(f, [](const std::string&) { return FileStamp{}; }));
}

TEST_CASE("cached answers: image configs round-trip and are checked", "[engines]") {
  ImageConfig image{{"/init"}, {"-v"}, "sha256:abc", "x@sha256:def", "65532"};
  std::optional<ImageConfig> back = ParseCachedImage(ImageConfigJson(image));
  REQUIRE(back);
  CHECK(back->entrypoint == image.entrypoint);
  CHECK(back->cmd == image.cmd);
  CHECK(back->id == image.id);
  CHECK(back->digest == image.digest);
  CHECK(back->user == image.user);
  nlohmann::ordered_json j = ImageConfigJson(image);
  j["cmd"] = {1};
  CHECK_FALSE(ParseCachedImage(j));
  j = ImageConfigJson(image);
  j["id"] = "";
  CHECK_FALSE(ParseCachedImage(j));
}

TEST_CASE("cached answers: an image's key follows the image store's index", "[engines]") {
  char tmpl[] = "/tmp/pg-answers-XXXXXX";
  std::string dir = ::mkdtemp(tmpl), index = dir + "/images.json";
  std::ofstream(index) << "[]";
  CachedFacts facts = Runc();
  facts.image_index = index;
  CacheKey engine{{{"engine", "podman"}}, {}};
  auto env = Env({{"HOME", dir}});
  std::optional<CacheKey> a = PodmanImageKey(engine, facts, Podman(), env);
  REQUIRE(a);
  CHECK(a->racy);  // the index was just written
  RunCommand other = Podman();
  other.image = "busybox:2";
  CHECK(PodmanImageKey(engine, facts, other, env) != a);
  std::ofstream(index) << "[{\"names\": [\"busybox:1\"]}]";  // a pull, tag or removal
  CHECK(PodmanImageKey(engine, facts, Podman(), env) != a);
  // Not cached: the run pulls anyway, the index is unknown or missing.
  CHECK_FALSE(PodmanImageKey(engine, facts, Podman({"pull=always"}), env));
  CHECK_FALSE(PodmanImageKey(engine, facts, Podman({"pull=newer"}), env));
  CHECK(PodmanImageKey(engine, facts, Podman({"pull=never"}), env));
  facts.image_index = dir + "/missing.json";
  CHECK_FALSE(PodmanImageKey(engine, facts, Podman(), env));
  facts.image_index.clear();
  CHECK_FALSE(PodmanImageKey(engine, facts, Podman(), env));
  std::system(("rm -rf " + dir).c_str());
}
