#pragma once
/// An image's config read from podman's image store on disk (containers/storage), as `podman image inspect`
/// would report it, without running podman: a cold recording otherwise spends 45-85 ms on that question.
/// containers/storage keeps <graphroot>/<driver>-images/images.json (each image's id, names, digests and the
/// keys of its "big data" items) and each item in <images>/<id>/<file named for its key>; the manifest is the
/// item "manifest", the config the item named by the manifest's config digest. A reference is resolved as
/// podman resolves one for a local image (containers/common libimage LookupImage). Whatever this reader is not
/// sure of gives nullopt, and the caller asks `podman image inspect` instead: the fast path never answers
/// differently from podman, it only answers less often.
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engines/engine_query.h"
#include "engines/facts_cache.h"
#include "engines/run_command.h"

namespace profilegen::engines {

/// One image of images.json.
struct StoredImage {
  std::string id;                           ///< 64 hex digits
  std::vector<std::string> names;           ///< "localhost/x:tag", "docker.io/library/y@sha256:..."
  std::vector<std::string> digests;         ///< "digest", then those of its manifest items
  std::vector<std::string> big_data_names;  ///< keys of its big data items
};

/// Parses images.json. nullopt when it is not the form expected (a field of another type, an id that is not
/// 64 hex digits, a name given to two images).
std::optional<std::vector<StoredImage>> ParseImageIndexJson(const std::string& text);

/// The file name containers/storage gives the big data item `key`: the key itself when it is made of '.',
/// digits and lower-case letters (its last character is not checked), else '=' and the key in base64.
std::string BigDataFileName(const std::string& key);

/// Which of `images` `reference` names, as podman looks up a local image; nullopt when none or when unsure
/// (a transport prefix, a digest, an ambiguous id prefix, a short name that `may_be_alias` says may have an
/// alias or that only a registries.conf search registry would reach). `may_be_alias(repo)`: whether a
/// short-name alias for `repo` may be configured.
std::optional<size_t> ResolveLocalImage(const std::vector<StoredImage>& images, const std::string& reference,
                                        const std::function<bool(const std::string&)>& may_be_alias);

/// podman's RepoDigests for `image`: each name's repository with each digest, sorted, without repeats.
std::vector<std::string> RepoDigests(const StoredImage& image);

/// The image's config as `podman image inspect` reports it, from its manifest and config items; nullopt for
/// a manifest list, a schema 1 manifest, a config whose digest is not the image's id, or an os/architecture
/// other than linux/`arch`.
struct LocalImage {
  ImageConfig config;
  std::vector<std::string> env;  ///< Config.Env (for tests: record does not need it)
  std::string workdir;           ///< Config.WorkingDir (likewise)
};
std::optional<LocalImage> ImageFromItems(const StoredImage& image, const std::string& manifest_text,
                                         const std::string& config_text, const std::string& arch);

/// Whether `text` (a registries.conf or short-name-aliases.conf) mentions `word` outside comment lines, or
/// holds an escape that could spell it: a short-name alias for `word` would.
bool MentionsWord(const std::string& text, const std::string& word);

/// `run.image`'s config read from the local store (storage_location.h), or nullopt: then ask podman. Also
/// nullopt when `run.program` is not found (asking it gives record's "not installed" error).
std::optional<LocalImage> ReadLocalImage(const RunCommand& run, const Getenv& env, uid_t euid);

}  // namespace profilegen::engines
