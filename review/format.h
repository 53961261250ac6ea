#pragma once
/// Output formats of diff and audit.
#include <optional>
#include <string>
#include <string_view>

namespace profilegen::review {

enum class OutputFormat { kText, kMarkdown, kJson };

/// "text" | "markdown" | "json"; throws Error(kExitUsage) otherwise.
OutputFormat ParseOutputFormat(const std::string& s);

/// Escapes a markdown table cell: pipes, backticks kept inside code spans, newlines flattened.
std::string MarkdownCell(std::string_view s);

/// ANSI colour helpers that return "" when colour is off.
struct Colours {
  bool on = false;
  std::string red() const { return on ? "\033[31m" : ""; }
  std::string green() const { return on ? "\033[32m" : ""; }
  std::string yellow() const { return on ? "\033[33m" : ""; }
  std::string bold() const { return on ? "\033[1m" : ""; }
  std::string dim() const { return on ? "\033[2m" : ""; }
  std::string reset() const { return on ? "\033[0m" : ""; }
};

}  // namespace profilegen::review
