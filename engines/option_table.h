#pragma once
/// Which options of `docker run`, `podman run` and of the two programs themselves take a value. This decides
/// which word is the image, so an unknown option is an error rather than a guess.
#include <optional>
#include <string>
#include <string_view>

#include "engines/run_command.h"

namespace profilegen::engines {

enum class OptionKind { kFlag, kValue };

struct OptionSpec {
  std::string name;  ///< long name without dashes
  OptionKind kind;
};

/// A run option by its long name ("volume", "net"); aliases come back under their canonical name ("network").
std::optional<OptionSpec> RunOptionByLong(Engine engine, std::string_view name);
/// A run option by its one-letter form ('v' -> "volume").
std::optional<OptionSpec> RunOptionByShort(Engine engine, char letter);
/// An option of the program before the subcommand (`docker -H S run`, `podman --runtime crun run`).
std::optional<OptionSpec> GlobalOptionByLong(Engine engine, std::string_view name);
std::optional<OptionSpec> GlobalOptionByShort(Engine engine, char letter);

}  // namespace profilegen::engines
