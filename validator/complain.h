#pragma once
/// `profilegen run --complain`: nothing is denied; every call the profile would deny is let through and
/// recorded by the tracer, which stops exactly on the calls a TRACE-for-every-denial filter sends it.
#include <string>
#include <vector>

#include "profile/model.h"
#include "trace/trace.h"
#include "validator/compile.h"

namespace profilegen::validator {

struct ComplainResult {
  trace::Trace denied;  ///< the calls the profile would have denied, as a trace (mergeable into `generate`)
  int exit_code = 0;    ///< the command's exit status (128+N for signal N)
};

/// Runs the command under the profile compiled in complain mode (CompileOptions::complain) with the tracer
/// attached. Throws Error for profilegen's own failures (125) and a command that cannot be executed (126/127).
ComplainResult RunComplaining(const profile::Profile& profile, const CompileOptions& options,
                              const std::vector<std::string>& command);

/// What the denied calls would have got: one line per syscall, "NAME ARCH COUNT FIRST-EXE VERDICT", for the
/// end of the run. `enforced` is the program compiled without complain mode, used to name the verdict.
std::string FormatDenied(const trace::Trace& denied, const Program& enforced);

/// The verdict the filter gives a syscall whatever its arguments, in words ("SCMP_ACT_ERRNO(1)",
/// "SCMP_ACT_KILL_PROCESS"), or "depends on arguments".
std::string DescribeVerdict(const Program& program, sys::ArchToken arch, int64_t nr);

}  // namespace profilegen::validator
