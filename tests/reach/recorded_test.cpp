// record --reachable's section (reach/recorded.h): from the executables a trace names, and where its cache goes.
#include "reach/recorded.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "reach/cache.h"

namespace profilegen::reach {
namespace {

TEST_CASE("the reachable section of a recording: its executables and their libraries, by name", "[reach]") {
  RecordedReachable r = AnalyseRecorded({"/usr/bin/true"}, {}, "");
  sys::ArchToken amd64 = sys::ArchByNativeName("amd64")->token;
  CHECK(std::is_sorted(r.binaries.begin(), r.binaries.end()));
  CHECK(std::count(r.binaries.begin(), r.binaries.end(), "/usr/bin/true") == 1);
  CHECK(r.binaries.size() >= 3);  // true, libc, the loader
  CHECK(r.names.at(amd64).count("exit_group"));
  CHECK(!r.names.at(amd64).count("mount"));
  CHECK(r.not_analysed.empty());
  // An executable gone since it ran: an error the caller turns into a warning.
  CHECK_THROWS_AS(AnalyseRecorded({"/nonexistent/deleted-tmp"}, {}, ""), Error);
}

TEST_CASE("a recorded script is left out with a note; its interpreter, among the mapped files, is analysed",
          "[reach]") {
  char path[] = "/tmp/profilegen-script-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string text = "#!/bin/sh\ntrue\n";
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  RecordedReachable r = AnalyseRecorded({path, "/usr/bin/true"}, {"/usr/bin/dash"}, "");
  ::unlink(path);
  REQUIRE(r.not_analysed.size() == 1);
  CHECK(r.not_analysed[0].find("not an ELF file") != std::string::npos);
  CHECK(std::count(r.binaries.begin(), r.binaries.end(), "/usr/bin/dash") == 1);
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
