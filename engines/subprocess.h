#pragma once
/// Running the engine's client: capture the output of a query (`docker image inspect`), or run the
/// recording `docker run` in the foreground with stdio passed through and signals forwarded.
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

/// Runs argv with this process's stdin, stdout and stderr; kForwardedSignals (base/forwarded_signals.h) sent to
/// profilegen with kill() while it runs are passed on to it (the engine's client proxies them to the container).
/// A terminal's signals (^C, quit, hangup, resize) reach the client itself, being in the same process group, and
/// are not sent a second time. Returns its exit code (128+N when killed by signal N; 127 not found).
int RunForeground(const std::vector<std::string>& argv);

/// Blocks kForwardedSignals in the calling thread, so that a thread working beside RunForeground (a question
/// to the engine while the container runs) leaves them to the thread that forwards them.
void BlockForegroundSignals();

}  // namespace profilegen::engines
