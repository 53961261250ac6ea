#include "engines/recording_run.h"

#include "base/error.h"

namespace profilegen::engines {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error(what, kExitInternal); }

std::string BindMount(const std::string& source, const std::string& target, bool readonly) {
  // --mount, not -v: a path holding ':' would be split by -v. Neither form can carry a ','.
  if (source.find(',') != std::string::npos) {
    Fail("cannot mount " + source + " into the container: the path holds a ',' (move it, or use another -o)");
  }
  return "type=bind,source=" + source + ",target=" + target + (readonly ? ",readonly" : "");
}

}  // namespace

void CheckRecordable(const RunCommand& run) {
  for (const std::string& opt : run.All("security-opt")) {
    // Docker also accepts the old "seccomp:PROFILE" spelling.
    if (opt.rfind("seccomp=", 0) != 0 && opt.rfind("seccomp:", 0) != 0) continue;
    std::string profile = opt.substr(8);
    if (profile == "unconfined") continue;
    Fail("--security-opt " + opt +
         " cannot be recorded: under the engine's filter a syscall it denies never "
         "reaches the tracer; leave it out of the recording run (profilegen runs it with seccomp=unconfined)");
  }
  if (run.engine == Engine::kPodman && run.Flag("rootfs") && run.command.empty() && !run.Last("entrypoint")) {
    Fail("podman run --rootfs " + run.image + " needs a command to record (a root folder has no CMD)");
  }
}

std::vector<std::string> AddedOptions(const RunCommand& run, const RecordingSetup& setup) {
  std::vector<std::string> out;
  bool unconfined = false;
  for (const std::string& opt : run.All("security-opt")) unconfined |= opt == "seccomp=unconfined";
  if (!unconfined) out.insert(out.end(), {"--security-opt", "seccomp=unconfined"});
  out.insert(out.end(), {"--cap-add", "SYS_PTRACE"});
  out.insert(out.end(), {"--mount", BindMount(setup.static_binary, kInnerBinary, true)});
  out.insert(out.end(), {"--mount", BindMount(setup.output_dir, kInnerOutput, false)});
  if (!setup.cidfile.empty()) out.insert(out.end(), {"--cidfile", setup.cidfile});
  return out;
}

std::vector<std::string> RecordingArgv(const RunCommand& run, const RecordingSetup& setup) {
  std::vector<std::string> argv{run.program};
  argv.insert(argv.end(), run.global_words.begin(), run.global_words.end());
  argv.insert(argv.end(), run.subcommand.begin(), run.subcommand.end());
  for (const RunOption& o : run.options) {
    if (o.name == "entrypoint") continue;  // recorded inside: it is part of setup.command
    argv.insert(argv.end(), o.words.begin(), o.words.end());
  }
  std::vector<std::string> added = AddedOptions(run, setup);
  argv.insert(argv.end(), added.begin(), added.end());
  argv.insert(argv.end(), {"--entrypoint", kInnerBinary});
  if (run.dash_dash) argv.push_back("--");
  argv.push_back(run.image);
  argv.insert(argv.end(), {"record", "-q", "-o", std::string(kInnerOutput) + "/" + setup.output_name,
                           "--container-facts", setup.facts_json});
  argv.insert(argv.end(), setup.record_flags.begin(), setup.record_flags.end());
  argv.push_back("--");
  argv.insert(argv.end(), setup.command.begin(), setup.command.end());
  return argv;
}

}  // namespace profilegen::engines
