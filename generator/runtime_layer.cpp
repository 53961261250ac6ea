#include "generator/runtime_layer.h"

#include "base/error.h"
#include "profile/origin.h"

namespace profilegen::generator {
namespace {

// Unites `more` into the layer's measured values of `name`; a different index makes the values unusable.
void AddValues(RuntimeLayer& layer, const std::string& name, const RuntimeArgValues& more) {
  auto [it, fresh] = layer.arg_values.emplace(name, more);
  if (fresh) return;
  if (it->second.index != more.index) {
    layer.arg_values.erase(it);
    layer.unmeasured.insert(name);
    return;
  }
  it->second.values.insert(more.values.begin(), more.values.end());
}

}  // namespace

RuntimeLayer SelectRuntimeLayer(Runtime runtime, bool no_new_privileges) {
  RuntimeLayer layer;
  if (runtime == Runtime::kNone) return layer;
  for (const RuntimeLayerData& data : RuntimeLayerFiles()) {
    if (data.runtime != RuntimeName(runtime)) continue;
    layer.label = std::string(profile::kRuntimeLayerWords) + " " + data.runtime + " " + data.runtime_version +
                  " (no-new-privileges=" + (no_new_privileges ? "true" : "false") + ")";
    for (const RuntimeLayerGroup& g : data.groups) {
      if (!g.AppliesTo(no_new_privileges)) continue;
      layer.names.insert(g.names.begin(), g.names.end());
      for (const std::string& n : g.names) {
        auto measured = g.args.find(n);
        if (measured == g.args.end()) {
          layer.unmeasured.insert(n);
        } else {
          AddValues(layer, n, measured->second);
        }
      }
    }
    return layer;
  }
  throw Error("no runtime layer data for " + std::string(RuntimeName(runtime)) + " is built into this profilegen",
              kExitInternal);
}

void AddRuntimeLayer(RuntimeLayer& into, const RuntimeLayer& more) {
  if (more.label.empty() || more.label == into.label) return;
  into.label = into.label.empty() ? more.label : into.label + " + " + more.label;
  into.names.insert(more.names.begin(), more.names.end());
  for (const auto& [name, values] : more.arg_values) AddValues(into, name, values);
  into.unmeasured.insert(more.unmeasured.begin(), more.unmeasured.end());
}

}  // namespace profilegen::generator
