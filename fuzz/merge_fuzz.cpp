// libFuzzer target for merging traces: the input is two traces separated by a NUL byte (without one, the same
// text twice). When both parse, MergeAll in either order must give the same syscalls, counts must add up, and
// the merged trace must serialise to text that parses again (and serialises to the same text).
// Build and run: scripts/fuzz.sh [SECONDS], or see trace_parse_fuzz.cpp; seeds in fuzz/corpus/merge.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "trace/trace.h"

namespace {

using namespace profilegen;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "merge_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// The merged syscalls alone: which host or kernel a merge keeps is the first trace's, by design.
std::string SyscallsOnly(trace::Trace t) {
  t.host_arch = sys::HostArch();
  t.kernel.clear();
  return trace::SerializeTrace(t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  const std::string first = nul == std::string::npos ? input : input.substr(0, nul);
  const std::string second = nul == std::string::npos ? input : input.substr(nul + 1);
  trace::Trace a, b;
  try {
    a = trace::ParseTrace(first, "a.json");
    b = trace::ParseTrace(second, "b.json");
  } catch (const Error&) {
    return 0;
  }
  trace::Trace ab = trace::MergeAll({a, b});
  trace::Trace ba = trace::MergeAll({b, a});
  if (SyscallsOnly(ab) != SyscallsOnly(ba))
    Fail("merging depends on the order", SyscallsOnly(ab) + "\n---\n" + SyscallsOnly(ba));
  if (ab.runs != a.runs + b.runs) Fail("runs do not add up", trace::SerializeTrace(ab));
  for (const auto& [key, rec] : ab.syscalls) {
    auto ia = a.syscalls.find(key);
    auto ib = b.syscalls.find(key);
    uint64_t want = (ia == a.syscalls.end() ? 0 : ia->second.count) + (ib == b.syscalls.end() ? 0 : ib->second.count);
    if (rec.count != want) Fail("counts do not add up", trace::SerializeTrace(ab));
  }
  const std::string written = trace::SerializeTrace(ab);
  std::string again;
  try {
    again = trace::SerializeTrace(trace::ParseTrace(written, "merged.json"));
  } catch (const Error& e) {
    Fail("the merged trace, serialised, does not parse again", std::string(e.what()) + "\n" + written);
  }
  if (again != written) Fail("serialising the merged trace is not stable", written + "\n---\n" + again);
  return 0;
}
