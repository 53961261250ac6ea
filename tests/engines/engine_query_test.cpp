#include "engines/engine_query.h"

#include <catch2/catch.hpp>

using namespace profilegen::engines;
using Words = std::vector<std::string>;

TEST_CASE("image inspect output: docker and podman forms", "[engines]") {
  ImageConfig d = ParseImageInspect(R"([{"Id": "sha256:abc", "RepoDigests": [],
      "Config": {"Entrypoint": null, "Cmd": ["/bin/sh", "-c", "echo hi"]}}])");
  CHECK(d.entrypoint.empty());
  CHECK(d.cmd == Words{"/bin/sh", "-c", "echo hi"});
  CHECK(d.id == "sha256:abc");
  CHECK(d.digest.empty());
  CHECK(d.user.empty());
  ImageConfig p = ParseImageInspect(R"([{"Id": "abc", "RepoDigests": ["localhost/x@sha256:def"],
      "Config": {"Entrypoint": ["/init"], "Cmd": null, "User": "65532:65532"}}])");
  CHECK(p.user == "65532:65532");
  CHECK(p.entrypoint == Words{"/init"});
  CHECK(p.cmd.empty());
  CHECK(p.id == "sha256:abc");
  CHECK(p.digest == "localhost/x@sha256:def");
}

TEST_CASE("engine info: runtime and versions", "[engines]") {
  auto d = ParseEngineInfo(Engine::kDocker,
                           R"({"ServerVersion": "20.10.24+dfsg1", "DefaultRuntime": "runc",
                               "RuncCommit": {"ID": "1.1.5+ds1-1+deb12u1"}})",
                           std::nullopt);
  CHECK(d.engine == "docker");
  CHECK(d.engine_version == "20.10.24+dfsg1");
  CHECK(d.runtime == "runc");
  CHECK(d.runtime_version == "1.1.5+ds1-1+deb12u1");
  auto c = ParseEngineInfo(Engine::kDocker, R"({"ServerVersion": "20.10", "DefaultRuntime": "runc"})", "crun");
  CHECK(c.runtime == "crun");
  CHECK(c.runtime_version.empty());
  auto p = ParseEngineInfo(Engine::kPodman, R"({"host": {"ociRuntime": {"name": "crun",
      "version": "crun version 1.8.1\ncommit: f8a0\nspec: 1.0.0"}}, "version": {"Version": "4.3.1"}})",
                           std::nullopt);
  CHECK(p.engine == "podman");
  CHECK(p.engine_version == "4.3.1");
  CHECK(p.runtime == "crun");
  CHECK(p.runtime_version == "1.8.1");
  CHECK(ParseRuntimeVersion("runc version 1.1.5+ds1\ncommit: v1\n") == "1.1.5+ds1");
  CHECK(ParseRuntimeVersion("garbage") == "");
}

TEST_CASE("engine info: podman's runtime binary and image index", "[engines]") {
  std::string info = R"({"host": {"ociRuntime": {"name": "runc", "path": "/usr/bin/runc"}},
      "store": {"graphRoot": "/var/lib/containers/storage", "graphDriverName": "overlay"}})";
  CHECK(ParseRuntimePath(Engine::kPodman, info) == "/usr/bin/runc");
  CHECK(ParseImageIndex(Engine::kPodman, info) == "/var/lib/containers/storage/overlay-images/images.json");
  CHECK(ParseRuntimePath(Engine::kDocker, info).empty());
  CHECK(ParseImageIndex(Engine::kDocker, info).empty());
  CHECK(ParseImageIndex(Engine::kPodman, R"({"store": {"graphRoot": "rel", "graphDriverName": "overlay"}})").empty());
  CHECK(ParseImageIndex(Engine::kPodman, R"({"store": {"graphRoot": "/s", "graphDriverName": "../x"}})").empty());
  CHECK(ParseImageIndex(Engine::kPodman, R"({"host": {}})").empty());
  CHECK(ParseRuntimePath(Engine::kPodman, R"({"host": {}})").empty());
}

TEST_CASE("the client's error line: podman's Error line after its warnings", "[engines]") {
  // Real stderr of rootless `podman info` without newuidmap (this machine, podman 4.3.1).
  CHECK(ErrorLine("time=\"2026-11-30T03:20:40Z\" level=warning msg=\"\\\"/\\\" is not a shared mount, this could "
                  "cause issues or missing mounts with rootless containers\"\n"
                  "Error: command required for rootless mode with multiple IDs: exec: \"newuidmap\": executable "
                  "file not found in $PATH\n") ==
        "Error: command required for rootless mode with multiple IDs: exec: \"newuidmap\": executable file not "
        "found in $PATH");
  CHECK(ErrorLine("Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?\n") ==
        "Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?");
  CHECK(ErrorLine("WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n"
                  "Error response from daemon: No such image: x:1\n") ==
        "Error response from daemon: No such image: x:1");
  CHECK(ErrorLine("time=\"t\" level=warning msg=\"only a warning\"\n") ==
        "time=\"t\" level=warning msg=\"only a warning\"");
  // Rootless `podman info` without newuidmap once its pause process is gone (this machine): only a logged error.
  CHECK(ErrorLine("time=\"2026-11-30T03:57:19Z\" level=error msg=\"invalid internal status, try resetting the "
                  "pause process with \\\"podman system migrate\\\": command required for rootless mode with "
                  "multiple IDs: exec: \\\"newuidmap\\\": executable file not found in $PATH\"\n") ==
        "invalid internal status, try resetting the pause process with \"podman system migrate\": command required "
        "for rootless mode with multiple IDs: exec: \"newuidmap\": executable file not found in $PATH");
  CHECK(ErrorLine("time=\"t\" level=info msg=\"podman filtering at log level debug\"\nsomething broke\n") ==
        "something broke");
  CHECK(ErrorLine("").empty());
}
