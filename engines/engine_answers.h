#pragma once
/// What record asks the engine before a recording run, from the facts cache when it may (podman) or from the
/// engine: its facts (engine_query.h QueryEngine) and the image's config (QueryImage). On a miss both
/// questions run side by side; an answer is stored only when its key was stamped before it was asked, so that
/// a change racing with the question is a miss next time, never a stale hit.
#include "engines/engine_query.h"
#include "engines/run_command.h"
#include "trace/container.h"

namespace profilegen::engines {

struct EngineAnswers {
  trace::ContainerFacts facts;  ///< engine, runtime, versions; the image fields are filled from `image`
  ImageConfig image;            ///< empty when not asked (podman --rootfs)
};

/// Throws Error (125) as QueryEngine and QueryImage do; the engine's error comes first, since an unreachable
/// daemon also makes the image question fail.
EngineAnswers AskEngine(const RunCommand& run, bool with_image);

}  // namespace profilegen::engines
