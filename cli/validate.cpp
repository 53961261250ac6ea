#include "validator/validate.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "cli/commands.h"

namespace profilegen::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> files;
  std::string target = "docker";
  std::string runtime;  // empty: runc for docker, crun for podman
  std::string runc_version = "1.1";
  std::string arch = "host";
  std::string caps = "default";
  std::string kernel = "host";
  std::string format = "text";
  bool load = false;
  bool allow_unconfined = false;
  bool strict = false;
  bool no_new_privileges = false;
  std::string bpf;
};

int Validate(const ValidateArgs& a) {
  validator::ValidateOptions o;
  profile::Target& t = o.compile.target;
  t.engine = a.target == "podman" ? profile::Engine::kPodman : profile::Engine::kDocker;
  validator::ParseArch(a.arch, t);
  validator::ParseCaps(a.caps, t);
  validator::ParseKernel(a.kernel, t);
  const std::string runtime = a.runtime.empty() ? (a.target == "podman" ? "crun" : "runc") : a.runtime;
  o.compile.runtime = runtime == "crun" ? validator::Runtime::kCrun : validator::Runtime::kRunc;
  o.container = runtime != "none";  // a plain program: compiled as `profilegen run` does (runc's reading)
  o.compile.runc_version = a.runc_version == "1.2" ? validator::RuncVersion::k1_2 : validator::RuncVersion::k1_1;
  o.load = a.load;
  o.allow_unconfined = a.allow_unconfined;
  o.strict = a.strict;
  o.no_new_privileges = a.no_new_privileges;
  o.bpf_path = a.bpf;
  const auto format = a.format == "json" ? validator::Format::kJson : validator::Format::kText;
  return validator::ValidateFiles(a.files, o, format, std::cout);
}

}  // namespace

void SetupValidate(CLI::App& sub, std::function<int()>& run) {
  auto a = std::make_shared<ValidateArgs>();
  sub.add_option("PROFILE", a->files, "Profiles to check (Docker format)")->required()->expected(-1);
  sub.add_option("--target", a->target, "Engine whose reading of includes/excludes and archMap applies")
      ->check(CLI::IsMember({"docker", "podman"}))
      ->capture_default_str();
  sub.add_option("--runtime", a->runtime,
                 "OCI runtime that compiles the filter [runc for docker, crun for podman]; none: a profile for a "
                 "plain program (`profilegen run`), compiled as runc does, with no runtime syscalls to allow")
      ->check(CLI::IsMember({"runc", "crun", "none"}));
  sub.add_option("--runc-version", a->runc_version,
                 "runc behaviour: 1.1 (1.1.x: no binary tree, ENOSYS stub only for listed arches) or 1.2")
      ->check(CLI::IsMember({"1.1", "1.2"}))
      ->capture_default_str();
  sub.add_option("--arch", a->arch, "Target architecture (amd64, arm64, ... or host)")->capture_default_str();
  sub.add_option("--caps", a->caps, "Capability bounding set: default (Docker's 14), all, or CAP_X,CAP_Y")
      ->capture_default_str();
  sub.add_option("--kernel", a->kernel, "Kernel version X.Y for minKernel, or host")->capture_default_str();
  sub.add_flag("--load", a->load, "Install the compiled filter in a forked child to prove the kernel accepts it");
  sub.add_flag("--allow-unconfined", a->allow_unconfined,
               "Accept a profile that switches seccomp off or allows by default (a warning, not an error)");
  sub.add_flag("--strict", a->strict, "Treat warnings as errors");
  sub.add_flag("--no-new-privileges", a->no_new_privileges,
               "The container runs with no-new-privileges: check the syscalls "
               "the runtime needs then");
  sub.add_option("--bpf", a->bpf,
                 "Write the compiled program to FILE (raw struct sock_filter array, host byte order; '-' for stdout)");
  sub.add_option("--format", a->format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  sub.footer("Exit status: 0 valid, 1 invalid, 2 usage error or unreadable input.");
  sub.callback([&run, a] { run = [a] { return Validate(*a); }; });
}

}  // namespace profilegen::cli
