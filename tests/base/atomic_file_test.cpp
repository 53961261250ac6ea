#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"

using namespace profilegen;

namespace {
std::string Slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("atomic writes replace the file whole and leave no temporary behind", "[unit]") {
  char tmpl[] = "/tmp/pg-atomic-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string path = dir + "/out.json";
  WriteFileAtomically(path, "one\n");
  WriteFileAtomically(path, "two\n");
  CHECK(Slurp(path) == "two\n");
  // Through a symlink the target is replaced and the link stays a link.
  REQUIRE(::symlink("out.json", (dir + "/link.json").c_str()) == 0);
  WriteFileAtomically(dir + "/link.json", "three\n");
  struct stat st {};
  REQUIRE(::lstat((dir + "/link.json").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(Slurp(path) == "three\n");
  // A failure names the path and changes nothing.
  CHECK_THROWS_WITH(WriteFileAtomically(dir + "/missing/out.json", "x"),
                    Catch::StartsWith("cannot write " + dir + "/missing/out.json"));
  CHECK_THROWS_WITH(WriteFileAtomically(dir, "x"), "cannot write " + dir + ": it is a directory");
  CHECK(std::system(("test $(ls " + dir + " | wc -l) -eq 2").c_str()) == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("writing to a device writes through it instead of replacing the node", "[unit]") {
  WriteFileAtomically("/dev/null", "discarded\n");
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("malformed JSON is reported with line and column", "[unit]") {
  CHECK_THROWS_WITH(ParseJson("{\n  \"a\": 1,\n  \"b\": }\n", "f.json"), Catch::StartsWith("f.json:3:8: malformed JSON"));
  CHECK_THROWS_WITH(ParseJson(std::string(300, '['), "f.json"), Catch::Contains("nested deeper than 256 levels"));
  CHECK(ParseJson("{\"a\": 18446744073709551615}", "f.json")["a"].get<uint64_t>() == 18446744073709551615ull);
}
