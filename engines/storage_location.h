#pragma once
/// Where a local, rootful podman keeps its images: the containers/storage graph root and driver, found as
/// podman finds them (its --root / --storage-driver options, STORAGE_DRIVER, the storage.conf that
/// containers/storage reads, its built-in defaults). Used to read an image's config from disk instead of
/// asking `podman image inspect` (containers_storage.h); every answer this file is not sure of is nullopt, and
/// the caller then asks podman.
#include <sys/types.h>

#include <optional>
#include <string>

#include "engines/facts_cache.h"
#include "engines/run_command.h"

namespace profilegen::engines {

/// The settings of a storage.conf that decide where images are.
struct StorageConf {
  std::string driver;      ///< [storage] driver; "" when not set (containers/storage then picks one)
  std::string graph_root;  ///< [storage] graphroot; "" when not set
  bool operator==(const StorageConf&) const = default;
};

/// Reads a storage.conf (TOML) as far as the image store's place goes. nullopt when the file holds anything
/// that may move or add images and that this reader does not follow (additional image stores, an image store
/// of its own, a value it cannot read such as a string with escapes) or a line it does not understand.
std::optional<StorageConf> ParseStorageConf(const std::string& text);

/// Whether libpod's database (bolt_state.db, as bytes) agrees with `graph_root` and `driver`: podman takes
/// the graph root and driver it recorded when it was created over storage.conf's unless --root /
/// --storage-driver are given (`*_given`). bolt keeps a bucket's keys and values side by side in key order, so
/// each copy of the config bucket reads "graph-driver-name" DRIVER "graph-root" ROOT "os"; every copy must
/// record an empty value or ours. False when no copy is found.
bool DatabaseAgrees(const std::string& db, const std::string& graph_root, const std::string& driver, bool root_given,
                    bool driver_given);

struct StoreLocation {
  std::string graph_root;  ///< absolute
  std::string driver;      ///< "overlay", "vfs", ...
  /// <graph_root>/<driver>-images: images.json and one folder of "big data" per image.
  std::string ImagesDir() const { return graph_root + "/" + driver + "-images"; }
  bool operator==(const StoreLocation&) const = default;
};

/// Where `run`'s podman keeps its images, for root (euid 0) only; nullopt for a rootless podman, a remote one,
/// global options other than those known not to change the store, STORAGE_OPTS, a storage.conf that
/// ParseStorageConf refuses or CONTAINERS_STORAGE_CONF naming a missing file, and a driver that would be
/// chosen by probing unless exactly one driver's state is present under the graph root; also when libpod's
/// database (<graph root>/libpod/bolt_state.db) is there and records another graph root or driver, or a
/// containers.conf mentions static_dir or database_backend (the database may then be elsewhere).
std::optional<StoreLocation> LocateImageStore(const RunCommand& run, const Getenv& env, uid_t euid);

}  // namespace profilegen::engines
