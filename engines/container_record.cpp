#include "engines/container_record.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>

#include "base/error.h"
#include "base/json_io.h"
#include "base/log.h"
#include "engines/engine_answers.h"
#include "engines/engine_query.h"
#include "engines/file_stamp.h"
#include "engines/late_facts.h"
#include "engines/output_folder.h"
#include "engines/recording_run.h"
#include "engines/run_command.h"
#include "engines/static_binary.h"
#include "engines/subprocess.h"
#include "trace/trace.h"

namespace profilegen::engines {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The output's folder (absolute, existing) and file name.
std::pair<std::string, std::string> SplitOutput(const std::string& output) {
  if (output == "-") {
    throw Error("a container recording writes its trace to a file: give -o FILE (not -o -)", kExitInternal);
  }
  size_t slash = output.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : output.substr(0, slash));
  std::string name = slash == std::string::npos ? output : output.substr(slash + 1);
  if (name.empty()) throw Error("-o " + output + " names a folder, not a file", kExitInternal);
  char real[PATH_MAX];
  if (!::realpath(dir.c_str(), real)) throw SystemError("output folder " + dir, errno);
  return {real, name};
}

void Summarise(const std::string& path, const trace::ContainerFacts& facts) {
  trace::Trace t = trace::LoadTrace(path);
  PrintInfo("recorded " + std::to_string(t.syscalls.size()) + " distinct syscalls from " + std::to_string(t.tasks) +
            (t.tasks == 1 ? " task" : " tasks") + " in the " + facts.engine + " container (" + facts.runtime +
            (facts.runtime_version.empty() ? "" : " " + facts.runtime_version) + ") -> " + path);
}

// Joins the engine's facts asked during the run and completes the container's partial trace with them at
// `output`. Returns the completed facts. A failed question leaves no partial trace behind.
trace::ContainerFacts CompleteLateFacts(EngineAnswers& answers, trace::ContainerFacts facts, const std::string& partial,
                                        const std::string& output) {
  trace::ContainerFacts engine;
  try {
    engine = JoinFacts(answers);
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
  facts.engine_version = engine.engine_version;
  facts.runtime = engine.runtime;
  facts.runtime_version = engine.runtime_version;
  CompleteTrace(partial, output, facts);
  return facts;
}

}  // namespace

int RecordContainer(const ContainerRecordOptions& options) {
  RunCommand run = ParseRunCommand(options.command);
  CheckRecordable(run);
  auto [dir, name] = SplitOutput(options.output);
  RecordingSetup setup;
  setup.static_binary = FindStaticProfilegen(options.static_binary);
  bool rootfs = run.engine == Engine::kPodman && run.Flag("rootfs");
  // In the foreground the engine's facts may still be asked while the container runs (late_facts.h); with -d
  // nobody is left to complete the trace, so they are awaited first.
  EngineAnswers answers = AskEngine(run, !rootfs, !run.Flag("detach"));
  bool late = answers.pending.valid();
  trace::ContainerFacts facts = answers.facts;
  if (late) facts.runtime = kPendingRuntime;
  const ImageConfig& image = answers.image;
  facts.image = run.image;
  facts.image_id = image.id;
  facts.image_digest = image.digest;
  setup.command = ContainerCommand(run, image);
  facts.no_new_privileges = false;  // decided inside the container, where the bit is visible
  // The trace is written by the container's user: --user, else the image's USER.
  OutputFolder out_folder(dir, run.Last("user").value_or(image.user), run.Flag("detach"));
  setup.output_dir = out_folder.MountSource();
  setup.output_name = late ? PartialTraceName(name) : name;
  setup.facts_json = trace::ContainerFactsJson(facts).dump();
  setup.record_flags = options.record_flags;
  setup.cidfile = answers.cidfile;
  if (!options.quiet) {
    PrintInfo("recording the " + facts.engine + " container's command (" + Join(setup.command) + "); the run gets " +
              Join(AddedOptions(run, setup)) + " for the recording only");
  }
  std::string output = dir + "/" + name, written_path = dir + "/" + setup.output_name;
  if (late) ::unlink(written_path.c_str());  // a partial trace left by an earlier, interrupted record
  FileStamp before = StampOf(written_path);
  int status = RunForeground(RecordingArgv(run, setup));
  out_folder.Finish(setup.output_name);
  bool written = StampOf(written_path) != before;
  // Without a trace the facts are not needed: an open question is abandoned (~EngineAnswers), not waited for.
  if (late && written) facts = CompleteLateFacts(answers, facts, written_path, output);
  if (run.Flag("detach")) {
    if (!options.quiet && status == 0) PrintInfo("the trace is written to " + output + " when the container stops");
    return status;
  }
  if (!written) {
    PrintWarning("no trace was written to " + output + " (" + run.program + " run exited with " +
                 std::to_string(status) + "; a container killed with SIGKILL cannot write one)");
  } else if (!options.quiet) {
    Summarise(output, facts);
  }
  return status;
}

trace::ContainerFacts FactsInsideContainer(const std::string& facts_json) {
  trace::ContainerFacts facts = trace::ParseContainerFacts(facts_json, "--container-facts");
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("NoNewPrivs:", 0) == 0) facts.no_new_privileges = line.find('1') != std::string::npos;
  }
  return facts;
}

}  // namespace profilegen::engines
