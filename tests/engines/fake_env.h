#pragma once
// An environment for the engine cache tests: the variables given, nothing else.
#include <map>
#include <optional>
#include <string>

#include "engines/facts_cache.h"

namespace profilegen::engines::testing {

inline Getenv Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

}  // namespace profilegen::engines::testing
