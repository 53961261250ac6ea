#pragma once
/// Strict reading of a profile with the loaders' semantics (reference/docker-seccomp-format.md, 1-5).
#include <string>
#include <vector>

#include "profile/model.h"

namespace profilegen::profile {

enum class Severity { kWarning, kError };

/// One problem, located by its JSON path ("syscalls[3].names[2]").
struct Diagnostic {
  Severity severity;
  std::string path;     ///< JSON path, "" for the whole document
  std::string message;  ///< "unknown operator \"SCMP_CMP_EQUAL\" (did you mean SCMP_CMP_EQ?)"
  /// "FILE: PATH: error: MESSAGE" (path omitted when empty)
  std::string Format(const std::string& file) const;
};

struct ParseResult {
  Profile profile;  ///< as much as could be read; meaningful when !HasErrors()
  std::vector<Diagnostic> diagnostics;
  bool HasErrors() const;
};

/// Parses profile text. Never throws for bad content: malformed JSON becomes one error diagnostic with line
/// and column, every other problem one diagnostic each, all of them collected.
ParseResult ParseProfile(const std::string& text);

/// Reads and parses a file; throws Error only when the file cannot be read.
ParseResult LoadProfile(const std::string& path);

/// Reads, parses, and throws Error listing every error diagnostic (warnings are dropped): for commands
/// that only consume a profile (run, diff, export).
Profile LoadProfileOrThrow(const std::string& path);

}  // namespace profilegen::profile
