#pragma once
/// What record asks the engine for a recording run, from the facts cache when it may (podman) or from the
/// engine: its facts (engine_query.h QueryEngine) and the image's config (QueryImage). Only the image's config
/// is needed before the run (its ENTRYPOINT, CMD and USER decide what runs and who writes the trace); the
/// engine's facts only go into the trace. So on a miss the facts question may stay open while the container
/// runs (`podman info` alone takes ~0.9 s here, longer than a small container's whole run) and be joined
/// before the trace is completed (late_facts.h). An answer is stored only when its key was stamped before it
/// was asked, so that a change racing with the question is a miss next time, never a stale hit.
#include <future>

#include "engines/engine_query.h"
#include "engines/run_command.h"
#include "trace/container.h"

namespace profilegen::engines {

struct EngineAnswers {
  /// engine, runtime, versions; while `pending`, only the engine's name (the rest is asked during the run).
  trace::ContainerFacts facts;
  ImageConfig image;                ///< empty when not asked (podman --rootfs)
  std::future<EngineInfo> pending;  ///< valid while the facts question is open: JoinFacts
};

/// `defer_facts`: leave a facts question that the cache cannot answer open (answers.pending) instead of
/// waiting for it. Throws Error (125) as QueryEngine and QueryImage do; when the image question fails, the
/// engine's error comes first, since an unreachable engine also makes the image question fail.
EngineAnswers AskEngine(const RunCommand& run, bool with_image, bool defer_facts);

/// The engine's facts, waiting for the open question if there is one (and storing its answer in the cache).
/// Throws its Error (125).
trace::ContainerFacts JoinFacts(EngineAnswers& answers);

}  // namespace profilegen::engines
