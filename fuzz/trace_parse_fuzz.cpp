// libFuzzer target: ParseTrace must turn any input into a Trace or a profilegen::Error, never crash, hang or
// throw anything else; a trace it accepts must serialise to canonical text that parses back to the same text.
// The two readers behind it are compared too: whatever the fast reader (simdjson) returns, the checked reader
// (nlohmann DOM, the one that gives the messages) must return the same trace; ParseTrace answers as the checked one.
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
#include "trace/read_checked.h"
#include "trace/read_fast.h"
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
  std::optional<trace::Trace> fast = trace::ParseTraceFast(text, "fuzz.json");
  std::optional<std::string> checked_error;
  trace::Trace checked;
  try {
    checked = trace::ParseTraceChecked(text, "fuzz.json");
  } catch (const Error& e) {
    checked_error = e.what();  // a clean rejection; any other exception escapes and the fuzzer reports it
  }
  if (fast && checked_error) Fail("the fast reader accepted a trace the checked reader refuses", *checked_error);
  if (fast && trace::SerializeTrace(*fast) != trace::SerializeTrace(checked)) {
    Fail("the fast and the checked reader read different traces",
         trace::SerializeTrace(*fast) + "\n---\n" + trace::SerializeTrace(checked));
  }
  trace::Trace t;
  try {
    t = trace::ParseTrace(text, "fuzz.json");
  } catch (const Error& e) {
    if (!checked_error || *checked_error != e.what()) Fail("ParseTrace and the checked reader disagree", e.what());
    return 0;
  }
  if (checked_error) Fail("ParseTrace accepted a trace the checked reader refuses", *checked_error);
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
