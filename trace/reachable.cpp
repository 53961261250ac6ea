#include "trace/reachable.h"

#include <algorithm>

#include "base/error.h"
#include "trace/read_checked.h"
#include "trace/trace.h"

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

void ParseReachableSection(const FieldReader& r, const nlohmann::json& j, Trace& t) {
  auto list = [&](const nlohmann::json& v, const std::string& where, auto&& add) {
    if (!v.is_array()) r.Fail(where, "expected an array of strings");
    for (size_t i = 0; i < v.size(); ++i) add(r.String(v[i], where + "[" + std::to_string(i) + "]"));
  };
  if (!j.is_object()) r.Fail("reachable", "expected an object");
  Reachable out;
  const nlohmann::json& binaries = r.Field(j, "binaries", "reachable", false);
  if (!binaries.is_null()) list(binaries, "reachable.binaries", [&](std::string s) { out.binaries.push_back(s); });
  const nlohmann::json& unresolved = r.Field(j, "unresolved", "reachable", false);
  if (!unresolved.is_null()) out.unresolved = r.Uint(unresolved, "reachable.unresolved");
  const nlohmann::json& syscalls = r.Field(j, "syscalls", "reachable");
  if (!syscalls.is_object()) r.Fail("reachable.syscalls", "expected an object");
  for (const auto& [arch, names] : syscalls.items()) {
    auto info = sys::ArchByScmpName(arch);
    if (!info) r.Fail("reachable.syscalls." + arch, "unknown architecture");
    list(names, "reachable.syscalls." + arch, [&](std::string s) { out.names[info->token].insert(s); });
  }
  t.reachable = std::move(out);
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
