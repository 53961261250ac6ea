#pragma once
/// Compiling a profile into the BPF program a container runtime would load, through libseccomp, the way runc
/// and crun do it (reference/docker-seccomp-format.md, section 5; docs/validate.md says what was read where).
#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "profile/effective.h"
#include "profile/model.h"
#include "profile/parse.h"
#include "syscalls/syscalls.h"
#include "validator/bpf.h"

namespace profilegen::validator {

/// The OCI runtime that turns the profile into a filter.
enum class Runtime { kRunc, kCrun };

/// Which runc release to reproduce. They differ in two places (runc CHANGELOG, seccomp_linux.go, patchbpf):
///  - 1.1.x (1.1.5 is what Debian 12 ships): libseccomp's default rule order, and the ENOSYS stub only for
///    the arches the profile lists (`architectures`, or the archMap entry of the host): none when it lists none;
///  - 1.2 and later: binary-tree optimisation (SCMP_FLTATR_CTL_OPTIMIZE=2) when more than 32 names are
///    added, and the stub always covers the native arch too (also in 1.1.15+).
enum class RuncVersion { k1_1, k1_2 };

struct CompileOptions {
  profile::Target target;  ///< engine, arch, capabilities, kernel; zero fields are filled from this machine
  Runtime runtime = Runtime::kRunc;
  RuncVersion runc_version = RuncVersion::k1_1;
  /// Complain mode: every action that does not let the call through (ERRNO, KILL*, TRAP, TRACE, NOTIFY) and
  /// the default action become SCMP_ACT_TRACE, so a tracer sees exactly the calls the profile would deny.
  /// Distinct verdicts keep distinct TRACE data, so libseccomp merges and skips rules exactly as before.
  /// No ENOSYS stub in this mode: a call the stub would have answered is reported as denied instead.
  bool complain = false;
};

/// One arch in the ENOSYS stub: calls numbered above `max_nr` get ENOSYS.
struct StubArch {
  sys::ArchToken arch = 0;
  int64_t max_nr = 0;  ///< as the filter compares it (x32: with bit 30)
};

/// The compiled filter and what happened on the way.
struct Compiled {
  Program program;                     ///< the ENOSYS stub (if any) followed by libseccomp's program
  size_t stub_instructions = 0;        ///< how many of program's instructions are the stub
  std::vector<StubArch> stub;          ///< arches the stub covers, in dispatch order
  std::vector<sys::ArchToken> arches;  ///< arches in the filter, the native (target) arch first
  profile::Verdict default_verdict;    ///< as written in the profile
  uint32_t default_action = 0;         ///< the libseccomp action the filter was created with
  size_t entries_applied = 0;          ///< entries of "syscalls" whose includes/excludes matched the target
  size_t entries_skipped = 0;          ///< entries left out by includes/excludes
  size_t names = 0;                    ///< syscall names in applied entries (runc's rule count)
  size_t rules_added = 0;              ///< seccomp_rule_add_array calls libseccomp accepted
  size_t skipped_default = 0;          ///< names skipped because their action equals the default action
  size_t skipped_unknown = 0;          ///< names libseccomp does not know (skipped, as runc and crun do)
  bool binary_tree = false;            ///< SCMP_FLTATR_CTL_OPTIMIZE=2 was set
  unsigned load_flags = 0;             ///< SECCOMP_FILTER_FLAG_* the runtime passes to seccomp(2)
  /// Where the runtime itself would fail (libseccomp refused a rule or an arch), with JSON paths.
  std::vector<profile::Diagnostic> errors;
  /// What the runtime silently does that a reader may not expect (stub coverage and the like).
  std::vector<profile::Diagnostic> notes;

  bool ok() const { return errors.empty(); }
};

/// The libseccomp action for a verdict ("SCMP_ACT_ERRNO(38)" -> 0x00050026).
uint32_t ScmpAction(const profile::Verdict& verdict);


/// Whether the profile switches seccomp off for the engines ({} or no defaultAction).
bool SeccompOff(const profile::Profile& profile);
/// Whether the default action lets every unmatched call through (ALLOW or LOG).
bool AllowsByDefault(const profile::Profile& profile);

/// Compiles the profile for the target. Throws Error when there is nothing to compile (seccomp off) or
/// libseccomp itself fails (out of memory, export); rules libseccomp refuses are reported in `errors`
/// and the rest is still compiled, so one run lists every problem.
Compiled Compile(const profile::Profile& profile, const CompileOptions& options);

/// The arches the runtime receives in the OCI spec (`architectures`, or the archMap entry of the target
/// arch), without the implicit native arch: the list runc 1.1 builds its ENOSYS stub for.
std::vector<sys::ArchToken> ListedArches(const profile::Profile& profile, const profile::Target& target);

/// runc's ENOSYS stub for `arches`: calls whose number is above the arch's max get ERRNO(ENOSYS), every other
/// call falls through to the instruction right after the stub. The same instructions as runc's patchbpf emits
/// (only the order of the arches differs: runc takes them from a Go map). Exposed for tests.
Program EnosysStub(const std::vector<StubArch>& arches);

}  // namespace profilegen::validator
