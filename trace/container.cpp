#include "trace/container.h"

#include <algorithm>

#include "base/error.h"
#include "base/json_io.h"

namespace profilegen::trace {
namespace {

std::string Text(const nlohmann::json& entry, const char* key, const std::string& path, const std::string& where,
                 bool required) {
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) {
    if (required) throw Error(path + ": " + where + ": missing \"" + key + "\"");
    return "";
  }
  if (!it->is_string()) throw Error(path + ": " + where + "." + key + ": expected a string, got " + it->dump());
  return it->get<std::string>();
}

ContainerFacts ParseEntry(const nlohmann::json& e, const std::string& path, const std::string& where) {
  if (!e.is_object()) throw Error(path + ": " + where + ": expected an object");
  ContainerFacts f;
  f.engine = Text(e, "engine", path, where, true);
  f.engine_version = Text(e, "engineVersion", path, where, false);
  f.runtime = Text(e, "runtime", path, where, true);
  f.runtime_version = Text(e, "runtimeVersion", path, where, false);
  auto nnp = e.find("noNewPrivileges");
  if (nnp != e.end()) {
    if (!nnp->is_boolean()) throw Error(path + ": " + where + ".noNewPrivileges: expected true or false");
    f.no_new_privileges = nnp->get<bool>();
  }
  f.image = Text(e, "image", path, where, false);
  f.image_id = Text(e, "imageId", path, where, false);
  f.image_digest = Text(e, "imageDigest", path, where, false);
  return f;
}

}  // namespace

std::vector<ContainerFacts> ParseContainers(const nlohmann::json& doc, const std::string& path) {
  std::vector<ContainerFacts> out;
  auto it = doc.find("containers");
  if (it == doc.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(path + ": containers: expected an array");
  for (size_t i = 0; i < it->size(); ++i)
    out.push_back(ParseEntry((*it)[i], path, "containers[" + std::to_string(i) + "]"));
  return out;
}

nlohmann::ordered_json ContainerFactsJson(const ContainerFacts& f) {
  nlohmann::ordered_json e;
  e["engine"] = f.engine;
  e["engineVersion"] = f.engine_version;
  e["runtime"] = f.runtime;
  e["runtimeVersion"] = f.runtime_version;
  e["noNewPrivileges"] = f.no_new_privileges;
  e["image"] = f.image;
  e["imageId"] = f.image_id;
  e["imageDigest"] = f.image_digest;
  return e;
}

ContainerFacts ParseContainerFacts(const std::string& text, const std::string& what) {
  return ParseEntry(ParseJson(text, what), what, "(top level)");
}

void MergeContainers(std::vector<ContainerFacts>& into, const std::vector<ContainerFacts>& from) {
  for (const ContainerFacts& f : from)
    if (std::find(into.begin(), into.end(), f) == into.end()) into.push_back(f);
}

}  // namespace profilegen::trace
