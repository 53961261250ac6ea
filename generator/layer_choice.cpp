#include "generator/layer_choice.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/error.h"

namespace profilegen::generator {

std::optional<Runtime> RuntimeFromEngineName(const std::string& engine_name) {
  // Docker names runtimes by their containerd shim too (io.containerd.runc.v2); podman uses the program name, or
  // the path it was given (`podman --runtime /usr/bin/runc`: podman info and conmon say "/usr/bin/runc").
  const size_t slash = engine_name.rfind('/');
  const std::string name = slash == std::string::npos ? engine_name : engine_name.substr(slash + 1);
  if (name == "runc" || name == "io.containerd.runc.v2" || name == "io.containerd.runtime.v1.linux") {
    return Runtime::kRunc;
  }
  if (name == "crun") return Runtime::kCrun;
  return std::nullopt;
}

void ChooseRuntimeLayers(const trace::Trace& merged, std::optional<Runtime> runtime_flag, std::optional<bool> nnp_flag,
                         GenerateOptions& options) {
  std::vector<std::pair<Runtime, bool>> layers;
  for (const trace::ContainerFacts& c : merged.containers) {
    std::optional<Runtime> runtime = runtime_flag;
    if (!runtime) runtime = RuntimeFromEngineName(c.runtime);
    if (!runtime) {
      throw Error("a trace was recorded in a " + c.engine + " container run by the OCI runtime \"" + c.runtime +
                  "\", which has no runtime layer data in this profilegen: give --runtime runc, crun or none");
    }
    std::pair<Runtime, bool> layer{*runtime, nnp_flag.value_or(c.no_new_privileges)};
    if (std::find(layers.begin(), layers.end(), layer) == layers.end()) layers.push_back(layer);
  }
  if (layers.empty()) layers.push_back({runtime_flag.value_or(Runtime::kRunc), nnp_flag.value_or(false)});
  std::sort(layers.begin(), layers.end());  // the same profile whatever the order of the traces
  options.runtime = layers.front().first;
  options.no_new_privileges = layers.front().second;
  options.more_layers.assign(layers.begin() + 1, layers.end());
}

}  // namespace profilegen::generator
