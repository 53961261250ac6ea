#pragma once
/// Reading the fields of the trace's optional sections (`containers`, `sources`): one message shape for every
/// wrong field, reported through the caller's `fail` (which names the file and throws).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "trace/container.h"

namespace profilegen::trace::section {

[[noreturn]] inline void Fail(const ContainerFail& fail, const std::string& where, const std::string& what) {
  fail(where, what);
  throw Error(where + ": " + what);  // not reached: `fail` throws
}

/// The string at `key` ("" when absent or null; a missing `required` one fails).
inline std::string Text(const nlohmann::json& entry, const char* key, const ContainerFail& fail,
                        const std::string& where, bool required = false) {
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) {
    if (required) Fail(fail, where, std::string("missing \"") + key + "\"");
    return "";
  }
  if (!it->is_string()) Fail(fail, where + "." + key, "expected a string, got " + it->dump());
  return it->get<std::string>();
}

/// The non-negative integer at `key` (0 when absent or null).
inline uint64_t Count(const nlohmann::json& entry, const char* key, const ContainerFail& fail,
                      const std::string& where) {
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return 0;
  if (!it->is_number_unsigned()) Fail(fail, where + "." + key, "expected a non-negative integer, got " + it->dump());
  return it->get<uint64_t>();
}

}  // namespace profilegen::trace::section
