#pragma once
/// The JSON tree a profile is read from. It keeps what nlohmann's DOM drops: repeated keys in document order
/// (Go's decoder sees every one, the last wins), and the text of numbers that are not uint64 (so "1.0", "1e3"
/// and 2^64 are reported as written, never rounded through a double).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace profilegen::profile::parsing {

struct JMember;
struct JPayload;

/// One value. 32 bytes: a hostile file of millions of small values must not cost gigabytes. The tree is
/// immutable once built, so copies share their payload.
struct JVal {
  enum class Kind { kNull, kBool, kNegative, kUnsigned, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  uint64_t u = 0;  ///< kUnsigned; kNegative: the int64 bits (nlohmann: a number with a minus sign, "-0" included)
  std::shared_ptr<JPayload> payload;  ///< strings, floats, containers

  int64_t Negative() const { return static_cast<int64_t>(u); }
  const std::string& text() const;  ///< kString; kFloat: the number as written
  const std::vector<JVal>& items() const;
  const std::vector<JMember>& members() const;  ///< every key, repeats included, in document order
};

struct JMember {
  std::string key;
  JVal value;
};

struct JPayload {
  std::string text;
  std::vector<JVal> items;
  std::vector<JMember> members;
};

/// A value of `kind` (with a payload for strings, floats and containers).
JVal MakeVal(JVal::Kind kind, std::string text = {});

/// "null", "a boolean", "a number", "a string", "a list", "an object": for "expected X, got Y".
std::string KindName(const JVal& v);

/// The tree of a document, or why there is none.
struct JsonTree {
  JVal root;
  std::string error;  ///< non-empty when the text is not a profile-sized JSON document: the whole message
};

/// Reads `text` into a tree. Over-large and over-deep documents and malformed JSON (with line and column) give
/// an error message instead; never throws for bad content.
JsonTree ReadJsonTree(const std::string& text);

}  // namespace profilegen::profile::parsing
