#include "base/error.h"
#include "cli/commands.h"

namespace profilegen::cli {

// Placeholder until the generate issue lands: the command exists but says plainly that it does nothing yet.
void SetupGenerate(CLI::App& sub, std::function<int()>& run) {
  sub.allow_extras();
  sub.callback([&run] { run = [] () -> int { throw Error("'generate' is not implemented yet"); }; });
}

}  // namespace profilegen::cli
