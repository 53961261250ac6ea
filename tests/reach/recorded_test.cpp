// record --reachable's section (reach/recorded.h): from the executables a trace names, and where its cache goes.
#include "reach/recorded.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "reach/cache.h"
#include "trace/trace.h"

namespace profilegen::reach {
namespace {

trace::Trace TraceOf(const std::string& exe, const char* name) {
  trace::Trace t;
  sys::ArchToken amd64 = sys::ArchByNativeName("amd64")->token;
  t.host_arch = amd64;
  trace::SyscallRecord rec;
  rec.arch = amd64;
  rec.name = name;
  rec.count = 1;
  rec.first = {1, exe};
  t.syscalls[{amd64, 231}] = rec;
  return t;
}

TEST_CASE("the reachable section of a recording: its executables and their libraries, by name", "[reach]") {
  trace::Reachable r = AnalyseRecorded(TraceOf("/usr/bin/true", "exit_group"), "");
  sys::ArchToken amd64 = sys::ArchByNativeName("amd64")->token;
  CHECK(std::is_sorted(r.binaries.begin(), r.binaries.end()));
  CHECK(std::count(r.binaries.begin(), r.binaries.end(), "/usr/bin/true") == 1);
  CHECK(r.binaries.size() >= 3);  // true, libc, the loader
  CHECK(r.names.at(amd64).count("exit_group"));
  CHECK(!r.names.at(amd64).count("mount"));
  // An executable gone since it ran: an error the caller turns into a warning.
  CHECK_THROWS_AS(AnalyseRecorded(TraceOf("/nonexistent/deleted-tmp", "exit_group"), ""), Error);
}

TEST_CASE("the analysis cache of record --reachable: none inside a container unless named", "[reach]") {
  const char* saved = std::getenv("PROFILEGEN_CACHE_DIR");
  std::string keep = saved ? saved : "";
  unsetenv("PROFILEGEN_CACHE_DIR");
  CHECK(RecordingCacheDir(true) == "");
  CHECK(RecordingCacheDir(false) == DefaultCacheDir());
  setenv("PROFILEGEN_CACHE_DIR", "/reach-cache", 1);
  CHECK(RecordingCacheDir(true) == "/reach-cache");
  CHECK(RecordingCacheDir(false) == "/reach-cache");
  if (saved) {
    setenv("PROFILEGEN_CACHE_DIR", keep.c_str(), 1);
  } else {
    unsetenv("PROFILEGEN_CACHE_DIR");
  }
}

}  // namespace
}  // namespace profilegen::reach
