#pragma once
/// ENOSYS probes: syscalls that C libraries and language runtimes try first and fall back from when the
/// kernel answers ENOSYS ("not implemented"). When the traces never saw one, the profile answers it with
/// ENOSYS instead of the default EPERM, so a newer libc in a newer image degrades instead of failing.
#include <string_view>
#include <vector>

namespace profilegen::generator {

struct EnosysProbe {
  std::string_view name;
  std::string_view reason;  ///< who probes it and what the fallback is
};

/// The curated list, sorted by name. See docs/generate.md for what was left out and why.
const std::vector<EnosysProbe>& EnosysProbes();

}  // namespace profilegen::generator
