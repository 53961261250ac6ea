#pragma once
/// A problem found in a profile, where it is (its JSON path) and how it is worded; and the log the reading of
/// a profile collects them in (every problem, then fail once; bounded, so a hostile file stays cheap).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

namespace parsing {

/// The diagnostics of one reading, in the order they were found. Past a bound they are counted, not kept: a
/// reviewer cannot read more, and memory stays bounded.
class DiagnosticLog {
 public:
  explicit DiagnosticLog(std::vector<Diagnostic>& out) : out_(out) {}

  void Error(const std::string& path, std::string message) { Add(Severity::kError, path, std::move(message)); }
  void Warn(const std::string& path, std::string message) { Add(Severity::kWarning, path, std::move(message)); }

  /// True once new diagnostics are only counted: callers skip costly wording ("did you mean") then.
  bool Full() const;
  bool HasError() const { return has_error_; }

  /// "did you mean" from `candidates`, unless the diagnostic will only be counted.
  std::string Hint(std::string_view word, const std::vector<std::string>& candidates) const;

  /// A point to rewind to: what was logged after it is forgotten (for a second, quiet reading).
  struct Mark {
    size_t size;
    bool has_error;
    size_t dropped_errors, dropped_warnings;
  };
  Mark Here() const { return {out_.size(), has_error_, dropped_errors_, dropped_warnings_}; }
  void Rewind(const Mark& m);

  /// Adds the "N more problems not shown" line when some were only counted.
  void Finish();

 private:
  void Add(Severity s, const std::string& path, std::string message);

  std::vector<Diagnostic>& out_;
  size_t dropped_errors_ = 0, dropped_warnings_ = 0;
  bool has_error_ = false;
};

// Wording shared by the decoder and the lint.

/// A value quoted for a message: JSON-escaped and shortened, so a megabyte of junk stays one readable line.
std::string Quote(std::string_view s);
/// The same, unquoted: for numbers as written.
std::string Shown(std::string_view s);
/// "path[i]"
std::string Index(const std::string& path, size_t i);
/// "path.key" ("key" at the top), a long user-written key shortened.
std::string Member(const std::string& path, std::string_view key);

char AsciiLower(char c);
/// A case-insensitive match in `candidates` first, then the nearest by edit distance.
std::optional<std::string> SuggestFrom(std::string_view word, const std::vector<std::string>& candidates);
/// " (did you mean X?)" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace parsing
}  // namespace profilegen::profile
