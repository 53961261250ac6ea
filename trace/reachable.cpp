#include "trace/reachable.h"

#include <algorithm>

#include "base/error.h"

namespace profilegen::trace {

nlohmann::ordered_json ReachableJson(const Reachable& r) {
  nlohmann::ordered_json j;
  j["binaries"] = r.binaries;
  j["unresolved"] = r.unresolved;
  j["syscalls"] = nlohmann::ordered_json::object();
  for (const auto& [arch, names] : r.names) {
    auto info = sys::ArchByToken(arch);
    if (info) j["syscalls"][std::string(info->scmp)] = std::vector<std::string>(names.begin(), names.end());
  }
  return j;
}

Reachable ParseReachable(const nlohmann::json& j, const std::string& path) {
  auto fail = [&](const std::string& where, const std::string& what) {
    return Error(path + ": reachable" + where + ": " + what);
  };
  if (!j.is_object()) throw fail("", "expected an object");
  Reachable r;
  if (j.contains("binaries")) {
    if (!j["binaries"].is_array()) throw fail(".binaries", "expected an array of strings");
    for (const auto& b : j["binaries"]) {
      if (!b.is_string()) throw fail(".binaries", "expected an array of strings");
      r.binaries.push_back(b.get<std::string>());
    }
  }
  if (j.contains("unresolved")) {
    if (!j["unresolved"].is_number_unsigned()) throw fail(".unresolved", "expected a count");
    r.unresolved = j["unresolved"].get<uint64_t>();
  }
  if (!j.contains("syscalls") || !j["syscalls"].is_object()) throw fail(".syscalls", "expected an object");
  for (const auto& [arch, names] : j["syscalls"].items()) {
    auto info = sys::ArchByScmpName(arch);
    if (!info) throw fail(".syscalls." + arch, "unknown architecture");
    if (!names.is_array()) throw fail(".syscalls." + arch, "expected an array of names");
    for (const auto& n : names) {
      if (!n.is_string()) throw fail(".syscalls." + arch, "expected an array of names");
      r.names[info->token].insert(n.get<std::string>());
    }
  }
  return r;
}

void MergeReachable(std::optional<Reachable>& into, const std::optional<Reachable>& from) {
  if (!from) return;
  if (!into) {
    into = from;
    return;
  }
  for (const auto& [arch, names] : from->names) into->names[arch].insert(names.begin(), names.end());
  into->binaries.insert(into->binaries.end(), from->binaries.begin(), from->binaries.end());
  std::sort(into->binaries.begin(), into->binaries.end());
  into->binaries.erase(std::unique(into->binaries.begin(), into->binaries.end()), into->binaries.end());
  into->unresolved += from->unresolved;
}

}  // namespace profilegen::trace
