#include "engines/recording_run.h"

#include <catch2/catch.hpp>

#include "engines/engine_query.h"

using namespace profilegen::engines;
using Words = std::vector<std::string>;

namespace {

RecordingSetup Setup(Words command) {
  RecordingSetup s;
  s.static_binary = "/b/profilegen-static";
  s.output_dir = "/w";
  s.output_name = "trace.json";
  s.facts_json = "{}";
  s.command = std::move(command);
  return s;
}

}  // namespace

TEST_CASE("the recording run keeps every user option and adds only what recording needs", "[engines]") {
  RunCommand r = ParseRunCommand({"docker", "-H", "unix:///s", "run", "--rm", "-e", "A=1", "--entrypoint", "/bin/sh",
                                  "--name=x", "img", "-c", "echo hi"});
  CHECK(RecordingArgv(r, Setup({"/bin/sh", "-c", "echo hi"})) ==
        Words{"docker",
              "-H",
              "unix:///s",
              "run",
              "--rm",
              "-e",
              "A=1",
              "--name=x",
              "--security-opt",
              "seccomp=unconfined",
              "--cap-add",
              "SYS_PTRACE",
              "--mount",
              "type=bind,source=/b/profilegen-static,target=/.profilegen/profilegen,readonly",
              "--mount",
              "type=bind,source=/w,target=/.profilegen/out",
              "--entrypoint",
              "/.profilegen/profilegen",
              "img",
              "record",
              "-q",
              "-o",
              "/.profilegen/out/trace.json",
              "--container-facts",
              "{}",
              "--",
              "/bin/sh",
              "-c",
              "echo hi"});
}

TEST_CASE("the recording run keeps the user's -- and does not repeat seccomp=unconfined", "[engines]") {
  RunCommand r = ParseRunCommand({"podman", "run", "--security-opt", "seccomp=unconfined", "--", "img"});
  Words argv = RecordingArgv(r, Setup({"/init"}));
  CHECK(std::count(argv.begin(), argv.end(), "seccomp=unconfined") == 1);
  auto dd = std::find(argv.begin(), argv.end(), "--");
  REQUIRE(dd != argv.end());
  CHECK(*(dd + 1) == "img");
}

TEST_CASE("the recording run writes its container id where record reads podman's facts", "[engines]") {
  RunCommand r = ParseRunCommand({"podman", "run", "--rm", "img"});
  RecordingSetup s = Setup({"/init"});
  s.cidfile = "/tmp/profilegen-run.x/cid";
  Words added = AddedOptions(r, s);
  REQUIRE(added.size() >= 2);
  CHECK(Words(added.end() - 2, added.end()) == Words{"--cidfile", "/tmp/profilegen-run.x/cid"});
  Words argv = RecordingArgv(r, s);
  auto at = std::find(argv.begin(), argv.end(), "--cidfile");
  REQUIRE(at != argv.end());
  CHECK(at < std::find(argv.begin(), argv.end(), "img"));  // a run option, before the image
  Words without = AddedOptions(r, Setup({"/init"}));       // no cidfile: none added
  CHECK(std::count(without.begin(), without.end(), "--cidfile") == 0);
}

TEST_CASE("options that cannot be recorded are refused", "[engines]") {
  CHECK_THROWS_WITH(CheckRecordable(ParseRunCommand({"docker", "run", "--security-opt", "seccomp=p.json", "img"})),
                    "--security-opt seccomp=p.json cannot be recorded: under the engine's filter a syscall it "
                    "denies never reaches the tracer; leave it out of the recording run (profilegen runs it with "
                    "seccomp=unconfined)");
  CHECK_NOTHROW(CheckRecordable(ParseRunCommand({"docker", "run", "--security-opt", "seccomp=unconfined", "img"})));
  CHECK_NOTHROW(CheckRecordable(ParseRunCommand({"docker", "run", "--security-opt", "no-new-privileges", "img"})));
  CHECK_THROWS(CheckRecordable(ParseRunCommand({"podman", "run", "--rootfs", "/fs"})));
  CHECK_THROWS_WITH(RecordingArgv(ParseRunCommand({"docker", "run", "img"}),
                                  [] {
                                    RecordingSetup s = Setup({"x"});
                                    s.output_dir = "/a,b";
                                    return s;
                                  }()),
                    "cannot mount /a,b into the container: the path holds a ',' (move it, or use another -o)");
}

TEST_CASE("entrypoint and command as the engine decides them", "[engines]") {
  ImageConfig image;
  image.entrypoint = {"/docker-entrypoint.sh"};
  image.cmd = {"nginx", "-g", "daemon off;"};
  CHECK(ContainerCommand(ParseRunCommand({"docker", "run", "img"}), image) ==
        Words{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"});
  CHECK(ContainerCommand(ParseRunCommand({"docker", "run", "img", "nginx", "-t"}), image) ==
        Words{"/docker-entrypoint.sh", "nginx", "-t"});
  // --entrypoint clears the image's CMD.
  CHECK(ContainerCommand(ParseRunCommand({"docker", "run", "--entrypoint", "/bin/sh", "img"}), image) ==
        Words{"/bin/sh"});
  CHECK(ContainerCommand(ParseRunCommand({"docker", "run", "--entrypoint=", "img", "echo", "x"}), image) ==
        Words{"echo", "x"});
  CHECK(ContainerCommand(ParseRunCommand({"podman", "run", "--entrypoint", R"(["/bin/sh","-c"])", "img", "id"}),
                         image) == Words{"/bin/sh", "-c", "id"});
  CHECK_THROWS_WITH(ContainerCommand(ParseRunCommand({"docker", "run", "scratch-img"}), ImageConfig{}),
                    "no command to record: the image scratch-img has no ENTRYPOINT or CMD and none was given "
                    "(docker run [OPTIONS] IMAGE COMMAND)");
}
