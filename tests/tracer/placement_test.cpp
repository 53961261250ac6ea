// The recorded program sees the machine it runs on: the same CPUs (sched_getaffinity, nproc) as without record.
#include <catch2/catch.hpp>

#include "tests/tracer/harness.h"

using harness::Binary;
using harness::Sh;

TEST_CASE("by default the recorded program sees the same CPUs as without record [ptrace]", "[ptrace]") {
  harness::TempDir dir;
  const std::string probe = "sh -c 'nproc; grep Cpus_allowed_list /proc/self/status; python3 -c \"import os; "
                            "print(len(os.sched_getaffinity(0)), os.cpu_count())\"'";
  auto native = Sh(probe);
  REQUIRE(native.code == 0);
  if (std::atoi(native.output.c_str()) < 2) {
    support::Skip("the CPU view check", "one CPU here: a pinned command cannot be told apart");
    return;
  }
  auto recorded = Sh(Binary() + " record -q -o " + (dir / "t.json") + " -- " + probe);
  REQUIRE(recorded.code == 0);
  CHECK(recorded.output == native.output);
  // So does a program started under a narrower mask: record keeps the mask it was given.
  if (Sh("command -v taskset").code == 0 && std::atoi(native.output.c_str()) >= 2) {
    auto narrow = Sh("taskset -c 1 " + probe);
    auto narrow_recorded = Sh("taskset -c 1 " + Binary() + " record -q -o " + (dir / "t.json") + " -- " + probe);
    CHECK(narrow_recorded.output == narrow.output);
  }
}

TEST_CASE("--cpus same still pins the command to the tracer's CPU, as asked [ptrace]", "[ptrace]") {
  harness::TempDir dir;
  auto r = Sh(Binary() + " record -q --cpus same -o " + (dir / "t.json") + " -- nproc");
  REQUIRE(r.code == 0);
  CHECK(r.output == "1\n");
}
