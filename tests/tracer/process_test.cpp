// Facts about processes the recorder and `run` report: the hint for a 32-bit program on a 64-bit-only kernel.
#include "tracer/process.h"

#include <cerrno>
#include <catch2/catch.hpp>

#include "tests/tracer/harness.h"

using profilegen::tracer::ExecFailureHint;

TEST_CASE("an i386 program refused with ENOEXEC is explained", "[unit]") {
  const std::string i386 = harness::Sample("static32");
  CHECK(ExecFailureHint(i386, ENOEXEC) ==
        " (a 32-bit x86 program: kernels that run 64-bit programs only, with IA-32 emulation off, refuse these; "
        "`dmesg | grep -iE 'ia-?32'` tells)");
  // Other errors, and ENOEXEC for anything but an i386 ELF, say nothing more than the kernel did.
  CHECK(ExecFailureHint(i386, EACCES).empty());
  CHECK(ExecFailureHint(harness::Sample("threads"), ENOEXEC).empty());
  CHECK(ExecFailureHint("/etc/hostname", ENOEXEC).empty());
  CHECK(ExecFailureHint("/nonexistent", ENOEXEC).empty());
}
