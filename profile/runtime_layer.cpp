#include "profile/runtime_layer.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/json_io.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile {
namespace {

[[noreturn]] void Fail(const std::string& file, const std::string& where, const std::string& what) {
  throw Error(file + ": " + where + ": " + what, kExitInternal);
}

std::string StringField(const nlohmann::json& obj, const char* key, const std::string& file, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
    Fail(file, where, std::string("expected a non-empty string \"") + key + "\"");
  }
  return it->get<std::string>();
}

void ParseArgs(const nlohmann::json& args, const std::string& file, const std::string& where,
               RuntimeLayerGroup& group) {
  if (!args.is_object()) Fail(file, where, "expected an object: syscall name -> {\"index\", \"values\"}");
  for (const auto& [name, spec] : args.items()) {
    const std::string at = where + "." + name;
    if (std::find(group.names.begin(), group.names.end(), name) == group.names.end()) {
      Fail(file, at, "\"" + name + "\" is not one of this group's names");
    }
    if (!spec.is_object()) Fail(file, at, "expected an object {\"index\", \"values\"}");
    auto index = spec.find("index");
    if (index == spec.end() || !index->is_number_unsigned() || *index > 5) {
      Fail(file, at + ".index", "expected an argument index from 0 to 5");
    }
    auto values = spec.find("values");
    if (values == spec.end() || !values->is_array() || values->empty()) {
      Fail(file, at + ".values", "expected a non-empty list of unsigned numbers");
    }
    RuntimeArgValues measured;
    measured.index = index->get<uint32_t>();
    for (const auto& v : *values) {
      if (!v.is_number_unsigned()) Fail(file, at + ".values", "expected a non-empty list of unsigned numbers");
      measured.values.insert(v.get<uint64_t>());
    }
    group.args.emplace(name, std::move(measured));
  }
}

}  // namespace

RuntimeLayerData ParseRuntimeLayer(std::string_view text, const std::string& file) {
  nlohmann::json doc = ParseJson(text, file);
  if (!doc.is_object() || doc.value("profilegen", "") != "runtime-layer") {
    Fail(file, "(top level)",
         "not a runtime layer file (expected \"profilegen\": "
         "\"runtime-layer\")");
  }
  if (!doc.contains("version") || doc["version"] != 1) Fail(file, "version", "expected 1");
  RuntimeLayerData data;
  data.file = file;
  data.runtime = StringField(doc, "runtime", file, "(top level)");
  data.runtime_version = StringField(doc, "runtimeVersion", file, "(top level)");
  data.measured = StringField(doc, "measured", file, "(top level)");
  const auto groups = doc.find("groups");
  if (groups == doc.end() || !groups->is_array() || groups->empty()) Fail(file, "groups", "expected a non-empty array");
  for (size_t i = 0; i < groups->size(); ++i) {
    const nlohmann::json& g = (*groups)[i];
    std::string where = "groups[" + std::to_string(i) + "]";
    if (!g.is_object()) Fail(file, where, "expected an object");
    RuntimeLayerGroup group;
    std::string when = StringField(g, "when", file, where);
    if (when == "no-new-privileges=false") {
      group.when = RuntimeLayerGroup::When::kWithoutNnp;
    } else if (when == "no-new-privileges=true") {
      group.when = RuntimeLayerGroup::When::kWithNnp;
    } else if (when != "always") {
      Fail(file, where + ".when",
           "expected \"always\", \"no-new-privileges=false\" or "
           "\"no-new-privileges=true\", got \"" +
               when + "\"");
    }
    group.why = StringField(g, "why", file, where);
    if (auto v = g.find("validate"); v != g.end()) {
      if (!v->is_string() || (*v != "error" && *v != "warning" && *v != "error-unless-errno")) {
        Fail(file, where + ".validate", "expected \"error\", \"warning\" or \"error-unless-errno\"");
      }
      group.fatal = *v != "warning";
      group.errno_harmless = *v == "error-unless-errno";
    }
    const auto names = g.find("names");
    if (names == g.end() || !names->is_array() || names->empty()) Fail(file, where + ".names", "expected names");
    for (size_t j = 0; j < names->size(); ++j) {
      std::string at = where + ".names[" + std::to_string(j) + "]";
      if (!(*names)[j].is_string()) Fail(file, at, "expected a string");
      std::string name = (*names)[j].get<std::string>();
      if (!sys::IsKnownName(name)) Fail(file, at, "\"" + name + "\" is not a syscall libseccomp knows");
      group.names.push_back(std::move(name));
    }
    if (auto args = g.find("args"); args != g.end()) ParseArgs(*args, file, where + ".args", group);
    data.groups.push_back(std::move(group));
  }
  return data;
}

const std::vector<RuntimeLayerData>& RuntimeLayerFiles() {
  static const std::vector<RuntimeLayerData> files = [] {
    std::vector<RuntimeLayerData> out;
    for (const EmbeddedFile& f : EmbeddedRuntimeLayers())
      out.push_back(ParseRuntimeLayer(f.content, std::string(f.name)));
    return out;
  }();
  return files;
}

const RuntimeLayerData& RuntimeLayerFor(std::string_view runtime) {
  for (const RuntimeLayerData& data : RuntimeLayerFiles()) {
    if (data.runtime == runtime) return data;
  }
  throw Error("no runtime layer data for " + std::string(runtime) + " is built into this profilegen", kExitInternal);
}

std::vector<RuntimeNeed> RuntimeNeeds(const RuntimeLayerData& data, bool no_new_privileges) {
  // A name keeps the strictest reading of the groups that list it.
  std::map<std::string, RuntimeNeed> needs;
  std::map<std::string, std::optional<RuntimeArgValues>> args;  // nullopt once a group lacks values
  for (const RuntimeLayerGroup& g : data.groups) {
    if (!g.AppliesTo(no_new_privileges)) continue;
    for (const std::string& n : g.names) {
      const RuntimeNeed need{n, g.why, g.fatal, g.errno_harmless, std::nullopt};
      auto [it, added] = needs.emplace(n, need);
      // The strictest reading wins: fatal over a warning, fatal for every answer over fatal unless an errno.
      auto rank = [](const RuntimeNeed& x) { return !x.fatal ? 0 : x.errno_harmless ? 1 : 2; };
      if (!added && rank(need) > rank(it->second)) it->second = need;
      auto measured = g.args.find(n);
      auto [a, first] = args.emplace(n, std::nullopt);
      if (measured == g.args.end()) {
        a->second.reset();
      } else if (first) {
        a->second = measured->second;
      } else if (a->second && a->second->index == measured->second.index) {
        a->second->values.insert(measured->second.values.begin(), measured->second.values.end());
      } else {
        a->second.reset();
      }
    }
  }
  for (auto& [name, need] : needs) need.args = args[name];
  std::vector<RuntimeNeed> out;
  for (auto& [name, need] : needs) out.push_back(std::move(need));
  return out;
}

}  // namespace profilegen::profile
