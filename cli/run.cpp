#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "cli/commands.h"
#include "validator/enforce.h"
#include "validator/validate.h"

namespace profilegen::cli {
namespace {

struct RunArgs {
  std::string profile;
  std::string runtime = "runc";
  std::string runc_version = "1.1";
  std::string target = "docker";
  std::string caps = "default";
  bool complain = false;
  std::string record;
};

int Run(const RunArgs& a, CLI::App& sub) {
  validator::RunProfileOptions o;
  o.command = CommandToRun(sub);
  o.profile_path = a.profile;
  o.compile.runtime = a.runtime == "crun" ? validator::Runtime::kCrun : validator::Runtime::kRunc;
  o.compile.runc_version = a.runc_version == "1.2" ? validator::RuncVersion::k1_2 : validator::RuncVersion::k1_1;
  o.compile.target.engine = a.target == "podman" ? profile::Engine::kPodman : profile::Engine::kDocker;
  validator::ParseCaps(a.caps, o.compile.target);
  o.complain = a.complain || !a.record.empty();
  o.record_path = a.record;
  return validator::RunProfile(o, std::cerr);
}

}  // namespace

void SetupRun(CLI::App& sub, std::function<int()>& run) {
  auto a = std::make_shared<RunArgs>();
  sub.description(
      "Run a command under a profile, enforced as the container runtime would (runc adds its ENOSYS stub).\n"
      "Usage: profilegen run --profile P [OPTIONS] -- CMD [ARGS...]\n"
      "Exits with the command's exit status (128+N if killed by signal N); 125 if profilegen fails or the\n"
      "profile is unusable, 126 if the command cannot be executed, 127 if it is not found.");
  sub.add_option("--profile", a->profile, "The Docker-format profile to enforce")->required();
  sub.add_option("--runtime", a->runtime, "runc (ENOSYS stub above the profile's highest syscall) or crun (none)")
      ->check(CLI::IsMember({"runc", "crun"}))
      ->capture_default_str();
  sub.add_option("--runc-version", a->runc_version,
                 "1.1: stub only for the arches the profile lists; 1.2: also for the native arch")
      ->check(CLI::IsMember({"1.1", "1.2"}))
      ->capture_default_str();
  sub.add_option("--target", a->target, "Engine whose reading of includes/excludes applies")
      ->check(CLI::IsMember({"docker", "podman"}))
      ->capture_default_str();
  sub.add_option("--caps", a->caps, "Capability bounding set for includes/excludes: default, all, or CAP_X,...")
      ->capture_default_str();
  sub.add_flag("--complain", a->complain,
               "Deny nothing: let every call the profile would deny through and list them at the end (stderr)");
  sub.add_option("--record", a->record,
                 "With --complain (implied): write the denied calls as a trace, to merge into the next generate");
  sub.prefix_command();
  sub.callback([a, &sub, &run] { run = [a, &sub] { return Run(*a, sub); }; });
}

}  // namespace profilegen::cli
