#pragma once
/// `profilegen record -- docker run ... IMAGE [COMMAND...]`: records the container's own processes. The host
/// side asks the engine for its facts and the image's entrypoint, then runs the rewritten `docker run` in the
/// foreground; the profilegen inside the container (PID 1, the static build) records the entrypoint and writes
/// the trace into the mounted output folder, so that `-d` works too: the trace appears when the container stops.
#include <string>
#include <vector>

#include "trace/container.h"

namespace profilegen::engines {

struct ContainerRecordOptions {
  std::vector<std::string> command;  ///< the user's `docker run ...` (IsContainerRun holds)
  std::string output;                ///< the trace file on the host
  std::string static_binary;         ///< --static-binary; empty: FindStaticProfilegen
  bool quiet = false;
  std::vector<std::string> record_flags;  ///< record flags to pass on to the inner profilegen
};

/// Runs the recording; returns the engine's exit status (the container's, as `docker run` returns it).
/// Throws Error (125) before anything is started when the engine, daemon, image or an option is wrong.
int RecordContainer(const ContainerRecordOptions& options);

/// Inside the container: the facts the host passed (--container-facts), completed with what only the
/// container knows (its no-new-privileges bit, from /proc/self/status).
trace::ContainerFacts FactsInsideContainer(const std::string& facts_json);

}  // namespace profilegen::engines
