#pragma once
/// Errors a user can act on. `main` is the only place that catches them.
#include <stdexcept>
#include <string>

namespace profilegen {

/// Exit codes shared by every subcommand (DESIGN.md, "Errors and exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,   ///< validate found problems, diff gate met
  kExitUsage = 2,         ///< bad usage or unreadable input
  kExitInternal = 125,    ///< record/run: profilegen itself failed
  kExitNotExecutable = 126,
  kExitNotFound = 127,
};

/// A problem the user can fix: the message says what and where, and what to do.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = kExitUsage)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

/// An Error whose message ends with strerror(err).
Error SystemError(const std::string& what, int err, int exit_code = kExitInternal);

}  // namespace profilegen
