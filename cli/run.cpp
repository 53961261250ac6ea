#include "base/error.h"
#include "cli/commands.h"

namespace profilegen::cli {

// Placeholder until the run issue lands: the command exists but says plainly that it does nothing yet.
void SetupRun(CLI::App& sub, std::function<int()>& run) {
  sub.allow_extras();
  sub.callback([&run] { run = [] () -> int { throw Error("'run' is not implemented yet"); }; });
}

}  // namespace profilegen::cli
