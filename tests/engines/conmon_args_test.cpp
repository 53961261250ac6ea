#include "engines/conmon_args.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/engines/fake_conmon.h"

using namespace profilegen::engines;

namespace {

const std::string kId = "1d087b6318196d50faa136ed25adbd4daa7a5eb675ed6a600e581c6091d22fc7";

// conmon's argv as podman 4.3.1 started it here (root, containers.conf runtime = "runc"; trimmed of log options).
std::vector<std::string> Conmon(const std::string& id = kId, const std::string& runtime_name = "runc") {
  const std::string userdata = "/var/lib/containers/storage/overlay-containers/" + id + "/userdata";
  std::vector<std::string> argv = {"/usr/bin/conmon",
                                   "--api-version",
                                   "1",
                                   "-c",
                                   id,
                                   "-u",
                                   id,
                                   "-r",
                                   "/usr/bin/runc",
                                   "-b",
                                   userdata,
                                   "-p",
                                   "/run/containers/storage/overlay-containers/" + id + "/userdata/pidfile",
                                   "-n",
                                   "relaxed_shaw",
                                   "--exit-dir",
                                   "/run/libpod/exits",
                                   "--runtime-arg",
                                   "--log-format=json",
                                   "--runtime-arg",
                                   "--log",
                                   "--runtime-arg=" + userdata + "/oci-log",
                                   "--exit-command",
                                   "/usr/bin/podman"};
  for (const std::string& w :
       {std::string("--root"), std::string("/var/lib/containers/storage"), std::string("--runroot"),
        std::string("/run/containers/storage"), std::string("--cgroup-manager"), std::string("cgroupfs"),
        std::string("--network-config-dir"), std::string(""), std::string("--runtime"), runtime_name,
        std::string("--events-backend"), std::string("file"), std::string("container"), std::string("cleanup"),
        std::string("--rm"), id}) {
    argv.insert(argv.end(), {"--exit-command-arg", w});
  }
  return argv;
}

std::vector<std::string> Without(std::vector<std::string> argv, const std::string& word) {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == word) {
      argv.erase(argv.begin() + i, argv.begin() + i + 2);
      break;
    }
  }
  return argv;
}

void WriteProc(const std::string& proc, const std::string& pid, const std::string& comm,
               const std::vector<std::string>& argv) {
  ::mkdir((proc + "/" + pid).c_str(), 0755);
  std::ofstream(proc + "/" + pid + "/comm") << comm << "\n";
  std::ofstream cmdline(proc + "/" + pid + "/cmdline", std::ios::binary);
  for (const std::string& w : argv) cmdline << w << '\0';  // as the kernel shows it: every word NUL-terminated
}

}  // namespace

TEST_CASE("conmon's argv: the runtime podman used, its binary and the image store", "[engines]") {
  auto v = ParseConmonArgs(Conmon());
  REQUIRE(v);
  CHECK(v->container_id == kId);
  CHECK(v->runtime == "runc");
  CHECK(v->runtime_path == "/usr/bin/runc");
  // `podman info` here: store.graphRoot /var/lib/containers/storage, graphDriverName overlay.
  CHECK(v->image_index == "/var/lib/containers/storage/overlay-images/images.json");

  SECTION("a runtime podman was given as a path keeps the path, as podman info names it") {
    // `podman --runtime /usr/bin/runc info --format '{{.Host.OCIRuntime.Name}}'` printed /usr/bin/runc here.
    v = ParseConmonArgs(Conmon(kId, "/opt/bin/crun"));
    REQUIRE(v);
    CHECK(v->runtime == "/opt/bin/crun");
  }
  SECTION("a bundle outside the store's layout leaves the image index unknown, not guessed") {
    std::vector<std::string> argv = Conmon();
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == "-b") argv[i + 1] = "/elsewhere/" + kId + "/userdata";
    }
    v = ParseConmonArgs(argv);
    REQUIRE(v);
    CHECK(v->image_index.empty());
  }
  SECTION("without the id, the runtime binary or the runtime's name it is not read at all: ask podman info") {
    CHECK_FALSE(ParseConmonArgs(Without(Conmon(), "-c")));
    CHECK_FALSE(ParseConmonArgs(Without(Conmon(), "-r")));
    std::vector<std::string> argv = Conmon();
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == "--exit-command-arg" && argv[i + 1] == "--runtime") {
        argv.erase(argv.begin() + i, argv.begin() + i + 4);
      }
    }
    CHECK_FALSE(ParseConmonArgs(argv));
    CHECK_FALSE(ParseConmonArgs({"/bin/sleep", "20"}));
    CHECK_FALSE(ParseConmonArgs({}));
  }
}

TEST_CASE("conmon of a container: found among the processes by its id", "[engines]") {
  char tmpl[] = "/tmp/pg-conmon-XXXXXX";
  std::string proc = ::mkdtemp(tmpl);
  const std::string other = std::string(64, 'a');
  WriteProc(proc, "17", "bash", {"bash", "-c", kId});  // names the id, but is no conmon
  WriteProc(proc, "23", "conmon", Conmon(other));      // another container's
  WriteProc(proc, "42", "conmon", Conmon());           // this one's
  ::mkdir((proc + "/self").c_str(), 0755);             // not a process directory
  auto v = FindConmon(kId, proc);
  REQUIRE(v);
  CHECK(v->container_id == kId);
  CHECK(v->runtime == "runc");
  CHECK(FindConmon(other, proc)->container_id == other);
  CHECK_FALSE(FindConmon(std::string(64, 'b'), proc));
  CHECK_FALSE(FindConmon(kId, proc + "/missing"));
  std::system(("rm -rf " + proc).c_str());
}

TEST_CASE("conmon of a container: read from the real /proc", "[engines]") {
  char tmpl[] = "/tmp/pg-conmon-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string id;
  {
    testing::FakeConmon conmon(dir, "/usr/bin/runc", "runc");
    REQUIRE(conmon.started());
    id = conmon.id();
    std::optional<ConmonView> v;
    for (int i = 0; i < 200 && !(v = FindConmon(id)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(v);
    CHECK(v->container_id == id);
    CHECK(v->runtime == "runc");
    CHECK(v->runtime_path == "/usr/bin/runc");
  }
  CHECK_FALSE(FindConmon(id));  // gone with its process
  std::system(("rm -rf " + dir).c_str());
}
