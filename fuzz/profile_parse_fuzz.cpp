// libFuzzer target: ParseProfile must turn any input into diagnostics, never crash, hang or throw.
// Build: CXX=clang++ cmake -S . -B build-fuzz -DPROFILEGEN_FUZZ=ON -DPROFILEGEN_TESTS=OFF -DPROFILEGEN_BENCH=OFF
//        cmake --build build-fuzz --target profile_parse_fuzz
// Seeds: the real profiles and the broken-profile corpus, copied to a scratch directory the fuzzer may grow:
//        mkdir -p /tmp/fuzz-corpus && cp ../shared/fixtures/profiles/*.json tests/profile/corpus/*.json
//        /tmp/fuzz-corpus
// Run:   build-fuzz/fuzz/profile_parse_fuzz -max_total_time=60 -rss_limit_mb=2048 /tmp/fuzz-corpus
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "profile/effective.h"
#include "profile/parse.h"
#include "profile/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace profilegen::profile;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ParseResult r = ParseProfile(text);  // throws nothing by contract: an escaping exception aborts the fuzzer
  for (const auto& d : r.diagnostics) (void)d.Format("fuzz.json");
  if (!r.HasErrors()) {
    // A clean parse must survive the writer and evaluation, and re-parse to the same profile.
    const std::string written = WriteProfile(r.profile);
    if (!(ParseProfile(written).profile == r.profile)) std::abort();
    Target t;
    t.arch = profilegen::sys::HostArch();
    t.kernel_major = 6;
    t.kernel_minor = 1;
    t.caps = DefaultCaps();
    (void)Evaluate(r.profile, t);
  }
  return 0;
}
