#pragma once
/// What record asks the engine for a recording run, from the facts cache when it may (podman) or from the
/// engine: its facts (engine_query.h QueryEngine) and the image's config (QueryImage). Only the image's config
/// is needed before the run (its ENTRYPOINT, CMD and USER decide what runs and who writes the trace); the
/// engine's facts only go into the trace. So on a miss the facts question may stay open while the container
/// runs (`podman info` alone takes ~0.9 s here, longer than a small container's whole run) and be joined
/// before the trace is completed (late_facts.h). An answer is stored only when its key was stamped before it
/// was asked, so that a change racing with the question is a miss next time, never a stale hit. podman's facts
/// are then not asked from `podman info` at all but read from the run (run_facts.h).
#include <future>
#include <memory>
#include <string>

#include "engines/engine_query.h"
#include "engines/run_command.h"
#include "engines/run_facts.h"
#include "trace/container.h"

namespace profilegen::engines {

struct EngineAnswers {
  /// engine, runtime, versions; while `pending`, only the engine's name (the rest is asked during the run).
  trace::ContainerFacts facts;
  ImageConfig image;                ///< empty when not asked (podman --rootfs)
  std::future<EngineInfo> pending;  ///< valid while the facts question is open: JoinFacts
  /// Set when the facts are read from the run (run_facts.h): the path the run must get as `--cidfile` (empty
  /// when the user gave one, which is watched instead), and how record tells the watcher that the run is over.
  std::string cidfile;
  std::shared_ptr<RunSignal> run_signal;

  EngineAnswers() = default;
  EngineAnswers(EngineAnswers&&) = default;
  EngineAnswers& operator=(EngineAnswers&&) = delete;  // would drop a watch without abandoning it
  /// Abandons a watch of the run that nobody joined (record failed, or no trace was written), so that
  /// `pending`'s destructor does not wait for a run that will never come.
  ~EngineAnswers();
};

/// `defer_facts`: leave a facts question that the cache cannot answer open (answers.pending) instead of
/// waiting for it; for a local podman the question is then the watch of the run (answers.cidfile). Throws
/// Error (125) as QueryEngine and QueryImage do; when the image question fails, the engine's error comes
/// first, since an unreachable engine also makes the image question fail.
EngineAnswers AskEngine(const RunCommand& run, bool with_image, bool defer_facts);

/// The engine's facts, waiting for the open question if there is one (and storing its answer in the cache).
/// Call it after the run: a watch of the run learns here that the run is over. Throws its Error (125).
trace::ContainerFacts JoinFacts(EngineAnswers& answers);

}  // namespace profilegen::engines
