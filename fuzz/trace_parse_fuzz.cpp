// libFuzzer target: ParseTrace must turn any input into a Trace or a profilegen::Error, never crash, hang or
// throw anything else; a trace it accepts must serialise to canonical text that parses back to the same text.
// Build and run: scripts/fuzz.sh [SECONDS] (clang, build-fuzz/), or by hand:
//   CXX=clang++ cmake -S . -B build-fuzz -DPROFILEGEN_FUZZ=ON -DPROFILEGEN_BENCH=OFF
//   cmake --build build-fuzz --target trace_parse_fuzz
//   mkdir -p /tmp/fuzz-trace && build-fuzz/fuzz/trace_parse_fuzz -max_total_time=60 /tmp/fuzz-trace fuzz/corpus/trace
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "trace/trace.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "trace_parse_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace profilegen;
  const std::string text(reinterpret_cast<const char*>(data), size);
  trace::Trace t;
  try {
    t = trace::ParseTrace(text, "fuzz.json");
  } catch (const Error& e) {
    (void)e.what();  // a clean rejection; any other exception escapes and the fuzzer reports it
    return 0;
  }
  const std::string written = trace::SerializeTrace(t);
  std::string again;
  try {
    again = trace::SerializeTrace(trace::ParseTrace(written, "written.json"));
  } catch (const Error& e) {
    Fail("an accepted trace, serialised, does not parse again", std::string(e.what()) + "\n" + written);
  }
  if (again != written) Fail("serialising is not stable", written + "\n---\n" + again);
  (void)t.Arches();
  return 0;
}
