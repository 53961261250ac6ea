#pragma once
// A static musl program for the tests that need one: tests/e2e/musl_app.c (the container recording test's image
// program) built with musl-gcc.
#include <cstdlib>
#include <string>

namespace support {

/// tests/e2e/musl_app.c built static into `dir`, or "" without musl-gcc (musl-tools).
inline std::string MuslProgram(const std::string& dir) {
  std::string out = dir + "/musl_app";
  std::string cmd = std::string("musl-gcc -static -O2 -o ") + out + " " + PROFILEGEN_SOURCE_DIR +
                    "/tests/e2e/musl_app.c >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0 ? out : "";
}

}  // namespace support
