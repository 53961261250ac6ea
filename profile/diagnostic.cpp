#include "profile/diagnostic.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "syscalls/syscalls.h"

namespace profilegen::profile {

std::string Diagnostic::Format(const std::string& file) const {
  std::string s = file + ": ";
  if (!path.empty()) s += path + ": ";
  s += severity == Severity::kError ? "error: " : "warning: ";
  return s + message;
}

namespace parsing {

namespace {
constexpr size_t kMaxDiagnostics = 2000;
}  // namespace

bool DiagnosticLog::Full() const { return out_.size() >= kMaxDiagnostics; }

std::string DiagnosticLog::Hint(std::string_view word, const std::vector<std::string>& candidates) const {
  return Full() ? "" : DidYouMean(word, candidates);
}

void DiagnosticLog::Add(Severity s, const std::string& path, std::string message) {
  has_error_ |= s == Severity::kError;
  if (Full()) {
    ++(s == Severity::kError ? dropped_errors_ : dropped_warnings_);
    return;
  }
  out_.push_back({s, path, std::move(message)});
}

void DiagnosticLog::Rewind(const Mark& m) {
  out_.resize(m.size);
  has_error_ = m.has_error;
  dropped_errors_ = m.dropped_errors;
  dropped_warnings_ = m.dropped_warnings;
}

void DiagnosticLog::Finish() {
  if (dropped_errors_ + dropped_warnings_ == 0) return;
  out_.push_back({dropped_errors_ ? Severity::kError : Severity::kWarning, "",
                  std::to_string(dropped_errors_ + dropped_warnings_) + " more problems not shown (" +
                      std::to_string(dropped_errors_) + " errors, " + std::to_string(dropped_warnings_) +
                      " warnings)"});
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string cut(s.substr(0, kMax));
  if (s.size() > kMax) {
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
    if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0) cut.pop_back();
  }
  std::string q = nlohmann::json(cut).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > kMax) q.insert(q.size() - 1, "...");
  return q;
}

std::string Shown(std::string_view s) {
  std::string q = Quote(s);
  return q.substr(1, q.size() - 2);
}

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string Member(const std::string& path, std::string_view key) {
  // Keys are user text: keep a long one from swamping the path.
  std::string k(key.substr(0, 64));
  if (key.size() > 64) k += "...";
  return path.empty() ? k : path + "." + k;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

namespace {
bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}
}  // namespace

std::optional<std::string> SuggestFrom(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > 64) return std::nullopt;  // edit distance is quadratic
  for (const auto& c : candidates) {
    if (EqualIgnoringCase(word, c)) return c;
  }
  return sys::Suggest(word, candidates);
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  auto s = SuggestFrom(word, candidates);
  return s ? " (did you mean " + *s + "?)" : "";
}

}  // namespace parsing
}  // namespace profilegen::profile
