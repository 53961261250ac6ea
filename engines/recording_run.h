#pragma once
/// The rewrite of a user's `docker run` into the recording run: the same options, plus what recording needs
/// (seccomp=unconfined, SYS_PTRACE, the static profilegen mounted read-only, a writable output folder), with
/// profilegen as the entrypoint recording the container's own entrypoint and command. Pure code.
#include <string>
#include <vector>

#include "engines/run_command.h"

namespace profilegen::engines {

/// Where things are inside the container.
inline constexpr const char* kInnerBinary = "/.profilegen/profilegen";
inline constexpr const char* kInnerOutput = "/.profilegen/out";

struct RecordingSetup {
  std::string static_binary;              ///< host path of profilegen-static
  std::string output_dir;                 ///< host folder that receives the trace (mounted writable)
  std::string output_name;                ///< the trace's file name in it
  std::string facts_json;                 ///< trace::ContainerFacts as JSON, completed inside the container
  std::vector<std::string> record_flags;  ///< extra `record` flags for the inner profilegen (--cpus all, ...)
  std::vector<std::string> command;       ///< the container's entrypoint + command (ContainerCommand)
  std::string cidfile;                    ///< when set, the run gets `--cidfile` with it (engine_answers.h)
};

/// Throws Error (125) for run options under which a recording would be wrong: the user's own seccomp profile
/// (its denials would never reach the tracer), podman --rootfs without a command.
void CheckRecordable(const RunCommand& run);

/// The options profilegen adds, as words (for the message that says so, and for the rewrite).
std::vector<std::string> AddedOptions(const RunCommand& run, const RecordingSetup& setup);

/// The full argv of the recording run.
std::vector<std::string> RecordingArgv(const RunCommand& run, const RecordingSetup& setup);

}  // namespace profilegen::engines
