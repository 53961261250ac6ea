#include "profile/json_tree.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "base/json_io.h"

namespace profilegen::profile::parsing {

namespace {

// Real profiles are tens of KB; the bound keeps the tree of a hostile input small.
constexpr size_t kMaxProfileBytes = size_t{4} << 20;
constexpr int kMaxDepth = 256;

const JPayload& EmptyPayload() {
  static const JPayload empty;
  return empty;
}

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  JVal root;
  bool failed = false;
  size_t error_offset = 0;
  std::string error_detail;

  bool null() override { return Add(JVal{}); }
  bool boolean(bool) override { return Add(JVal{JVal::Kind::kBool}); }
  bool number_integer(number_integer_t v) override {
    JVal j{JVal::Kind::kNegative};
    j.u = static_cast<uint64_t>(v);
    return Add(std::move(j));
  }
  bool number_unsigned(number_unsigned_t v) override {
    JVal j{JVal::Kind::kUnsigned};
    j.u = v;
    return Add(std::move(j));
  }
  bool number_float(number_float_t, const string_t& s) override { return Add(MakeVal(JVal::Kind::kFloat, s)); }
  bool string(string_t& s) override { return Add(MakeVal(JVal::Kind::kString, std::move(s))); }
  bool binary(binary_t&) override { return false; }  // JSON text has no binary values
  bool start_object(std::size_t) override { return Open(JVal::Kind::kObject); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JVal::Kind::kArray); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    failed = true;
    error_offset = position > 0 ? position - 1 : 0;
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    std::string what = ex.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    // The detail quotes input bytes; keep the message valid UTF-8 whatever they were.
    for (unsigned char c : detail) {
      if (c < 0x80) {
        error_detail += static_cast<char>(c);
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        error_detail += buf;
      }
    }
    return false;
  }

 private:
  bool Add(JVal v) {
    Place(std::move(v));
    return true;
  }
  JVal* Place(JVal v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    JVal* top = stack_.back();
    if (top->kind == JVal::Kind::kArray) {
      top->payload->items.push_back(std::move(v));
      return &top->payload->items.back();
    }
    top->payload->members.push_back(JMember{std::move(key_), std::move(v)});
    return &top->payload->members.back().value;
  }
  // Only ancestors are held by pointer, and only the innermost container grows, so the pointers stay valid.
  bool Open(JVal::Kind kind) {
    stack_.push_back(Place(MakeVal(kind)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<JVal*> stack_;
  std::string key_;
};

// nlohmann's parser is iterative, but the tree and its walk are not: find over-deep nesting first.
std::optional<size_t> TooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

std::string At(std::string_view text, size_t offset) {
  auto [line, col] = LineColumn(text, offset);
  return "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(col) + ": ";
}

}  // namespace

const std::string& JVal::text() const { return (payload ? *payload : EmptyPayload()).text; }
const std::vector<JVal>& JVal::items() const { return (payload ? *payload : EmptyPayload()).items; }
const std::vector<JMember>& JVal::members() const { return (payload ? *payload : EmptyPayload()).members; }

JVal MakeVal(JVal::Kind kind, std::string text) {
  JVal v{kind};
  if (kind >= JVal::Kind::kFloat) {
    v.payload = std::make_shared<JPayload>();
    v.payload->text = std::move(text);
  }
  return v;
}

std::string KindName(const JVal& v) {
  switch (v.kind) {
    case JVal::Kind::kNull: return "null";
    case JVal::Kind::kBool: return "a boolean";
    case JVal::Kind::kNegative:
    case JVal::Kind::kUnsigned:
    case JVal::Kind::kFloat: return "a number";
    case JVal::Kind::kString: return "a string";
    case JVal::Kind::kArray: return "a list";
    case JVal::Kind::kObject: return "an object";
  }
  return "a value";
}

JsonTree ReadJsonTree(const std::string& text) {
  JsonTree out;
  if (text.size() > kMaxProfileBytes) {
    out.error = "the profile is " + std::to_string(text.size()) + " bytes; profilegen reads at most " +
                std::to_string(kMaxProfileBytes) + " (real profiles are a few tens of KB)";
    return out;
  }
  if (auto at = TooDeepAt(text)) {
    out.error = At(text, *at) + "nested deeper than " + std::to_string(kMaxDepth) + " levels";
    return out;
  }
  TreeBuilder tree;
  nlohmann::json::sax_parse(text.begin(), text.end(), &tree);
  if (tree.failed) {
    out.error = At(text, tree.error_offset) + tree.error_detail;
    return out;
  }
  out.root = std::move(tree.root);
  return out;
}

}  // namespace profilegen::profile::parsing
