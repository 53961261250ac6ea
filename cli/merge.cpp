#include "base/atomic_file.h"
#include "base/log.h"
#include "cli/commands.h"
#include "generator/merge_profiles.h"
#include "profile/writer.h"

namespace profilegen::cli {

void SetupMerge(CLI::App& sub, std::function<int()>& run) {
  struct Args {
    std::string output = "-";
    std::vector<std::string> profiles;
  };
  auto a = std::make_shared<Args>();
  sub.add_option("-o,--output", a->output, "Where to write the merged profile (\"-\": stdout)")->default_str("-");
  sub.add_option("profiles", a->profiles, "Allow-list profiles with the same default action")->required();
  sub.callback([a, &run] {
    run = [a]() -> int {
      generator::MergeResult result = generator::MergeProfileFiles(a->profiles);
      for (const std::string& w : result.warnings) PrintWarning(w);
      WriteFileAtomically(a->output, profile::WriteProfile(result.profile));
      return kExitOk;
    };
  });
}

}  // namespace profilegen::cli
