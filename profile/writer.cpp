#include "profile/writer.h"

#include <nlohmann/json.hpp>

#include "base/json_io.h"

namespace profilegen::profile {

namespace {

using Json = nlohmann::ordered_json;

Json WriteFilter(const Filter& f) {
  Json j = Json::object();
  if (!f.caps.empty()) j["caps"] = f.caps;
  if (!f.arches.empty()) j["arches"] = f.arches;
  if (!f.min_kernel.empty()) j["minKernel"] = f.min_kernel;
  return j;
}

Json WriteArg(const ArgCondition& a) {
  Json j = Json::object();
  j["index"] = a.index;
  j["value"] = a.value;  // uint64_t: stored as number_unsigned, printed exactly
  j["valueTwo"] = a.value_two;
  j["op"] = std::string(OpName(a.op));
  return j;
}

Json WriteRule(const Rule& r) {
  Json j = Json::object();
  j["names"] = r.names;
  j["action"] = std::string(ActionName(r.action));
  if (r.errno_ret) j["errnoRet"] = *r.errno_ret;
  if (r.podman_errno) j["errno"] = *r.podman_errno;
  if (!r.args.empty()) {
    Json args = Json::array();
    for (const auto& a : r.args) args.push_back(WriteArg(a));
    j["args"] = std::move(args);
  }
  if (!r.comment.empty()) j["comment"] = r.comment;
  if (!r.includes.empty()) j["includes"] = WriteFilter(r.includes);
  if (!r.excludes.empty()) j["excludes"] = WriteFilter(r.excludes);
  return j;
}

}  // namespace

std::string WriteProfile(const Profile& p) {
  Json j = Json::object();
  if (p.default_action) j["defaultAction"] = std::string(ActionName(*p.default_action));
  if (p.default_errno_ret) j["defaultErrnoRet"] = *p.default_errno_ret;
  if (p.podman_default_errno) j["defaultErrno"] = *p.podman_default_errno;
  // Only one of the two is valid; a profile holding both (a parse error) still round-trips.
  if (!p.arch_map.empty()) {
    Json map = Json::array();
    for (const auto& e : p.arch_map) {
      Json entry = Json::object();
      entry["architecture"] = e.architecture;
      entry["subArchitectures"] = e.sub_architectures;
      map.push_back(std::move(entry));
    }
    j["archMap"] = std::move(map);
  }
  if (!p.architectures.empty()) j["architectures"] = p.architectures;
  // Absent and [] differ to runc (absent: it adds SPEC_ALLOW), so an empty list is kept.
  if (p.flags) j["flags"] = *p.flags;
  if (!p.listener_path.empty()) j["listenerPath"] = p.listener_path;
  if (!p.listener_metadata.empty()) j["listenerMetadata"] = p.listener_metadata;
  Json syscalls = Json::array();
  for (const auto& r : p.syscalls) syscalls.push_back(WriteRule(r));
  if (!p.syscalls.empty()) j["syscalls"] = std::move(syscalls);
  return DumpCanonical(j);
}

}  // namespace profilegen::profile
