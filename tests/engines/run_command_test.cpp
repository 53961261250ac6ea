#include "engines/run_command.h"

#include <catch2/catch.hpp>

#include "base/error.h"

using profilegen::Error;
using namespace profilegen::engines;
using Words = std::vector<std::string>;

TEST_CASE("container runs are recognised by program and subcommand", "[engines]") {
  CHECK(IsContainerRun({"docker", "run", "img"}));
  CHECK(IsContainerRun({"/usr/bin/docker", "container", "run", "img"}));
  CHECK(IsContainerRun({"podman", "run", "--rm", "img"}));
  CHECK(IsContainerRun({"docker", "-H", "unix:///s", "--log-level=debug", "run", "img"}));
  CHECK(IsContainerRun({"podman", "--runtime", "crun", "--root", "/r", "run", "img"}));
  CHECK_FALSE(IsContainerRun({"docker", "ps"}));
  CHECK_FALSE(IsContainerRun({"docker", "container", "ls"}));
  CHECK_FALSE(IsContainerRun({"docker", "-H", "run"}));  // "run" is -H's value; no subcommand
  CHECK_FALSE(IsContainerRun({"dockerd", "run"}));
  CHECK_FALSE(IsContainerRun({"./app", "run"}));
  CHECK_FALSE(IsContainerRun({}));
}

TEST_CASE("run options: values, flags, clusters and = forms decide the image", "[engines]") {
  RunCommand r = ParseRunCommand({"docker", "-H", "unix:///s", "run", "--rm", "-it", "-e", "A=1", "--name=app",
                                  "-v/a:/b", "-p", "80:80", "--network", "none", "img:1", "sh", "-c", "echo hi"});
  CHECK(r.engine == Engine::kDocker);
  CHECK(r.global_words == Words{"-H", "unix:///s"});
  CHECK(r.subcommand == Words{"run"});
  CHECK(r.image == "img:1");
  CHECK(r.command == Words{"sh", "-c", "echo hi"});
  CHECK(r.Flag("rm"));
  CHECK(r.Flag("interactive"));
  CHECK(r.Flag("tty"));
  CHECK_FALSE(r.Flag("detach"));
  CHECK(r.Last("env") == "A=1");
  CHECK(r.Last("name") == "app");
  CHECK(r.Last("volume") == "/a:/b");
  CHECK(r.Last("network") == "none");
  CHECK(r.options.size() == 7);
  CHECK(r.options[1].words == Words{"-it"});
}

TEST_CASE("run options: the command's own options are not the engine's", "[engines]") {
  RunCommand r = ParseRunCommand({"docker", "container", "run", "-d", "--", "img", "--rm", "-v", "x"});
  CHECK(r.subcommand == Words{"container", "run"});
  CHECK(r.dash_dash);
  CHECK(r.image == "img");
  CHECK(r.command == Words{"--rm", "-v", "x"});
  CHECK(r.Flag("detach"));
  CHECK_FALSE(r.Flag("rm"));
}

TEST_CASE("run options: flags with =false, aliases, clusters ending in a value", "[engines]") {
  RunCommand r = ParseRunCommand({"podman", "run", "--rm=false", "--net=host", "-dte", "X=2", "--sig-proxy=false",
                                  "--rootfs", "/root/fs", "/bin/sh"});
  CHECK(r.engine == Engine::kPodman);
  CHECK_FALSE(r.Flag("rm"));
  CHECK(r.Last("network") == "host");
  CHECK(r.Flag("detach"));
  CHECK(r.Flag("tty"));
  CHECK(r.Last("env") == "X=2");
  CHECK_FALSE(r.Flag("sig-proxy"));
  CHECK(r.Flag("rootfs"));
  CHECK(r.image == "/root/fs");
  CHECK(r.command == Words{"/bin/sh"});
}

TEST_CASE("run options: podman-only options are unknown to docker", "[engines]") {
  CHECK(ParseRunCommand({"podman", "run", "--pod", "p", "img"}).image == "img");
  CHECK_THROWS_WITH(ParseRunCommand({"docker", "run", "--pod", "p", "img"}),
                    "unknown docker run option --pod: profilegen cannot tell whether it takes a value (write it as "
                    "--pod=VALUE if it does, or record the engine itself with --host)");
  CHECK(ParseRunCommand({"docker", "run", "--future-option=x", "img"}).image == "img");
}

TEST_CASE("run options: errors the engine would also give", "[engines]") {
  CHECK_THROWS_WITH(ParseRunCommand({"docker", "run", "--rm"}),
                    "docker run needs an image: docker run [OPTIONS] IMAGE [COMMAND...]");
  CHECK_THROWS_WITH(ParseRunCommand({"docker", "run", "--name"}), "option --name needs a value");
  CHECK_THROWS_WITH(ParseRunCommand({"docker", "run", "-e"}), "option -e needs a value");
  CHECK_THROWS_WITH(ParseRunCommand({"docker", "run", "-Z", "img"}), "unknown docker run option -Z in -Z");
  try {
    ParseRunCommand({"docker", "run"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.exit_code() == 125);
  }
}
