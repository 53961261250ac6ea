// The embedded copy of Docker's default profile and its evaluation per target.
#include "review/docker_default.h"

#include <catch2/catch.hpp>

#include "helpers.h"

using namespace profilegen;
using namespace profilegen::review;
using review_test::Amd64;

TEST_CASE("the embedded Docker default is the shared fixture, byte for byte", "[review][docker]") {
  CHECK(DockerDefaultText() == ReadFile(review_test::kMoby));
  CHECK(DockerDefaultText() == ReadFile(PROFILEGEN_SOURCE_DIR "/review/data/moby-default.json"));
  CHECK(DockerDefaultProfile().default_action == profile::Action::kErrno);
}

TEST_CASE("Docker's default depends on capabilities, kernel and arch", "[review][docker]") {
  const auto amd64 = sys::ArchByNativeName("amd64")->token;
  const auto x86 = sys::ArchByNativeName("x86")->token;
  DockerBaseline def(Amd64());
  CHECK(def.Of(amd64, "read") == Allowance::kAlways);
  CHECK(def.Of(x86, "read") == Allowance::kAlways);  // archMap: x86 and x32 ride along on amd64
  CHECK(def.Of(amd64, "mount") == Allowance::kNever);
  CHECK(def.Of(amd64, "clone") == Allowance::kConditional);
  CHECK(def.Of(amd64, "clone3") == Allowance::kNever);   // ENOSYS without CAP_SYS_ADMIN
  CHECK(def.Of(amd64, "ptrace") == Allowance::kAlways);  // minKernel 4.8
  CHECK(def.Of(amd64, "personality") == Allowance::kConditional);
  CHECK(def.Of(amd64, "bpf") == Allowance::kNever);
  CHECK(def.Of(sys::ArchByNativeName("arm64")->token, "read") == Allowance::kNever);  // not in the filter

  DockerBaseline admin(Amd64(profile::AllCaps()));
  CHECK(admin.Of(amd64, "mount") == Allowance::kAlways);
  CHECK(admin.Of(amd64, "clone") == Allowance::kAlways);
  CHECK(admin.Of(amd64, "bpf") == Allowance::kAlways);

  profile::Target old = Amd64();
  old.kernel_major = 4;
  old.kernel_minor = 4;
  CHECK(DockerBaseline(old).Of(amd64, "ptrace") == Allowance::kNever);
}

TEST_CASE("the baseline is Docker's reading even for a podman target", "[review][docker]") {
  profile::Target podman_old = Amd64();
  podman_old.engine = profile::Engine::kPodman;
  podman_old.kernel_major = 4;
  podman_old.kernel_minor = 4;
  // podman would ignore minKernel 4.8 on ptrace's entry; Docker on 4.4 does not allow it.
  CHECK(DockerBaseline(podman_old).Of(sys::ArchByNativeName("amd64")->token, "ptrace") == Allowance::kNever);
}
