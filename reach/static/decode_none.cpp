// The machine-code decoder for profilegen-static: none. Debian ships Zydis as a shared library only, and the
// static build exists to be mounted into container images to record them. Linked as an object into
// profilegen-static only (cli/CMakeLists.txt), so that decode.o and libZydis are never pulled in; `scan` and
// `record --reachable` say so there, and work with the dynamically linked profilegen.
#include "base/error.h"
#include "reach/decode.h"

namespace profilegen::reach {

Decoded DecodeImage(const ElfImage&) {
  throw Error("this static profilegen has no machine-code decoder (Zydis has no static library here): run "
              "`profilegen scan` with the dynamically linked profilegen");
}

}  // namespace profilegen::reach
