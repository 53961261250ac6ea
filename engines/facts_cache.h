#pragma once
/// A cache of what podman says that does not change between runs: its version, OCI runtime and image configs
/// (cached_answers.h has the answers and their own checks). `podman info` takes 0.6-1 s here (it asks dpkg
/// which packages hold the runtime and conmon), about as long as a whole `podman run` of a small image, so
/// asking it on every recording doubled the cost.
///
/// An entry is valid only for the exact question it answered: the engine binary (resolved path and stamp),
/// the effective user, the options before `run` (`--runtime`, `--root`, ...), the environment podman reads
/// its configuration from, and the stamps of every containers.conf file and drop-in folder podman may read.
/// Any change, a new file included, is a miss; so is a change of the runtime binary the entry names. A
/// remote podman (`--remote`, `--url`, `--connection`, CONTAINER_HOST) is never cached. Entries are files
/// written atomically under EngineCacheDir(); a malformed, foreign or stale entry is ignored and rewritten.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engines/file_stamp.h"
#include "engines/run_command.h"

namespace profilegen::engines {

/// Looks up an environment variable (std::getenv in production; a map in tests).
using Getenv = std::function<std::optional<std::string>(const std::string& name)>;
Getenv ProcessEnvironment();

/// What a cached answer depends on.
struct CacheKey {
  std::vector<std::pair<std::string, std::string>> values;  ///< engine, program, euid, options, environment
  std::vector<std::pair<std::string, FileStamp>> files;     ///< engine binary, configuration files and folders
  /// A file changed within kRacyNs before it was stamped: an edit in the same clock tick would keep its stamp
  /// (file times are coarse), so an answer under this key is not stored ("racy git"). Not part of the key.
  bool racy = false;
  bool operator==(const CacheKey& o) const { return values == o.values && files == o.files; }
};
inline constexpr int64_t kRacyNs = 100'000'000;

/// Sets key.racy when one of its files changed within kRacyNs before now.
void MarkRacy(CacheKey& key);

/// $XDG_CACHE_HOME/profilegen/engines when XDG_CACHE_HOME is set, else /var/cache/profilegen/engines for root,
/// else $HOME/.cache/profilegen/engines; empty (no cache) when none applies.
std::string EngineCacheDir(const Getenv& env, uid_t euid);

/// The containers.conf files and drop-in folders podman may read (containers/common's order), all of them,
/// whether or not they exist: a file created later must change the key.
std::vector<std::string> PodmanConfigPaths(const Getenv& env);

/// The first executable `program` in PATH (or `program` itself when it holds a '/'), made absolute and with
/// symlinks resolved; empty when there is none.
std::string ResolveProgram(const std::string& program, const Getenv& env);

/// Whether `run` asks a podman on another machine (`--remote`, `--url`, `--connection`, CONTAINER_HOST, ...).
bool IsRemotePodman(const RunCommand& run, const Getenv& env);

/// The key of `run`'s podman facts, with the files stamped now; nullopt when they must not be cached (a
/// remote podman, an engine binary not found).
std::optional<CacheKey> PodmanCacheKey(const RunCommand& run, const Getenv& env, uid_t euid);

/// The entry's file name: a hash of the key, so that each configuration has its own entry.
std::string CacheFileName(const CacheKey& key);

/// The entry as written: format, version, the whole key, and the answer (`payload`).
std::string CacheEntryText(const CacheKey& key, const nlohmann::ordered_json& payload);

/// The payload of `text` when it is a well-formed entry of this format version for exactly `key`; nullopt
/// otherwise (never throws).
std::optional<nlohmann::ordered_json> ParseCacheEntry(std::string_view text, const CacheKey& key);

/// The payload of the entry for `key` in `dir`, if there is a well-formed one. Never throws.
std::optional<nlohmann::ordered_json> LoadCacheEntry(const std::string& dir, const CacheKey& key);

/// Writes the entry for `key` into `dir` (created as needed), atomically; not when the key is racy.
/// Failures are ignored: the cache only saves time.
void StoreCacheEntry(const std::string& dir, const CacheKey& key, const nlohmann::ordered_json& payload);

}  // namespace profilegen::engines
