#pragma once
/// A number as messages and profile comments show it: "0x7e020000".
#include <cstdint>
#include <cstdio>
#include <string>

namespace profilegen {

inline std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace profilegen
