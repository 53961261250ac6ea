#pragma once
/// Running the engine's client: capture the output of a query (`docker image inspect`), or run the
/// recording `docker run` in the foreground with stdio passed through and signals forwarded.
#include <signal.h>

#include <array>
#include <string>
#include <vector>

namespace profilegen::engines {

struct Captured {
  int status = 0;   ///< exit code; 128+N when killed by signal N; 127 when the program was not found
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Which process group a captured query runs in: profilegen's own (a ^C at the terminal stops it together with
/// profilegen), or a new one (a question asked while the container runs in the foreground must not die of the
/// ^C that is meant for the container: record still needs its answer to complete the trace).
enum class ProcessGroup { kShared, kOwn };

/// Runs argv (looked up in PATH) with stdin from /dev/null, and collects its output. Never throws for the
/// program's own failure (see status); throws Error (125) when it cannot be started for another reason. The
/// program starts with no signal blocked, whatever the calling thread blocks.
Captured RunCapture(const std::vector<std::string>& argv, ProcessGroup group = ProcessGroup::kShared);

/// The signals RunForeground passes on to the engine client it runs.
inline constexpr std::array<int, 3> kForegroundSignals = {SIGINT, SIGTERM, SIGHUP};

/// Runs argv with this process's stdin, stdout and stderr; kForegroundSignals sent to profilegen while it runs
/// are passed on to it. Returns its exit code (128+N when killed by signal N; 127 not found).
int RunForeground(const std::vector<std::string>& argv);

/// Blocks kForegroundSignals in the calling thread, so that a thread working beside RunForeground (a question
/// to the engine while the container runs) leaves them to the thread that forwards them.
void BlockForegroundSignals();

}  // namespace profilegen::engines
