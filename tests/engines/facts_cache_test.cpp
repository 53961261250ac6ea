#include "engines/facts_cache.h"

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

std::string TempDir() {
  char tmpl[] = "/tmp/pg-factscache-XXXXXX";
  return ::mkdtemp(tmpl);
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::trunc) << text; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A fake podman (any executable will do: the key only stamps it).
std::string FakePodman(const std::string& dir) {
  std::string path = dir + "/podman";
  Write(path, "#!/bin/sh\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

RunCommand Podman(const std::string& program, std::vector<std::string> global = {}) {
  RunCommand run;
  run.engine = Engine::kPodman;
  run.program = program;
  run.global_words = std::move(global);
  run.subcommand = {"run"};
  run.image = "busybox";
  return run;
}

nlohmann::ordered_json Answer() { return {{"runtime", "runc"}, {"n", 7}}; }

}  // namespace

TEST_CASE("facts cache: where it lives", "[engines]") {
  CHECK(EngineCacheDir(Env({{"XDG_CACHE_HOME", "/x/cache"}, {"HOME", "/home/u"}}), 1000) ==
        "/x/cache/profilegen/engines");
  CHECK(EngineCacheDir(Env({{"XDG_CACHE_HOME", "/x/cache"}}), 0) == "/x/cache/profilegen/engines");
  CHECK(EngineCacheDir(Env({{"HOME", "/root"}}), 0) == "/var/cache/profilegen/engines");
  CHECK(EngineCacheDir(Env({{"HOME", "/home/u"}}), 1000) == "/home/u/.cache/profilegen/engines");
  // A relative XDG_CACHE_HOME is invalid by the XDG rules and ignored; no HOME: no cache for a user.
  CHECK(EngineCacheDir(Env({{"XDG_CACHE_HOME", "rel"}, {"HOME", "/home/u"}}), 1000) ==
        "/home/u/.cache/profilegen/engines");
  CHECK(EngineCacheDir(Env({}), 1000).empty());
}

TEST_CASE("facts cache: the configuration files podman may read", "[engines]") {
  auto paths = PodmanConfigPaths(Env({{"CONTAINERS_CONF", "/t/c.conf"}, {"HOME", "/home/u"}}));
  auto has = [&](const std::string& p) { return std::find(paths.begin(), paths.end(), p) != paths.end(); };
  CHECK(paths.front() == "/t/c.conf");
  CHECK(has("/usr/share/containers/containers.conf"));
  CHECK(has("/etc/containers/containers.conf"));
  CHECK(has("/etc/containers/containers.conf.d"));
  CHECK(has("/home/u/.config/containers/containers.conf"));
  CHECK(has("/home/u/.config/containers/containers.conf.d"));
  auto xdg = PodmanConfigPaths(Env({{"XDG_CONFIG_HOME", "/cfg"}, {"HOME", "/home/u"}}));
  CHECK(std::find(xdg.begin(), xdg.end(), "/cfg/containers/containers.conf") != xdg.end());
  CHECK(std::find(xdg.begin(), xdg.end(), "/home/u/.config/containers/containers.conf") == xdg.end());
}

TEST_CASE("facts cache: the engine program is found as exec would", "[engines]") {
  std::string dir = TempDir(), podman = FakePodman(dir);
  CHECK(ResolveProgram("podman", Env({{"PATH", "/nonexistent:" + dir}})) == podman);
  CHECK(ResolveProgram(podman, Env({})) == podman);
  CHECK(ResolveProgram("podman", Env({{"PATH", "/nonexistent"}})).empty());
  CHECK(ResolveProgram(dir, Env({})).empty());  // a folder is not a program
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("facts cache: the key follows program, options, environment and configuration", "[engines]") {
  std::string dir = TempDir(), podman = FakePodman(dir), conf = dir + "/containers.conf";
  Write(conf, "[engine]\nruntime = \"runc\"\n");
  auto env = Env({{"CONTAINERS_CONF", conf}, {"HOME", dir}, {"PATH", dir}});
  std::optional<CacheKey> a = PodmanCacheKey(Podman("podman"), env, 0);
  REQUIRE(a);
  CHECK(PodmanCacheKey(Podman("podman"), env, 0) == a);
  CHECK(CacheFileName(*a) == CacheFileName(*PodmanCacheKey(Podman(podman), env, 0)));  // same program
  CHECK(CacheFileName(*a).rfind("podman-", 0) == 0);
  // A user's --runtime before `run` is another question, as is another user.
  CHECK(PodmanCacheKey(Podman("podman", {"--runtime", "crun"}), env, 0) != a);
  CHECK(CacheFileName(*PodmanCacheKey(Podman("podman", {"--runtime", "crun"}), env, 0)) != CacheFileName(*a));
  CHECK(PodmanCacheKey(Podman("podman"), env, 1000) != a);
  // The configuration file edited in place (runtime = "crun"), or another file named.
  // (Sizes differ: two writes within one clock tick keep the times; CacheKey::racy covers that case.)
  Write(conf, "[engine]\nruntime = \"crun\" # edited\n");
  std::optional<CacheKey> b = PodmanCacheKey(Podman("podman"), env, 0);
  CHECK(b != a);
  CHECK(CacheFileName(*b) != CacheFileName(*a));
  CHECK(PodmanCacheKey(Podman("podman"), Env({{"CONTAINERS_CONF", conf + ".other"}, {"HOME", dir}, {"PATH", dir}}),
                       0) != b);
  // A user configuration that appears, and a drop-in file edited in its folder.
  ::mkdir((dir + "/.config").c_str(), 0755);
  ::mkdir((dir + "/.config/containers").c_str(), 0755);
  Write(dir + "/.config/containers/containers.conf", "[engine]\n");
  std::optional<CacheKey> c = PodmanCacheKey(Podman("podman"), env, 0);
  CHECK(c != b);
  ::mkdir((dir + "/.config/containers/containers.conf.d").c_str(), 0755);
  Write(dir + "/.config/containers/containers.conf.d/a.conf", "[engine]\n");
  std::optional<CacheKey> d = PodmanCacheKey(Podman("podman"), env, 0);
  CHECK(d != c);
  Write(dir + "/.config/containers/containers.conf.d/a.conf", "[engine]\nruntime = \"crun\"\n");
  CHECK(PodmanCacheKey(Podman("podman"), env, 0) != d);
  CHECK(PodmanCacheKey(Podman("podman"), env, 0)->racy);  // just written
  // The engine binary replaced (an upgrade).
  std::optional<CacheKey> e = PodmanCacheKey(Podman("podman"), env, 0);
  Write(podman, "#!/bin/sh\n# 4.4\n");
  CHECK(PodmanCacheKey(Podman("podman"), env, 0) != e);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("facts cache: never for a remote podman, docker, or a missing program", "[engines]") {
  std::string dir = TempDir(), podman = FakePodman(dir);
  auto env = Env({{"PATH", dir}});
  CHECK(PodmanCacheKey(Podman("podman"), env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman", {"--remote"}), env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman", {"--url=unix:///run/p.sock"}), env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman", {"-c", "other"}), env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman", {"--connection", "other"}), env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman"), Env({{"PATH", dir}, {"CONTAINER_HOST", "ssh://h/run/p.sock"}}), 0));
  CHECK(PodmanCacheKey(Podman("podman"), Env({{"PATH", dir}, {"CONTAINER_HOST", ""}}), 0));
  RunCommand docker = Podman("podman");
  docker.engine = Engine::kDocker;
  CHECK_FALSE(PodmanCacheKey(docker, env, 0));
  CHECK_FALSE(PodmanCacheKey(Podman("podman"), Env({{"PATH", "/nonexistent"}}), 0));
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("facts cache: entries round-trip, and anything else is a miss", "[engines]") {
  CacheKey key{{{"engine", "podman"}, {"program", "/usr/bin/podman"}},
               {{"/usr/bin/podman", FileStamp{true, 1, 2, 3, 4}}, {"/etc/containers/containers.conf", {}}}};
  std::string text = CacheEntryText(key, Answer());
  CHECK(ParseCacheEntry(text, key) == Answer());
  CHECK(text.find("\"1:2:3:4\"") != std::string::npos);  // the stamps, as text
  CHECK(text.find("\"-\"") != std::string::npos);
  // Another key (a hash collision, or an entry copied from elsewhere).
  CacheKey other = key;
  other.files[1].second = FileStamp{true, 9, 9, 9, 9};
  CHECK_FALSE(ParseCacheEntry(text, other));
  CHECK(CacheFileName(other) != CacheFileName(key));
  // Malformed, truncated, another format or version, no answer.
  CHECK_FALSE(ParseCacheEntry("", key));
  CHECK_FALSE(ParseCacheEntry("garbage", key));
  CHECK_FALSE(ParseCacheEntry(text.substr(0, text.size() / 2), key));
  CHECK_FALSE(ParseCacheEntry("[]", key));
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    size_t at = t.find(from);
    REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };
  CHECK_FALSE(ParseCacheEntry(edited("\"version\": 1", "\"version\": 2"), key));
  CHECK_FALSE(ParseCacheEntry(edited("\"engine-facts\"", "\"trace\""), key));
  CHECK_FALSE(ParseCacheEntry(edited("\"answer\"", "\"answe\""), key));
  CHECK_FALSE(ParseCacheEntry(edited("1:2:3:4", "1:2:3:5"), key));
}

TEST_CASE("facts cache: stored, loaded, and a corrupt entry rewritten", "[engines]") {
  std::string dir = TempDir(), cache = dir + "/a/b";
  CacheKey key{{{"engine", "podman"}}, {{"/usr/bin/podman", FileStamp{true, 1, 2, 3, 4}}}};
  CHECK_FALSE(LoadCacheEntry(cache, key));
  StoreCacheEntry(cache, key, Answer());  // creates the folders
  CHECK(LoadCacheEntry(cache, key) == Answer());
  // A key taken while a file was being written is not stored.
  CacheKey racy = key;
  racy.values.emplace_back("x", "y");
  racy.racy = true;
  StoreCacheEntry(cache, racy, Answer());
  CHECK_FALSE(LoadCacheEntry(cache, racy));
  std::string entry = cache + "/" + CacheFileName(key);
  Write(entry, "{\"profilegen\": \"engine-facts\", \"ver");
  CHECK_FALSE(LoadCacheEntry(cache, key));
  StoreCacheEntry(cache, key, Answer());
  CHECK(LoadCacheEntry(cache, key) == Answer());
  CHECK(Slurp(entry).find("\"runtime\": \"runc\"") != std::string::npos);
  // No cache folder, or one that cannot be made: no entry, no error.
  CHECK_FALSE(LoadCacheEntry("", key));
  StoreCacheEntry("", key, Answer());
  StoreCacheEntry(entry + "/below-a-file", key, Answer());
  std::system(("rm -rf " + dir).c_str());
}
