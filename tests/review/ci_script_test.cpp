// samples/ci/local-ci.sh: the CI recipe run locally with the built binary.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "helpers.h"
#include "tests/support/skip.h"

using review_test::Run;
using review_test::ShellQuote;
using review_test::TempDir;

namespace {

const std::string kScript = PROFILEGEN_SOURCE_DIR "/samples/ci/local-ci.sh";

bool StaticBusybox() { return Run("file -L /bin/busybox | grep -q 'statically linked'").exit_code == 0; }

review_test::RunResult LocalCi(const std::string& args) {
  return Run(ShellQuote(kScript) + " --profilegen " + ShellQuote(review_test::kBinary) + " " + args);
}

}  // namespace

TEST_CASE("local-ci.sh: record, generate, validate, diff and gate", "[review][ci]") {
  if (!support::Need("local-ci.sh", "a static busybox (busybox-static)", StaticBusybox())) return;
  TempDir d;
  const std::string committed = d.path() + "/profile.json";

  const auto create = LocalCi("--update --committed " + ShellQuote(committed));
  INFO(create.out + create.err);
  REQUIRE(create.exit_code == 0);
  REQUIRE(access(committed.c_str(), R_OK) == 0);

  const auto same = LocalCi("--committed " + ShellQuote(committed) + " --work " + ShellQuote(d.path() + "/w1"));
  INFO(same.out + same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("unit: ok") != std::string::npos);
  CHECK(same.out.find("integration: ok") != std::string::npos);
  CHECK(review_test::Slurp(d.path() + "/w1/comment.md").rfind("### Seccomp profile diff: no effective difference", 0) ==
        0);

  const auto risky =
      LocalCi("--risky-change --committed " + ShellQuote(committed) + " --work " + ShellQuote(d.path() + "/w2"));
  INFO(risky.out + risky.err);
  CHECK(risky.exit_code == 1);
  const std::string comment = review_test::Slurp(d.path() + "/w2/comment.md");
  CHECK(comment.find("**Gate `--fail-on risky`: failed.**") != std::string::npos);
  CHECK(comment.find("| added | `chroot` | amd64 | `default ERRNO(EPERM)` | `ALLOW` | observed | :warning: **escape**") !=
        std::string::npos);
  CHECK(risky.err.find("the gate failed") != std::string::npos);

  CHECK(LocalCi("--bogus").exit_code == 2);
  CHECK(Run(ShellQuote(kScript) + " --profilegen /nonexistent").exit_code == 2);
}

TEST_CASE("local-ci.sh: the committed sample profile fits the sample tests", "[review][ci]") {
  if (!support::Need("local-ci.sh", "a static busybox (busybox-static)", StaticBusybox())) return;
  const auto r = LocalCi("");
  INFO(r.out + r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("[engine] local-ci.sh --in-container records inside podman", "[review][ci][engine]") {
  const std::string what = "local-ci.sh --in-container";
  if (!support::Need(what, "root", geteuid() == 0)) return;
  if (!support::Need(what, "podman", Run("command -v podman").exit_code == 0)) return;
  if (!support::Need(what, "a static busybox (busybox-static)", StaticBusybox())) return;
  TempDir d;
  const auto r = LocalCi("--in-container --work " + ShellQuote(d.path() + "/w"));
  INFO(r.out + r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(inside podman)") != std::string::npos);
  CHECK(r.out.find("unit: ok") != std::string::npos);
  const std::string trace = review_test::Slurp(d.path() + "/w/traces/unit.json");
  CHECK(trace.find("\"profilegen\": \"trace\"") != std::string::npos);
  CHECK(Run("mount | grep -q " + ShellQuote(d.path())).exit_code != 0);  // the rootfs bind is gone
}
