#include "base/error.h"

#include <cstring>

namespace profilegen {

Error SystemError(const std::string& what, int err, int exit_code) {
  return Error(what + ": " + std::strerror(err), exit_code);
}

}  // namespace profilegen
