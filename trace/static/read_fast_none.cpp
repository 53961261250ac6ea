// The fast trace reader for profilegen-static: none. Debian ships simdjson as a shared library only, and the
// static build (mounted into containers to record them) reads traces rarely (`record --known`): the checked
// reader does it. Linked as an object into profilegen-static only (cli/CMakeLists.txt), so that read_fast.o
// and libsimdjson are never pulled in.
#include "trace/read_fast.h"

namespace profilegen::trace {

std::optional<Trace> ParseTraceFast(std::string_view, const std::string&) { return std::nullopt; }

}  // namespace profilegen::trace
