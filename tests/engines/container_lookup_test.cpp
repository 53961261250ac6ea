// `learn --container`: docker's and podman's inspect output, and the window it gives (engines/container_lookup.h).
#include "engines/container_lookup.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "base/error.h"

using namespace profilegen;
using namespace profilegen::engines;

TEST_CASE("container inspect output: running docker, exited podman", "[engines][learn]") {
  ContainerRun d = ParseContainerInspect(Engine::kDocker, R"([{"Id": "3f2a6c1b9d0e77", "Name": "/canary",
      "State": {"Running": true, "Pid": 4242, "StartedAt": "2026-11-29T23:00:00.123456789Z",
                "FinishedAt": "0001-01-01T00:00:00Z"}}])",
                                         "inspect");
  CHECK(d.id == "3f2a6c1b9d0e77");
  CHECK(d.name == "canary");
  CHECK(d.running);
  CHECK(d.pid == 4242);
  CHECK(d.started == Approx(1795993200.123456789));
  CHECK_FALSE(d.finished);
  CHECK(DescribeContainer(d) == "container 3f2a6c1b9d0e (canary, docker)");

  ContainerRun p = ParseContainerInspect(Engine::kPodman, R"([{"Id": "abc", "Name": "web",
      "State": {"Running": false, "Pid": 0, "StartedAt": "2026-11-29T23:00:00+00:00",
                "FinishedAt": "2026-11-29T23:00:10.5+00:00"}}])",
                                         "inspect");
  CHECK_FALSE(p.running);
  REQUIRE(p.finished);
  CHECK(*p.finished == 1795993210.5);

  trace::LogFilter f;
  f.since = 1795993205.0;
  ContainerMatch counts;
  RestrictToContainer(f, p, counts);
  CHECK(*f.since == 1795993205.0);  // the narrower of the two
  CHECK(*f.until == 1795993211.5);  // the container's end, a second of slack
  trace::SeccompRecord gone;
  gone.pid = 999999999;  // no such process: only the time window can say
  CHECK(f.keep(gone));
  CHECK(counts.by_time == 1);
}

TEST_CASE("inspect output that is not one started container is a clear error", "[engines][learn]") {
  CHECK_THROWS_WITH(ParseContainerInspect(Engine::kDocker, "[]", "docker container inspect x"),
                    "docker container inspect x: expected a JSON array of one container");
  CHECK_THROWS_WITH(ParseContainerInspect(Engine::kDocker,
                                          R"([{"Id": "abcdef0123456789", "State": {"StartedAt": "0001-01-01T00:00:00Z"}}])",
                                          "i"),
                    "i: container abcdef012345 has never started");
}

TEST_CASE("a gone process's record is kept for a running container only if its executable is in it",
          "[engines][learn]") {
  // This test process stands in for the container's init: its /proc/PID/root is the container's filesystem.
  ContainerRun run;
  run.engine = Engine::kDocker;
  run.id = "3f2a6c1b9d0e77";
  run.running = true;
  run.pid = ::getpid();
  run.started = 1;
  ContainerProcesses processes(run);
  CHECK(processes.ExeCouldBeInside("/bin/sh"));
  CHECK_FALSE(processes.ExeCouldBeInside("/nonexistent-profilegen/app"));
  CHECK(processes.ExeCouldBeInside("/nonexistent-profilegen/app (deleted)"));  // replaced since: cannot tell
  CHECK(processes.ExeCouldBeInside(""));                                     // the kernel printed (null)

  trace::LogFilter f;
  ContainerMatch counts;
  RestrictToContainer(f, run, counts);
  trace::SeccompRecord gone;
  gone.pid = 999999999;  // no such process
  gone.exe = "/nonexistent-profilegen/test_validator";
  CHECK_FALSE(f.keep(gone));  // a host program that exited while the container ran
  gone.exe = "/bin/sh";
  CHECK(f.keep(gone));
  CHECK(counts.elsewhere == 1);
  CHECK(counts.by_time == 1);

  ContainerRun stopped = run;
  stopped.running = false;
  CHECK(ContainerProcesses(stopped).ExeCouldBeInside("/nonexistent-profilegen/app"));  // nothing to look in
}
