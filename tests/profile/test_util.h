#pragma once
// Shared helpers for the profile tests.
#include <string>

#include "base/atomic_file.h"
#include "profile/parse.h"

namespace profilegen::profile::testing {

inline std::string FixturePath(const std::string& name) {
  return std::string(PROFILEGEN_SHARED_DIR) + "/fixtures/profiles/" + name;
}

inline std::string Fixture(const std::string& name) { return ReadFile(FixturePath(name)); }

inline std::string CorpusDir() { return std::string(PROFILEGEN_SOURCE_DIR) + "/tests/profile/corpus"; }

/// Every diagnostic formatted for `file`, one per line.
inline std::string FormatAll(const ParseResult& r, const std::string& file) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.Format(file) + "\n";
  return out;
}

/// Parses text that must have no errors.
inline Profile ParseClean(const std::string& text) {
  ParseResult r = ParseProfile(text);
  if (r.HasErrors()) throw std::runtime_error("unexpected errors:\n" + FormatAll(r, "<text>"));
  return r.profile;
}

}  // namespace profilegen::profile::testing
