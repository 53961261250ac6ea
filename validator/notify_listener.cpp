#include "validator/notify_listener.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace profilegen::validator {

using profile::Diagnostic;
using profile::Severity;

namespace {

bool UsesNotify(const profile::Profile& p) {
  bool notify = p.default_action == profile::Action::kNotify;
  for (const auto& r : p.syscalls) notify |= r.action == profile::Action::kNotify;
  return notify;
}

// Without a listenerPath, runc refuses NOTIFY rules ("listenerPath is not set") and crun loads them with no
// agent behind them, so the container starts. Docker (20.10, measured with tests/validator/published_engines.sh
// --engine docker) never passes the profile's listenerPath on to the runtime; podman does.
std::vector<Diagnostic> WithoutListener(const profile::Profile& p, const CompileOptions& o) {
  const std::string dropped = p.listener_path.empty() ? "" : " (Docker does not pass the profile's listenerPath on)";
  if (o.runtime == Runtime::kRunc) {
    return {{Severity::kError, "listenerPath",
             "runc refuses SCMP_ACT_NOTIFY rules without a seccomp agent's socket (\"listenerPath is not set\")" +
                 dropped + ": the container cannot start; give listenerPath (with podman) or replace SCMP_ACT_NOTIFY"}};
  }
  return {{Severity::kWarning, "listenerPath",
           "crun loads SCMP_ACT_NOTIFY rules with no seccomp agent behind them" + dropped +
               ": the container starts, and no agent answers the calls those rules hand over"}};
}

// With a listenerPath, runc and crun connect to it when they start the container and fail when nothing listens
// there (measured with runc 1.1.5 and crun 1.8.1 under podman).
std::vector<Diagnostic> WithListener(const profile::Profile& p) {
  struct stat st {};
  if (::stat(p.listener_path.c_str(), &st) != 0) {
    return {{Severity::kError, "listenerPath",
             "no seccomp agent: " + p.listener_path + " does not exist on this machine (" + std::strerror(errno) +
                 "), and runc and crun fail to start the container when they cannot connect to it; start the agent "
                 "first, or replace SCMP_ACT_NOTIFY"}};
  }
  if (!S_ISSOCK(st.st_mode)) {
    return {{Severity::kError, "listenerPath",
             p.listener_path + " is not a socket: runc and crun cannot connect to a seccomp agent there"}};
  }
  return {{Severity::kWarning, "listenerPath",
           p.listener_path + " is a socket on this machine: the container starts only while an agent listens "
                             "there and answers"}};
}

}  // namespace

std::vector<Diagnostic> CheckListener(const profile::Profile& p, const CompileOptions& o) {
  if (!UsesNotify(p)) return {};
  if (p.listener_path.empty() || o.target.engine == profile::Engine::kDocker) return WithoutListener(p, o);
  return WithListener(p);
}

}  // namespace profilegen::validator
