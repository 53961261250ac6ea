#include "validator/enforce.h"

#include <linux/seccomp.h>

#include "base/error.h"
#include "base/log.h"
#include "profile/parse.h"
#include "trace/trace.h"
#include "validator/complain.h"
#include "validator/run.h"

namespace profilegen::validator {
namespace {

profile::Profile LoadForRun(const std::string& path) {
  try {
    return profile::LoadProfileOrThrow(path);
  } catch (const Error& e) {
    // Like `docker run`, a profile the runtime cannot use is the launcher's failure, not the command's.
    throw Error(e.what(), kExitInternal);
  }
}

}  // namespace

int RunProfile(const RunProfileOptions& o, std::ostream& report) {
  if (o.command.empty()) throw Error("run needs a command: profilegen run --profile P -- CMD [ARGS...]");
  const profile::Profile profile = LoadForRun(o.profile_path);
  if (SeccompOff(profile)) {
    throw Error(o.profile_path + " switches seccomp off (no defaultAction): there is nothing to enforce",
                kExitInternal);
  }
  Compiled enforced = Compile(profile, o.compile);
  if (!enforced.ok()) {
    std::string message = "the runtime would refuse " + o.profile_path + ":";
    for (const auto& d : enforced.errors) message += "\n  " + d.Format(o.profile_path);
    throw Error(message, kExitInternal);
  }
  if (!o.complain && o.record_path.empty()) {
    // No notification listener here: without one the kernel answers SCMP_ACT_NOTIFY calls with ENOSYS,
    // instead of blocking them on a listener fd nobody reads.
    const unsigned flags = enforced.load_flags & ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                                                        (1U << 5) /* WAIT_KILLABLE_RECV */);
    RunRequest request{o.command, std::move(enforced.program), flags};
    return RunWithFilter(request);
  }
  ComplainResult result = RunComplaining(profile, o.compile, o.command);
  report << FormatDenied(result.denied, enforced.program);
  report.flush();
  if (!o.record_path.empty()) {
    trace::SaveTrace(result.denied, o.record_path, kExitInternal);
    report << "profilegen: complain: wrote the denied calls to " << o.record_path
           << " (merge it into the next generate)\n";
  }
  return result.exit_code;
}

}  // namespace profilegen::validator
