#pragma once
// Skipping a test case visibly. A case whose machine lacks an ability (root, the i386 ABI, an engine) says so in
// one line: a Catch2 warning in the test's own output, and a line appended to $PROFILEGEN_SKIP_LOG, which
// scripts/test.sh prints after the suite (ctest shows a passing test's output only on failure).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace support {

/// True under CI=true, where a missing engine or root is a failure, never a skip.
inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

/// Records that `what` was skipped because `why`; the caller returns from the case (or leaves the section).
inline void Skip(const std::string& what, const std::string& why) {
  std::string line = "skipped: " + what + ": " + why;
  WARN(line);
  if (const char* log = std::getenv("PROFILEGEN_SKIP_LOG")) {
    std::ofstream(log, std::ios::app) << line << '\n';
  }
}

/// Skips (returning false) where the machine lacks `ability`; under CI=true a missing requirement fails instead.
/// For abilities that CI machines must have (root, the engines), not for those a kernel may lack (i386).
inline bool Need(const std::string& what, const std::string& ability, bool present) {
  if (present) return true;
  if (InCi()) throw std::runtime_error(what + " needs " + ability + ", and CI=true: CI must provide it");
  Skip(what, "this machine lacks " + ability);
  return false;
}

}  // namespace support
