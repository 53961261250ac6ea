#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "cli/commands.h"
#include "engines/container_lookup.h"
#include "trace/kernel_log.h"
#include "trace/log_learn.h"
#include "trace/trace.h"
#include "tracer/process.h"

namespace profilegen::cli {
namespace {

struct LearnArgs {
  std::string output = "trace.json";
  std::string log = trace::kKernelLogDevice;
  std::string since, until;
  std::vector<std::string> exes;
  std::string container;
  std::string engine;  // "" = docker, then podman
  bool quiet = false;
};

int RunLearn(const LearnArgs& a) {
  const double now = static_cast<double>(std::time(nullptr));
  trace::LogFilter filter;
  if (!a.since.empty()) filter.since = trace::ParseTimeArg(a.since, now, "--since");
  if (!a.until.empty()) filter.until = trace::ParseTimeArg(a.until, now, "--until");
  filter.exes = a.exes;
  trace::LogSource source;
  source.log = a.log;
  source.since = filter.since ? trace::FormatTime(*filter.since) : "";
  source.until = filter.until ? trace::FormatTime(*filter.until) : "";
  for (const std::string& e : a.exes) source.match += (source.match.empty() ? "exe " : ", exe ") + e;

  std::optional<engines::ContainerRun> container;
  engines::ContainerMatch counts;
  if (!a.container.empty()) {
    std::optional<engines::Engine> engine;
    if (!a.engine.empty()) engine = a.engine == "podman" ? engines::Engine::kPodman : engines::Engine::kDocker;
    container = engines::QueryContainer(engine, a.container);
    engines::RestrictToContainer(filter, *container, counts);
    source.match += (source.match.empty() ? "" : ", ") + engines::DescribeContainer(*container);
  }
  if (source.match.empty()) source.match = "all";
  if (auto problem = trace::SeccompLogProblem()) PrintWarning(*problem);

  trace::Learned learned = trace::LearnFromLog(trace::ReadLogLines(a.log), filter, source, sys::HostArch(),
                                               tracer::KernelRelease());
  for (const std::string& w : trace::LearnWarnings(learned.stats, a.log)) PrintWarning(w);
  if (container && counts.by_time) {
    PrintWarning(std::to_string(counts.by_time) + " record(s) kept by the container's lifetime alone (" +
                 engines::DescribeContainer(*container) +
                 "): their processes have exited, so their pid namespace cannot be checked; another workload "
                 "under a LOG profile at the same time would be mixed in");
  }
  trace::SaveTrace(learned.trace, a.output, kExitUsage);
  if (!a.quiet) PrintInfo(trace::LearnSummary(learned, a.output));
  return kExitOk;
}

}  // namespace

void SetupLearn(CLI::App& sub, std::function<int()>& run) {
  auto a = std::make_shared<LearnArgs>();
  sub.description(
      "Read the kernel's seccomp audit records (type 1326: what a profile with defaultAction SCMP_ACT_LOG let\n"
      "through and logged) into a trace, to merge with recorded traces in `profilegen generate`.");
  sub.add_option("-o,--output", a->output, "Where to write the trace ('-' for stdout)")->capture_default_str();
  sub.add_option("--log", a->log,
                 "The log to read: /dev/kmsg (the kernel's ring buffer), a saved dmesg, journalctl -k or "
                 "audit.log file, or '-' for stdin")
      ->capture_default_str();
  sub.add_option("--since", a->since, "Only records from then on: 2026-11-29T23:00:00Z, @EPOCH_SECONDS or -10m");
  sub.add_option("--until", a->until, "Only records up to then (same forms)");
  sub.add_option("--exe", a->exes, "Only records of this executable, as the kernel names it (repeatable)");
  sub.add_option("--container", a->container,
                 "Only records of this container (id or name): its lifetime, and its pid namespace for "
                 "processes still running");
  sub.add_option("--engine", a->engine, "With --container: docker or podman (default: docker, then podman)")
      ->check(CLI::IsMember({"docker", "podman"}));
  sub.add_flag("-q,--quiet", a->quiet, "No summary line on stderr");
  sub.callback([a, &run] { run = [a] { return RunLearn(*a); }; });
}

}  // namespace profilegen::cli
