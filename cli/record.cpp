#include "base/error.h"
#include "cli/commands.h"

namespace profilegen::cli {

void SetupRecord(CLI::App& sub, std::function<int()>& run) {
  sub.allow_extras();
  sub.callback([&run] { run = []() -> int { throw Error("'record' is not implemented yet"); }; });
}

}  // namespace profilegen::cli
