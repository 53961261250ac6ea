#include "review/audit.h"

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

struct AuditOptions {
  std::string path;
  std::string format = "text";
  review::TargetOptions target;
};

}  // namespace

void SetupAudit(CLI::App& sub, std::function<int()>& run) {
  auto o = std::make_shared<AuditOptions>();
  sub.add_option("PROFILE", o->path, "The profile to audit")->required();
  sub.add_option("--format", o->format, "Output: text (colour on a terminal), markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  AddTargetOptions(sub, o->target);
  sub.footer("Reports; always exits 0 for a readable profile (2 for usage errors or unreadable profiles).");
  sub.callback([o, &run] {
    run = [o]() -> int {
      const profile::Target target = review::MakeTarget(o->target);
      const review::OutputFormat format = review::ParseOutputFormat(o->format);
      const profile::Profile p = profile::LoadProfileOrThrow(o->path);
      const review::AuditReport report = review::Audit(p, target);
      WriteFileAtomically("-", review::FormatAudit(report, o->path, format, UseColour(1)));
      return kExitOk;
    };
  });
}

}  // namespace profilegen::cli
