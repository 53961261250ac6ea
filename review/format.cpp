#include "review/format.h"

#include "base/error.h"

namespace profilegen::review {

OutputFormat ParseOutputFormat(const std::string& s) {
  if (s == "text") return OutputFormat::kText;
  if (s == "markdown" || s == "md") return OutputFormat::kMarkdown;
  if (s == "json") return OutputFormat::kJson;
  throw Error("--format: unknown format \"" + s + "\"; use text, markdown or json", kExitUsage);
}

std::string MarkdownCell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace profilegen::review
