#include "review/diff.h"

#include <memory>
#include <string>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/log.h"
#include "cli/commands.h"
#include "profile/parse.h"
#include "review/target.h"

namespace profilegen::cli {

namespace {

struct DiffOptions {
  std::string old_path, new_path;
  std::string format = "text";
  std::string fail_on = "never";
  review::TargetOptions target;
};

}  // namespace

void SetupDiff(CLI::App& sub, std::function<int()>& run) {
  auto o = std::make_shared<DiffOptions>();
  sub.add_option("OLD", o->old_path, "The profile before the change")->required();
  sub.add_option("NEW", o->new_path, "The profile after the change")->required();
  sub.add_option("--format", o->format, "Output: text (colour on a terminal), markdown (for a pull request) or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  sub.add_option("--fail-on", o->fail_on,
                 "Exit 1 when the new profile adds a syscall (added), adds or widens a risky one (risky), or differs "
                 "at all (any)")
      ->check(CLI::IsMember({"added", "risky", "any", "never"}))
      ->capture_default_str();
  AddTargetOptions(sub, o->target);
  sub.footer(
      "Compares what the kernel filter would do, per arch and syscall, not the text. Exit 0 whatever the "
      "differences unless --fail-on is met (1); 2 for usage errors or unreadable profiles.");
  sub.callback([o, &run] {
    run = [o]() -> int {
      const profile::Target target = review::MakeTarget(o->target);
      const review::OutputFormat format = review::ParseOutputFormat(o->format);
      review::DiffLabels labels{o->old_path, o->new_path, review::ParseFailOn(o->fail_on)};
      const profile::Profile old_profile = profile::LoadProfileOrThrow(o->old_path);
      const profile::Profile new_profile = profile::LoadProfileOrThrow(o->new_path);
      const review::DiffResult diff = review::DiffProfiles(old_profile, new_profile, target);
      WriteFileAtomically("-", review::FormatDiff(diff, labels, format, UseColour(1)));
      return review::GateFails(diff, labels.fail_on) ? kExitCheckFailed : kExitOk;
    };
  });
}

}  // namespace profilegen::cli
