#include "trace/container.h"

#include <algorithm>

#include "base/error.h"
#include "base/json_io.h"
#include "trace/section_fields.h"

namespace profilegen::trace {
namespace {

using section::Fail;
using section::Text;

ContainerFacts ParseEntry(const nlohmann::json& e, const ContainerFail& fail, const std::string& where) {
  if (!e.is_object()) Fail(fail, where, "expected an object");
  ContainerFacts f;
  f.engine = Text(e, "engine", fail, where, true);
  f.engine_version = Text(e, "engineVersion", fail, where, false);
  f.runtime = Text(e, "runtime", fail, where, true);
  f.runtime_version = Text(e, "runtimeVersion", fail, where, false);
  auto nnp = e.find("noNewPrivileges");
  if (nnp != e.end()) {
    if (!nnp->is_boolean()) Fail(fail, where + ".noNewPrivileges", "expected true or false");
    f.no_new_privileges = nnp->get<bool>();
  }
  f.image = Text(e, "image", fail, where, false);
  f.image_id = Text(e, "imageId", fail, where, false);
  f.image_digest = Text(e, "imageDigest", fail, where, false);
  return f;
}

}  // namespace

std::vector<ContainerFacts> ParseContainerList(const nlohmann::json& list, const ContainerFail& fail) {
  std::vector<ContainerFacts> out;
  if (!list.is_array()) Fail(fail, "containers", "expected an array");
  for (size_t i = 0; i < list.size(); ++i) out.push_back(ParseEntry(list[i], fail, "containers[" + std::to_string(i) + "]"));
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
  auto fail = [&what](const std::string& where, const std::string& msg) { throw Error(what + ": " + where + ": " + msg); };
  return ParseEntry(ParseJson(text, what), fail, "(top level)");
}

void MergeContainers(std::vector<ContainerFacts>& into, const std::vector<ContainerFacts>& from) {
  for (const ContainerFacts& f : from)
    if (std::find(into.begin(), into.end(), f) == into.end()) into.push_back(f);
}

}  // namespace profilegen::trace
