#pragma once
/// podman's facts for a foreground recording that the facts cache cannot answer, read from the recording run
/// itself instead of asked from `podman info`: that takes 0.6-1 s here (it runs `dpkg -S` on the runtime,
/// conmon and slirp4netns to name their packages), longer than a small container's whole run, and even while
/// overlapping the run it doubled the recording's cost on 2 cores by competing for them. Instead the run writes
/// its container id (`--cidfile`), the container's conmon names the OCI runtime, its binary and the image store
/// (conmon_args.h: what podman used for this very container), and `RUNTIME --version` and `podman --version`
/// (about 0.03 s and 0.1 s) give the versions, which are the strings `podman info` reports too. When no conmon
/// is seen before the run ends (a run that failed before its container started, a podman that passes other
/// arguments), `podman info` is asked after all, so no fact is lost, only time.
#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "engines/engine_query.h"
#include "engines/run_command.h"

namespace profilegen::engines {

/// How far the recording run is, as record tells the watcher.
enum class RunPhase {
  kRunning,    ///< the run may still start its container
  kOver,       ///< the run has ended: look once more, then ask `podman info` if the conmon was not seen
  kAbandoned,  ///< record needs no facts (it failed, or no trace was written): stop without asking anything
};

struct RunSignal {
  std::atomic<RunPhase> phase{RunPhase::kRunning};
  /// Sets `to` unless the phase has already left kRunning (an abandoned watch stays abandoned).
  void Leave(RunPhase to) {
    RunPhase running = RunPhase::kRunning;
    phase.compare_exchange_strong(running, to);
  }
};

/// A fresh path for the run's --cidfile, in a new private folder under $TMPDIR (else /tmp); "" when none can be
/// made.
std::string NewCidfilePath();

/// Watches, on a thread of its own, for the container id in `cidfile` and that container's conmon (polling every
/// 5 ms at first, less often as time goes by: conmon lives as long as the container), until found or `signal`
/// leaves kRunning; then asks
/// the versions (in their own process group, as QueryEngine's questions during a run are). kOver without a
/// conmon seen, or a version that cannot be read: QueryEngine. kAbandoned: an EngineInfo with no runtime. A
/// complete answer goes to `on_answer` (the facts cache) before it is returned. With `remove_cidfile`, the
/// file and its folder (NewCidfilePath's) are removed when the watch ends. QueryEngine's Error is the future's.
std::future<EngineInfo> WatchRunFacts(const RunCommand& run, const std::string& cidfile, bool remove_cidfile,
                                      std::shared_ptr<RunSignal> signal,
                                      std::function<void(const EngineInfo&)> on_answer);

}  // namespace profilegen::engines
