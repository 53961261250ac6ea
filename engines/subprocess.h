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

/// Runs argv (looked up in PATH) with stdin from /dev/null, and collects its output. Never throws for the
/// program's own failure (see status); throws Error (125) when it cannot be started for another reason.
Captured RunCapture(const std::vector<std::string>& argv);

/// Runs argv with this process's stdin, stdout and stderr; SIGINT, SIGTERM and SIGHUP sent to profilegen
/// while it runs are passed on to it. Returns its exit code (128+N when killed by signal N; 127 not found).
int RunForeground(const std::vector<std::string>& argv);

}  // namespace profilegen::engines
