// `profilegen learn --log FILE` through the built binary: a saved dmesg read into a trace that generate takes,
// and the errors a user reads (one line, exit 2, no output file left behind).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

const std::string kBinary = PROFILEGEN_BINARY_DIR "/profilegen";

struct Result {
  int code = -1;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Dir {
 public:
  Dir() {
    std::string t = (std::filesystem::temp_directory_path() / "pg-learn-XXXXXX").string();
    if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path = t;
  }
  ~Dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

Result Run(const Dir& d, const std::string& args) {
  REQUIRE(access(kBinary.c_str(), X_OK) == 0);
  const std::string err = d.path + "/stderr";
  int status = std::system((kBinary + " " + args + " 2>" + err + " </dev/null").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(err)};
}

const char* kDmesg =
    "[13190.000000] eth0: link up\n"
    "[13193.001065] audit: type=1326 audit(1795996100.446:10): auid=4294967295 uid=0 gid=0 ses=4294967295 "
    "pid=21305 comm=\"mkdir\" exe=\"/bin/busybox\" sig=0 arch=c000003e syscall=83 compat=0 ip=0x1 code=0x7ffc0000\n"
    "[13193.001068] audit: type=1326 audit(1795996100.450:11): auid=4294967295 uid=0 gid=0 ses=4294967295 "
    "pid=21306 comm=\"app\" exe=\"/usr/bin/app\" sig=0 arch=c000003e syscall=162 compat=0 ip=0x1 code=0x7ffc0000\n";

}  // namespace

TEST_CASE("learn --log: a saved dmesg becomes a trace generate merges", "[engines][learn][cli]") {
  Dir d;
  std::ofstream(d.path + "/dmesg.txt") << kDmesg;
  Result r = Run(d, "learn --log " + d.path + "/dmesg.txt --exe /bin/busybox --since 2026-11-29T23:48:00Z -o " +
                        d.path + "/t.json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.find("profilegen: learned 1 distinct syscalls from 1 kernel log record (log: 1) of 1 process -> ") !=
        std::string::npos);
  nlohmann::json t = nlohmann::json::parse(Slurp(d.path + "/t.json"));
  REQUIRE(t["syscalls"].size() == 1);
  CHECK(t["syscalls"][0]["name"] == "mkdir");
  CHECK(t["sources"][0]["match"] == "exe /bin/busybox");
  CHECK(t["sources"][0]["since"] == "2026-11-29T23:48:00Z");
  Result g = Run(d, "generate --runtime none -o " + d.path + "/p.json " + d.path + "/t.json");
  INFO(g.err);
  REQUIRE(g.code == 0);
  CHECK(Slurp(d.path + "/p.json").find("\"mkdir\"") != std::string::npos);
}

TEST_CASE("learn: bad input is one error line, exit 2, and no output file", "[engines][learn][cli]") {
  Dir d;
  const std::string out = d.path + "/t.json";
  Result since = Run(d, "learn --log /dev/null --since yesterday -o " + out);
  CHECK(since.code == 2);
  CHECK(since.err ==
        "profilegen: error: --since: cannot read \"yesterday\" as a time; use 2026-11-29T23:00:00Z (UTC), @SECONDS "
        "(since the epoch) or -90s, -10m, -2h, -1d (before now)\n");
  Result missing = Run(d, "learn --log " + d.path + "/nope.txt -o " + out);
  CHECK(missing.code == 2);
  CHECK(missing.err == "profilegen: error: cannot read the log " + d.path + "/nope.txt: No such file or directory\n");
  CHECK_FALSE(std::filesystem::exists(out));
}
