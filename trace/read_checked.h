#pragma once
/// The reference trace reader: the whole text parsed into an nlohmann DOM, then walked field by field in a fixed
/// order. Every message a bad trace gets comes from here; ParseTrace (trace.h) reads good traces with the fast
/// reader (read_fast.h) and comes here for anything that reader does not take as is.
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace profilegen::trace {

/// Typed access to a DOM value with messages "PATH: WHERE: WHAT" (WHERE is a JSON path: syscalls[3].nr).
class FieldReader {
 public:
  explicit FieldReader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const std::string& where, const std::string& what) const;
  /// obj[key]; a missing key is an error when `required`, else a null value.
  const nlohmann::json& Field(const nlohmann::json& obj, const char* key, const std::string& where,
                              bool required = true) const;
  uint64_t Uint(const nlohmann::json& v, const std::string& where) const;
  std::string String(const nlohmann::json& v, const std::string& where) const;
  sys::ArchToken Arch(const nlohmann::json& v, const std::string& where) const;

 private:
  std::string path_;
};

/// A top-level key of a trace other than "profilegen", "version" and "syscalls", which both readers handle
/// themselves. `parse` is called with the key's value when it is present and not null, and fills its part of
/// the trace. Both readers use this one table: a new top-level key (a schema v2 section) is one more entry.
struct TraceSection {
  const char* key;
  void (*parse)(const FieldReader& r, const nlohmann::json& value, Trace& t);
};
/// In the order the checked reader reads (and so reports problems in) them.
std::span<const TraceSection> TraceSections();

/// Parses `text` with every check, throwing Error on the first problem (malformed JSON first, with line and
/// column; then the fields in a fixed order).
Trace ParseTraceChecked(std::string_view text, const std::string& path);

}  // namespace profilegen::trace
