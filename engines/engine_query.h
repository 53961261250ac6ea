#pragma once
/// What profilegen asks the engine before a recording run: is it there and reachable, which OCI runtime and
/// versions it uses (`docker info`, `podman info`), and the image's entrypoint, command and identity
/// (`image inspect`). Parsing of the engines' JSON is separate from running them, so it is tested without one.
#include <optional>
#include <string>
#include <vector>

#include "engines/run_command.h"
#include "engines/subprocess.h"
#include "trace/container.h"

namespace profilegen::engines {

struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string id;      ///< "sha256:..."
  std::string digest;  ///< first RepoDigests entry; empty when none
  std::string user;    ///< the image's USER ("" when none: root)
};

/// Parses `docker image inspect IMAGE` / `podman image inspect IMAGE` output (a JSON array of one object).
ImageConfig ParseImageInspect(const std::string& json_text);

/// Engine facts from `docker info --format '{{json .}}'` / `podman info --format json`: engine version, OCI
/// runtime name (the run's --runtime when given, else the default) and, for podman, the runtime's version.
trace::ContainerFacts ParseEngineInfo(Engine engine, const std::string& json_text,
                                      const std::optional<std::string>& run_runtime);

/// The OCI runtime binary `podman info` names (host.ociRuntime.path); "" for docker or when it is not said.
std::string ParseRuntimePath(Engine engine, const std::string& json_text);

/// "runc version 1.1.5+ds1\ncommit: ..." -> "1.1.5+ds1"; "crun version 1.8.1\n..." -> "1.8.1"; "" if unknown.
std::string ParseRuntimeVersion(const std::string& version_output);

/// The line of a client's stderr that says what failed: podman's `Error: ...` line (it prints logrus
/// warnings first, rootless: `"/" is not a shared mount`), else the message of its first logrus error line,
/// else the first line that is neither a warning nor logged below error level.
std::string ErrorLine(const std::string& err);

/// The container that `docker run` would start: entrypoint + command as the engine decides them from the run
/// options (--entrypoint, COMMAND) and the image's config. Throws Error (125) when there is none.
std::vector<std::string> ContainerCommand(const RunCommand& run, const ImageConfig& image);

/// The podman image store's index file (<graphRoot>/<driver>-images/images.json), from `podman info`; "" for
/// docker or when it is not said.
std::string ParseImageIndex(Engine engine, const std::string& json_text);

struct EngineInfo {
  trace::ContainerFacts facts;  ///< engine, version, runtime and its version (image fields empty)
  std::string runtime_path;     ///< podman: the runtime binary
  std::string image_index;      ///< podman: ParseImageIndex
};

/// Asks the engine (runs the client with the run's global options), uncached (engine_answers.h caches). Throws
/// Error (125) with one line when the engine is not installed, not reachable, or the image is missing and
/// cannot be pulled. `group`: where QueryEngine's programs run (subprocess.h).
EngineInfo QueryEngine(const RunCommand& run, ProcessGroup group = ProcessGroup::kShared);
ImageConfig QueryImage(const RunCommand& run);

}  // namespace profilegen::engines
