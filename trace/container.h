#pragma once
/// How a recorded container was run (`record -- docker run ...`): engine, OCI runtime, no-new-privileges and
/// image. `generate` picks the runtime layer from these facts. In the trace file: an optional
/// "containers" array (one entry per recording; a merged trace keeps every distinct entry).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace profilegen::trace {

struct ContainerFacts {
  std::string engine;           ///< "docker" | "podman"
  std::string engine_version;   ///< "20.10.24+dfsg1"
  std::string runtime;          ///< OCI runtime name: "runc", "crun"
  std::string runtime_version;  ///< "1.1.5"; empty when the engine did not say
  bool no_new_privileges = false;
  std::string image;         ///< as the user named it ("busybox:latest", or podman --rootfs's folder)
  std::string image_id;      ///< "sha256:..." (the image's config digest); empty for a rootfs
  std::string image_digest;  ///< registry digest ("name@sha256:..."); empty for images never pushed or pulled
  bool operator==(const ContainerFacts&) const = default;
};

/// Reports a problem at a JSON path ("containers[0].runtime", "expected a string") and does not return.
using ContainerFail = std::function<void(const std::string& where, const std::string& what)>;

/// The value of a trace's "containers" key. Calls `fail` on a malformed entry.
std::vector<ContainerFacts> ParseContainerList(const nlohmann::json& list, const ContainerFail& fail);
/// One entry as JSON (fixed key order).
nlohmann::ordered_json ContainerFactsJson(const ContainerFacts& facts);
/// Parses one entry given as JSON text (the form `record` passes into the container).
ContainerFacts ParseContainerFacts(const std::string& text, const std::string& what);
/// Adds to `into` the entries of `from` it does not hold yet.
void MergeContainers(std::vector<ContainerFacts>& into, const std::vector<ContainerFacts>& from);

}  // namespace profilegen::trace
