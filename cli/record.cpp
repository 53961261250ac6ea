#include <string>
#include <vector>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/log.h"
#include "generator/generate.h"
#include "profile/writer.h"
#include "reach/recorded.h"
#include "cli/commands.h"
#include "engines/container_record.h"
#include "engines/run_command.h"
#include "trace/trace.h"
#include "tracer/recorder.h"

namespace profilegen::cli {
namespace {

struct RecordArgs {
  std::string output = "trace.json";
  std::vector<std::string> known;
  int pid = 0;
  bool quiet = false;
  bool no_seccomp = false;
  std::string cpus = "all";
  std::string profile;
  std::string runtime = "runc";
  bool no_new_privileges = false;
  bool reachable = false;
  bool host = false;              // record `docker run` itself, not the container
  std::string static_binary;      // the profilegen mounted into a recorded container
  std::string container_facts;    // set by the host side when this profilegen runs inside the container
  std::vector<std::string> command;
};

std::string Summary(const trace::Trace& t, const std::string& output) {
  std::string arches;
  for (sys::ArchToken a : t.Arches()) {
    bool used = false;
    for (const auto& [key, rec] : t.syscalls) used |= key.first == a;
    if (!used) continue;
    if (!arches.empty()) arches += ", ";
    arches += std::string(sys::ArchByToken(a)->scmp);
  }
  std::string where = output == "-" ? "stdout" : output;
  return "recorded " + std::to_string(t.syscalls.size()) + " distinct syscalls from " + std::to_string(t.tasks) +
         (t.tasks == 1 ? " task" : " tasks") + " (" + (arches.empty() ? "no syscalls" : arches) + ") -> " + where;
}

int RunRecord(RecordArgs& args, CLI::App& sub) {
  args.command = CommandToRun(sub);
  if (args.pid == 0 && args.command.empty()) {
    throw Error("record needs a command to run (profilegen record -o trace.json -- CMD ARGS...) or --pid PID");
  }
  if (args.pid != 0 && !args.command.empty()) throw Error("record takes either --pid or a command, not both");
  if (!args.host && args.pid == 0 && args.container_facts.empty() && engines::IsContainerRun(args.command)) {
    if (!args.profile.empty()) throw Error("--profile is not supported with a container: run `profilegen generate`");
    std::vector<std::string> inner_flags = {"--cpus", args.cpus};
    if (args.reachable) inner_flags.push_back("--reachable");  // analysed inside, where the image's files are
    return engines::RecordContainer({args.command, args.output, args.static_binary, args.quiet, inner_flags});
  }
  std::optional<trace::ContainerFacts> facts;
  if (!args.container_facts.empty()) facts = engines::FactsInsideContainer(args.container_facts);
  tracer::RecordOptions options;
  options.command = args.command;
  options.attach_pid = args.pid;
  options.no_seccomp = args.no_seccomp;
  options.placement = args.cpus == "same" ? tracer::Placement::kSameCpu : tracer::Placement::kFree;
  for (const std::string& path : args.known) options.known.push_back(trace::LoadTrace(path));
  tracer::RecordResult result = tracer::Record(options);
  if (facts) result.trace.containers.push_back(*facts);
  if (args.reachable) {
    // In a container the analysis can outlast `docker stop`'s grace period: the trace is there first, without it.
    if (facts) trace::SaveTrace(result.trace, args.output, kExitInternal);
    try {
      const trace::Trace& t = result.trace;
      reach::RecordedReachable r = reach::AnalyseRecorded(t.Executables(), {t.mapped.begin(), t.mapped.end()},
                                                          reach::RecordingCacheDir(facts.has_value()));
      for (const std::string& why : r.not_analysed) PrintWarning("--reachable: not analysed: " + why);
      result.trace.reachable = trace::Reachable{r.names, r.binaries, r.unresolved};
    } catch (const Error& e) {
      PrintWarning(std::string("--reachable: no static analysis in the trace: ") + e.what());
    }
  }
  trace::SaveTrace(result.trace, args.output, kExitInternal);
  if (!args.quiet) PrintInfo(Summary(result.trace, args.output));
  if (!args.profile.empty()) {
    // record --profile: generate from this one recording, with generate's defaults.
    generator::GenerateOptions options_gen;
    options_gen.runtime = generator::ParseRuntime(args.runtime);
    options_gen.no_new_privileges = args.no_new_privileges;
    generator::GenerateResult gen = generator::Generate(trace::MergeAll({result.trace}), options_gen);
    for (const std::string& w : gen.warnings) PrintWarning(w);
    WriteFileAtomically(args.profile, profile::WriteProfile(gen.profile), kExitInternal);
    if (!args.quiet) PrintInfo("profile -> " + (args.profile == "-" ? std::string("stdout") : args.profile));
  }
  return result.exit_code;
}

}  // namespace

void SetupRecord(CLI::App& sub, std::function<int()>& run) {
  auto args = std::make_shared<RecordArgs>();
  sub.description(
      "Run a command under the tracer and record every syscall it makes, in every thread and child process.\n"
      "For `docker run`/`podman run` it records the container's own processes (see docs/engines.md).\n"
      "Exits with the command's exit status (128+N if killed by signal N); 125 if profilegen fails,\n"
      "126 if the command cannot be executed, 127 if it is not found.");
  sub.add_option("-o,--output", args->output, "Where to write the trace ('-' for stdout)")->capture_default_str();
  sub.add_option("--known", args->known,
                 "A trace whose syscalls are let through without stopping (repeatable); they are carried over "
                 "into the output")
      ->check(CLI::ExistingFile);
  sub.add_option("--pid", args->pid,
                 "Attach to a running process and all its threads; SIGINT, SIGTERM, SIGHUP or ^C detaches")
      ->check(CLI::PositiveNumber);
  sub.add_flag("-q,--quiet", args->quiet, "No summary line on stderr");
  sub.add_option("--cpus", args->cpus,
                 "all: no pinning, the command sees the CPUs record was given; same: tracer and command share one "
                 "CPU (sometimes faster on syscall-heavy loops, but the command sees one CPU)")
      ->check(CLI::IsMember({"all", "same"}))
      ->capture_default_str();
  sub.add_option("--profile", args->profile,
                 "Also generate a profile from this recording (as `profilegen generate` with its defaults)");
  sub.add_option("--runtime", args->runtime, "With --profile: the container runtime layer to add (runc, crun, none)")
      ->check(CLI::IsMember({"runc", "crun", "none"}))
      ->capture_default_str();
  sub.add_flag("--no-new-privileges", args->no_new_privileges,
               "With --profile: the container runs with no-new-privileges (smaller runtime layer)");
  sub.add_flag("--reachable", args->reachable,
               "Also store the syscalls the recorded executables and their libraries can reach (static analysis, "
               "cached; trace schema v2). With docker/podman run: analysed inside the container, on the image's "
               "files");
  sub.add_flag("--no-seccomp", args->no_seccomp, "Use PTRACE_SYSCALL (two stops per syscall) instead of a seccomp filter");
  sub.add_flag("--host", args->host,
               "With `docker run`/`podman run`: record the engine's client itself, not the container");
  sub.add_option("--static-binary", args->static_binary,
                 "The static profilegen to mount into a recorded container (default: profilegen-static beside "
                 "this program)");
  sub.add_option("--container-facts", args->container_facts)->group("");  // host side -> inside the container
  sub.prefix_command();
  sub.callback([args, &sub, &run] { run = [args, &sub] { return RunRecord(*args, sub); }; });
}

}  // namespace profilegen::cli
