#include "generator/generate.h"
#include "generator/load_traces.h"

#include "base/atomic_file.h"
#include "base/log.h"
#include "cli/commands.h"
#include "generator/layer_choice.h"
#include "generator/options.h"
#include "generator/reachable.h"
#include "review/risk.h"
#include "profile/writer.h"

namespace profilegen::cli {

void SetupGenerate(CLI::App& sub, std::function<int()>& run) {
  struct Args {
    std::string output = "-";
    std::string default_action = "errno";
    std::string errno_ret;
    std::vector<std::string> arches;
    std::string runtime = "runc";
    bool no_new_privileges = false;
    std::string args = "guard";
    std::vector<std::string> traces;
    std::string reachable = "report";
  };
  auto a = std::make_shared<Args>();
  sub.add_option("-o,--output", a->output, "Where to write the profile (\"-\": stdout)")->default_str("-");
  sub.add_option("--default-action", a->default_action,
                 "What calls the profile does not allow get: errno, kill-process, kill-thread, trap or log")
      ->default_str("errno");
  sub.add_option("--errno", a->errno_ret, "The errno for --default-action errno: a name (EPERM, EACCES) or 1..4095")
      ->default_str("EPERM");
  sub.add_option("--arch", a->arches,
                 "Also cover this architecture (repeatable; e.g. arm64 for a multi-arch image, x86 for 32-bit "
                 "programs); names missing there are reported")
      ->allow_extra_args(false)  // `--arch arm64 trace.json`: one value per --arch, the rest are traces
      ->delimiter(',');
  sub.add_option("--runtime", a->runtime,
                 "Add the syscalls this container runtime makes after loading the filter: runc, crun or none "
                 "(default: the runtime the traces' containers ran under, else runc)");
  sub.add_flag("--no-new-privileges", a->no_new_privileges,
               "The container runs with no-new-privileges (a smaller runtime layer; default: as recorded)");
  sub.add_option("--args", a->args,
                 "Argument guards: none, guard or strict (strict also limits the runtime layer's prctl to the "
                 "options the runtime was measured to use; docs/generate.md)")
      ->default_str("guard");
  sub.add_option("--reachable", a->reachable,
                 "Reachable but unobserved syscalls (traces from `record --reachable`): report them, or include "
                 "those outside the risk catalogue")
      ->check(CLI::IsMember({"report", "include"}))
      ->default_str("report");
  sub.add_option("traces", a->traces, "Trace files from `profilegen record` (\"-\": stdin)")->required();
  sub.callback([a, &sub, &run] {
    run = [a, &sub]() -> int {
      generator::GenerateOptions options;
      options.default_action = generator::ParseDefaultAction(a->default_action);
      if (!a->errno_ret.empty()) options.errno_ret = generator::ParseErrno(a->errno_ret);
      for (const std::string& arch : a->arches) options.extra_arches.push_back(generator::ParseArch(arch));
      options.args = generator::ParseArgPolicy(a->args);
      options.include_reachable = generator::ParseReachablePolicy(a->reachable) == generator::ReachablePolicy::kInclude;
      for (const review::RiskInfo& r : review::RiskCatalogue()) options.reachable_denied.emplace(r.syscall);
      trace::Trace merged = generator::LoadAndMergeTraces(a->traces);
      std::optional<generator::Runtime> runtime;
      if (sub.count("--runtime")) runtime = generator::ParseRuntime(a->runtime);
      std::optional<bool> nnp;
      if (sub.count("--no-new-privileges")) nnp = a->no_new_privileges;
      generator::ChooseRuntimeLayers(merged, runtime, nnp, options);
      generator::GenerateResult result = generator::Generate(merged, options);
      for (const std::string& w : result.warnings) PrintWarning(w);
      WriteFileAtomically(a->output, profile::WriteProfile(result.profile));
      return kExitOk;
    };
  });
}

}  // namespace profilegen::cli
