#pragma once
/// Strict reading of a profile with the loaders' semantics (reference/docker-seccomp-format.md, 1-5): the
/// JSON tree (profile/json_tree.h), decoded as Go does (profile/go_decode.h), checked by the lint
/// (profile/lint.h), every problem a Diagnostic (profile/diagnostic.h).
#include <string>
#include <vector>

#include "profile/diagnostic.h"
#include "profile/model.h"

namespace profilegen::profile {

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
