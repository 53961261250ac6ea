#pragma once
/// `profilegen validate`: every problem of a profile as Docker, podman and the runtimes read it, then the
/// compiled filter: its size, what the kernel can cache, and whether the kernel accepts it.
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "profile/parse.h"
#include "validator/compile.h"
#include "validator/load.h"

namespace profilegen::validator {

struct ValidateOptions {
  CompileOptions compile;
  bool load = false;              ///< install the filter in a forked child
  bool allow_unconfined = false;  ///< seccomp off / allow-by-default is a warning, not an error
  bool strict = false;            ///< warnings count as errors
  /// The container runs with no_new_privs (`--security-opt no-new-privileges`):
  /// the runtime then loads the filter later and needs fewer syscalls after it
  /// (generator/data/runtime-*.json).
  bool no_new_privileges = false;
  /// The profile is for a container that runc or crun starts: check that the runtime's own syscalls after
  /// loading the filter are allowed. False (`--runtime none`): a plain program (`profilegen run`).
  bool container = true;
  std::string bpf_path;  ///< write the compiled program here (raw struct
                         ///< sock_filter array, host order)
};

/// What the kernel's per-arch action cache (Linux 5.11+) makes of the filter on one arch.
struct CacheStats {
  sys::ArchToken arch = 0;
  bool kernel_caches = false;     ///< the kernel keeps a cache for this arch
                                  ///< (native and its compat arch only)
  size_t syscalls = 0;            ///< syscalls libseccomp knows on the arch
  size_t constant_allow = 0;      ///< ALLOW reached from the number alone: cacheable
                                  ///< where the kernel caches
  size_t argument_dependent = 0;  ///< the filter reads arguments for them: never cached
};

/// The outcome for one profile file.
struct Report {
  std::string file;
  bool readable = true;
  std::string read_error;                        ///< when !readable
  std::vector<profile::Diagnostic> diagnostics;  ///< parser, compile and runtime, in that order
  /// Policy objections (seccomp off, allow by default): about what the profile
  /// protects, not about whether the engine runs it. Errors unless
  /// --allow-unconfined.
  std::vector<profile::Diagnostic> policy;
  /// The prediction: the engine accepts the profile and the runtime can start a
  /// container under it (no error diagnostic and, with --load, the kernel
  /// accepted the filter). Policy objections do not change it.
  bool starts = true;
  std::vector<profile::Diagnostic> notes;  ///< what the runtime silently does; never an error
  bool seccomp_off = false;
  std::optional<Compiled> compiled;
  std::vector<CacheStats> cache;
  std::optional<LoadResult> load;

  size_t Count(profile::Severity s) const;
  /// 0 valid, 1 invalid (an error diagnostic, or the kernel refused the filter), 2 unreadable.
  int ExitCode() const;
};

/// Validates one file. Never throws for the file's content; an unreadable file
/// gives `readable == false`.
Report ValidateFile(const std::string& path, const ValidateOptions& options);
/// Validates profile text; `file` names it in messages.
Report ValidateText(const std::string& text, const std::string& file, const ValidateOptions& options);

/// The kernel action cache per arch of the filter, by running the program the
/// way the kernel does.
std::vector<CacheStats> AnalyseCache(const Compiled& compiled, sys::ArchToken native);

/// Human-readable report: diagnostics as "FILE: PATH: error|warning: MESSAGE",
/// then a summary.
std::string FormatText(const Report& report, const ValidateOptions& options);
/// The same as one JSON object.
nlohmann::ordered_json ToJson(const Report& report, const ValidateOptions& options);

enum class Format { kText, kJson };

/// `profilegen validate FILE...`: validates every file, writes the reports to
/// `out` (text: one block per file; json: {"valid": ..., "profiles": [...]})
/// and returns the exit code: 2 if a file was unreadable, else 1 if one was
/// invalid, else 0.
int ValidateFiles(const std::vector<std::string>& files, const ValidateOptions& options, Format format,
                  std::ostream& out);

/// Parses "6.1" or "host" into the target's kernel fields; throws Error (usage)
/// otherwise.
void ParseKernel(const std::string& text, profile::Target& target);
/// Parses "default", "all" or "CAP_X,CAP_Y" into the target's capabilities;
/// throws Error (usage) otherwise.
void ParseCaps(const std::string& text, profile::Target& target);
/// Parses "amd64", "arm64", "SCMP_ARCH_X86_64", "host"; throws Error (usage)
/// otherwise.
void ParseArch(const std::string& text, profile::Target& target);

}  // namespace profilegen::validator
