// [engine] The exported OCI linux.seccomp object, loaded by a real runc: a command that needs only allowed
// syscalls works, one that needs a denied syscall fails, and the same command works under the unmodified
// profile (so the failure is seccomp's doing).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"
#include "tests/support/skip.h"

using nlohmann::json;
using review_test::Profilegen;
using review_test::Run;
using review_test::ShellQuote;
using review_test::TempDir;

namespace {

// Missing prerequisites fail the test under CI=true and are skipped visibly elsewhere (support::Need).
bool Prerequisites(std::string& busybox) {
  std::string missing;
  if (geteuid() != 0) missing += " root";
  if (Run("command -v runc").exit_code != 0) missing += " runc";
  for (const char* candidate : {"/bin/busybox", "/usr/bin/busybox"}) {
    if (Run(std::string("file -L ") + candidate + " | grep -q 'statically linked'").exit_code == 0) {
      busybox = candidate;
      break;
    }
  }
  if (busybox.empty()) missing += " busybox-static";
  return support::Need("the exported OCI object loaded by runc", missing.substr(missing.empty() ? 0 : 1),
                       missing.empty());
}

struct Bundle {
  TempDir dir;
  explicit Bundle(const std::string& busybox) {
    REQUIRE(Run("cd " + ShellQuote(dir.path()) + " && runc spec").exit_code == 0);
    REQUIRE(Run("mkdir -p " + ShellQuote(dir.path() + "/rootfs/bin") + " && cp " + ShellQuote(busybox) + " " +
                ShellQuote(dir.path() + "/rootfs/bin/busybox"))
                .exit_code == 0);
  }
  // Runs argv in a fresh container under the given linux.seccomp object.
  review_test::RunResult RunWith(const json& seccomp, const std::vector<std::string>& argv) {
    json config = json::parse(profilegen::ReadFile(dir.path() + "/config.json"));
    config["process"]["terminal"] = false;
    config["process"]["args"] = argv;
    config["linux"]["seccomp"] = seccomp;
    dir.Write("config.json", config.dump(2));
    const std::string id = "pg-review-" + std::to_string(getpid()) + "-" + std::to_string(++runs_);
    auto r = Run("runc run -b " + ShellQuote(dir.path()) + " " + id);
    Run("runc delete -f " + id);
    return r;
  }

 private:
  int runs_ = 0;
};

json Export(const std::string& profile_path) {
  TempDir d;
  const std::string out = d.path() + "/seccomp.json";
  // runc spec's default bounding set, so includes/excludes are resolved as for this container.
  const auto r = Profilegen("export --format oci --caps CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE -o " +
                            ShellQuote(out) + " " + ShellQuote(profile_path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(profilegen::ReadFile(out));
}

}  // namespace

TEST_CASE("[engine] runc enforces the exported OCI seccomp object", "[review][export][engine]") {
  std::string busybox;
  if (!Prerequisites(busybox)) return;
  TempDir d;
  // Docker's default without mkdir and mkdirat.
  json moby = json::parse(profilegen::ReadFile(review_test::kMoby));
  for (auto& entry : moby["syscalls"]) {
    json names = json::array();
    for (const auto& n : entry["names"]) {
      if (n != "mkdir" && n != "mkdirat") names.push_back(n);
    }
    entry["names"] = names;
  }
  const std::string no_mkdir = d.Write("no-mkdir.json", moby.dump(1));
  const json denied = Export(no_mkdir);
  const json stock = Export(review_test::kMoby);

  Bundle bundle(busybox);
  SECTION("an allowed command works") {
    const auto r = bundle.RunWith(denied, {"/bin/busybox", "echo", "hello from runc"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello from runc\n");
  }
  SECTION("a command that needs a denied syscall fails with EPERM") {
    const auto r = bundle.RunWith(denied, {"/bin/busybox", "mkdir", "/dev/shm/made-by-test"});
    INFO(r.out + r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("Operation not permitted") != std::string::npos);
  }
  SECTION("the same command works under the unmodified profile") {
    const auto r = bundle.RunWith(stock, {"/bin/busybox", "mkdir", "/dev/shm/made-by-test"});
    INFO(r.out + r.err);
    CHECK(r.exit_code == 0);
  }
}
