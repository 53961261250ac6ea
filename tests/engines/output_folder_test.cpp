#include "engines/output_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "base/error.h"

using namespace profilegen::engines;

TEST_CASE("output folder: who is root", "[engines]") {
  CHECK(IsRootUser(""));
  CHECK(IsRootUser("0"));
  CHECK(IsRootUser("root"));
  CHECK(IsRootUser("0:1000"));
  CHECK(IsRootUser("root:wheel"));
  CHECK(IsRootUser("00"));
  CHECK_FALSE(IsRootUser("1000:1000"));
  CHECK_FALSE(IsRootUser("nobody"));
  CHECK_FALSE(IsRootUser("65532"));
}

TEST_CASE("output folder: can the container user write it", "[engines]") {
  CHECK(UserCanWrite("1000:1000", 0777, 0));
  CHECK(UserCanWrite("nobody", 01777, 0));
  CHECK_FALSE(UserCanWrite("1000:1000", 0755, 0));
  CHECK(UserCanWrite("1000:1000", 0755, 1000));
  CHECK(UserCanWrite("1000", 0700, 1000));
  CHECK_FALSE(UserCanWrite("1000", 0500, 1000));
  CHECK_FALSE(UserCanWrite("app", 0755, 1000));  // a name is the image's: not resolved on the host
  CHECK_FALSE(UserCanWrite("1000", 0775, 0));    // group rights are not guessed either
  // Rootless: container uid 1000 is a subordinate id on the host, whoever owns the folder.
  CHECK_FALSE(UserCanWrite("1000", 0755, std::nullopt));
  CHECK(UserCanWrite("1000", 0777, std::nullopt));
}

TEST_CASE("output folder: staged for a user who cannot write it, moved into place after", "[engines]") {
  char tmpl[] = "/tmp/pg-outfolder-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  ::chmod(dir.c_str(), 0755);
  {
    OutputFolder root(dir, "", false);
    CHECK(root.MountSource() == dir);
    root.Finish("t.json");
  }
  {
    OutputFolder staged(dir, "1000:1000", false);
    std::string s = staged.MountSource();
    REQUIRE(s != dir);
    CHECK(s.rfind(dir + "/.profilegen-out.", 0) == 0);
    struct stat st {};
    REQUIRE(::stat(s.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0777);
    std::ofstream(s + "/t.json") << "{}\n";
    std::ofstream(s + "/.t.json.tmp123") << "half";  // a failed write's leftover
    staged.Finish("t.json");
    CHECK(::access((dir + "/t.json").c_str(), F_OK) == 0);
    CHECK(::access(s.c_str(), F_OK) != 0);
  }
  {
    // No trace written (the container was killed): the earlier one stays, the staging folder goes.
    std::string s;
    {
      OutputFolder staged(dir, "1000:1000", false);
      s = staged.MountSource();
    }
    CHECK(::access(s.c_str(), F_OK) != 0);
    CHECK(::access((dir + "/t.json").c_str(), F_OK) == 0);
  }
  CHECK_THROWS_WITH(OutputFolder(dir, "1000:1000", true),
                    Catch::Contains("cannot write the output folder " + dir) && Catch::Contains("with -d"));
  ::chmod(dir.c_str(), 0777);
  CHECK(OutputFolder(dir, "1000:1000", true).MountSource() == dir);
  std::system(("rm -rf " + dir).c_str());
}
