#pragma once
/// What podman's conmon says about the container it watches, read from its command line in /proc: podman starts
/// one conmon per container and gives it everything the container's start needs, among it the OCI runtime's
/// binary (`-r PATH`), the bundle inside the image store (`-b GRAPHROOT/DRIVER-containers/ID/userdata`) and the
/// cleanup command, which repeats podman's own configuration: `--exit-command-arg --runtime --exit-command-arg
/// NAME` (containers.conf's runtime, or `podman --runtime`) and `--root GRAPHROOT`. These are the facts `podman
/// info` reports (host.ociRuntime name and path, store.graphRoot and graphDriverName), taken from the run that
/// used them instead of from a second podman that takes 0.6-1 s to compute them.
#include <optional>
#include <string>
#include <vector>

namespace profilegen::engines {

struct ConmonView {
  std::string container_id;  ///< -c
  std::string runtime;       ///< the runtime's name as `podman info` gives it (a path when podman was given one)
  std::string runtime_path;  ///< -r: the runtime binary
  std::string image_index;   ///< GRAPHROOT/DRIVER-images/images.json, as ParseImageIndex; "" when -b says otherwise
};

/// Reads conmon's argv. nullopt when it lacks the container id, the runtime binary or the runtime's name (an
/// argv of another program, or a podman that no longer passes them): then ask `podman info`.
std::optional<ConmonView> ParseConmonArgs(const std::vector<std::string>& argv);

/// The conmon of container `container_id` (the full id), found in `proc` (a /proc); nullopt when none runs (not
/// yet, or no longer) or its argv does not parse. Never throws: processes come and go while it reads.
std::optional<ConmonView> FindConmon(const std::string& container_id, const std::string& proc = "/proc");

}  // namespace profilegen::engines
