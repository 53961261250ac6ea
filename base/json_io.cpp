#include "base/json_io.h"

#include "base/error.h"

namespace profilegen {

std::pair<size_t, size_t> LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

namespace {

// nlohmann's recursive parser can exhaust the stack on deeply nested input: reject it first.
void CheckDepth(std::string_view text, const std::string& path, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        auto [line, col] = LineColumn(text, i);
        throw Error(path + ":" + std::to_string(line) + ":" + std::to_string(col) +
                    ": malformed JSON: nested deeper than " + std::to_string(max_depth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

}  // namespace

nlohmann::json ParseJson(std::string_view text, const std::string& path, int max_depth) {
  CheckDepth(text, path, max_depth);
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    auto [line, col] = LineColumn(text, offset);
    std::string what = e.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw Error(path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": malformed JSON: " + detail);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double (406: "number overflow parsing '1e999'"); nlohmann gives no position.
    std::string what = e.what();
    auto start = what.find("number overflow");
    std::string detail = start == std::string::npos ? what : what.substr(start);
    std::string where = path;
    auto quote = detail.find('\'');
    if (quote != std::string::npos && detail.size() > quote + 2) {
      size_t offset = text.find(detail.substr(quote + 1, detail.size() - quote - 2));
      if (offset != std::string_view::npos) {
        auto [line, col] = LineColumn(text, offset);
        where += ":" + std::to_string(line) + ":" + std::to_string(col);
      }
    }
    throw Error(where + ": malformed JSON: " + detail);
  }
}

std::string DumpCanonical(const nlohmann::ordered_json& value) {
  // Command lines and paths need not be UTF-8: replace invalid bytes rather than fail the write.
  return value.dump(4, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace profilegen
