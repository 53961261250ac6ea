#pragma once
/// What the facts cache (facts_cache.h) holds for podman, and the checks each answer needs beyond the key of
/// its configuration: the engine's facts (`podman info`: version, OCI runtime, where the image store keeps its
/// index), valid while the runtime binary is unchanged; and an image's config (`podman image inspect`: id,
/// digest, entrypoint, command, user), valid while the image store's index file is unchanged (containers/
/// storage rewrites it whenever its images or their names change: seen here for import, tag and untag; a run
/// leaves it alone).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engines/engine_query.h"
#include "engines/facts_cache.h"
#include "engines/file_stamp.h"

namespace profilegen::engines {

struct CachedFacts {
  std::string engine_version;
  std::string runtime;
  std::string runtime_version;
  std::string runtime_path;  ///< the runtime binary; empty when the engine did not say
  FileStamp runtime_stamp;   ///< its stamp when the answer was taken
  std::string image_index;   ///< the image store's index file; empty when unknown (images are then not cached)
  bool operator==(const CachedFacts&) const = default;
};

nlohmann::ordered_json CachedFactsJson(const CachedFacts& facts);
/// nullopt for anything CachedFactsJson did not write (a field missing or of another type, no runtime).
std::optional<CachedFacts> ParseCachedFacts(const nlohmann::ordered_json& json);

/// Whether the runtime binary the facts name is the one they were taken from.
bool RuntimeUnchanged(const CachedFacts& facts, const std::function<FileStamp(const std::string&)>& stamp);

/// The key of `run.image`'s config: the engine's key, the image as named, storage.conf (which may add image
/// stores) and the stamp of the store's index, taken now. nullopt when the index is unknown or missing, or
/// the run pulls anyway (`--pull always|newer`).
std::optional<CacheKey> PodmanImageKey(const CacheKey& engine_key, const CachedFacts& facts, const RunCommand& run,
                                       const Getenv& env);

nlohmann::ordered_json ImageConfigJson(const ImageConfig& image);
/// nullopt for anything ImageConfigJson did not write.
std::optional<ImageConfig> ParseCachedImage(const nlohmann::ordered_json& json);

}  // namespace profilegen::engines
