#include "profile/parse.h"

#include <algorithm>

#include "base/atomic_file.h"
#include "base/error.h"
#include "profile/go_decode.h"
#include "profile/json_tree.h"
#include "profile/lint.h"

namespace profilegen::profile {

bool ParseResult::HasErrors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

ParseResult ParseProfile(const std::string& text) {
  ParseResult result;
  parsing::DiagnosticLog log(result.diagnostics);
  try {
    parsing::JsonTree tree = parsing::ReadJsonTree(text);
    if (!tree.error.empty()) {
      log.Error("", tree.error);
      return result;
    }
    parsing::Lint lint(log);
    parsing::DecodeProfile(tree.root, log, lint, result.profile);
  } catch (const std::exception& e) {
    // Not expected: every input is meant to end in diagnostics. Report rather than crash.
    log.Error("", std::string("internal error while reading the profile: ") + e.what());
  }
  log.Finish();
  return result;
}

ParseResult LoadProfile(const std::string& path) { return ParseProfile(ReadFile(path)); }

Profile LoadProfileOrThrow(const std::string& path) {
  ParseResult r = LoadProfile(path);
  std::string message;
  for (const auto& d : r.diagnostics) {
    if (d.severity != Severity::kError) continue;
    if (!message.empty()) message += "\n";
    message += d.Format(path);
  }
  if (!message.empty()) throw Error(message);
  return r.profile;
}

}  // namespace profilegen::profile
