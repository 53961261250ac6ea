#include "generator/runtime_layer.h"

#include "base/error.h"
#include "profile/origin.h"

namespace profilegen::generator {

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
}

}  // namespace profilegen::generator
