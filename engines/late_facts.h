#pragma once
/// A foreground recording whose engine facts are still being asked while the container runs
/// (engine_answers.h): the profilegen inside the container writes its trace under a partial name, with the
/// facts it was given (the engine's name, the image's) and a placeholder runtime, plus what only it knows
/// (no-new-privileges). After the run the host completes the entry with the engine's answer and publishes
/// the trace at the output path with one rename, so that path never holds a trace without its engine facts.
#include <string>

#include "trace/container.h"

namespace profilegen::engines {

/// The runtime name the partial trace carries until it is completed (never in a published trace).
inline constexpr const char* kPendingRuntime = "(asked during the run)";

/// The hidden name, in the same folder, under which the trace `name` is written before it is completed.
std::string PartialTraceName(const std::string& name);

/// Completes the partial trace at `partial` with `facts` (engine, runtime, versions, image; the recorded
/// no-new-privileges bit is kept), writes it to `output` atomically and removes `partial`. Throws Error (125)
/// when the partial trace is not one container recording.
void CompleteTrace(const std::string& partial, const std::string& output, const trace::ContainerFacts& facts);

}  // namespace profilegen::engines
