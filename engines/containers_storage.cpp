#include "engines/containers_storage.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/atomic_file.h"
#include "base/error.h"
#include "engines/storage_location.h"

namespace profilegen::engines {
namespace {

using nlohmann::json;

bool IsHex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// A path component of a reference: [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*.
bool ValidComponent(const std::string& c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !IsLowerAlnum(c[j])) ++j;
    std::string sep = c.substr(i, j - i);
    if (sep != "." && sep != "_" && sep != "__" && sep.find_first_not_of('-') != std::string::npos) return false;
    i = j;
  }
  return true;
}

bool ValidTag(const std::string& t) {
  if (t.empty() || t.size() > 128 || t[0] == '.' || t[0] == '-') return false;
  for (char c : t) {
    if (!IsLowerAlnum(c) && !(c >= 'A' && c <= 'Z') && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

/// Whether the first component of a name with a '/' is a registry (docker/distribution's rule).
bool IsDomain(const std::string& first) {
  return first.find_first_of(".:") != std::string::npos || first == "localhost" ||
         std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// A reference without digest, split; the domain is "" for a short name.
struct Reference {
  std::string domain, path, tag = "latest";
};

/// nullopt for what this reader does not follow: a registry with a port or capitals, index.docker.io, more
/// than one ':', an invalid component or tag.
std::optional<Reference> ParseReference(const std::string& text) {
  Reference r;
  std::string rest = text;
  size_t slash = text.find('/');
  if (slash != std::string::npos && IsDomain(text.substr(0, slash))) {
    r.domain = text.substr(0, slash);
    rest = text.substr(slash + 1);
    if (r.domain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos ||
        r.domain == "index.docker.io") {
      return std::nullopt;
    }
  }
  size_t colon = rest.find(':');
  if (colon != std::string::npos) {
    if (rest.find(':', colon + 1) != std::string::npos) return std::nullopt;
    r.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!ValidTag(r.tag)) return std::nullopt;
  }
  r.path = rest;
  std::istringstream parts(rest);
  std::string c;
  size_t count = 0;
  while (std::getline(parts, c, '/')) {
    if (!ValidComponent(c)) return std::nullopt;
    ++count;
  }
  if (count == 0 || rest.back() == '/') return std::nullopt;
  if (r.domain == "docker.io" && r.path.find('/') == std::string::npos) r.path = "library/" + r.path;
  if (r.domain.size() + 1 + r.path.size() > 255) return std::nullopt;
  return r;
}

/// A name as stored (normalized: registry, path, tag or digest) without its tag or digest.
std::optional<std::string> Repository(const std::string& name) {
  std::string repo = name.substr(0, name.find('@'));
  size_t slash = repo.rfind('/');
  if (slash == std::string::npos || !IsDomain(repo.substr(0, repo.find('/')))) return std::nullopt;
  size_t colon = repo.find(':', slash);
  return colon == std::string::npos ? repo : repo.substr(0, colon);
}

/// containers/storage's lookup of an id or name: exact id, exact name, then a unique id prefix.
/// `ambiguous` is set when a prefix matches several ids (podman then fails; this reader gives up).
std::optional<size_t> StoreLookup(const std::vector<StoredImage>& images, const std::string& key, bool& ambiguous) {
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].id == key) return i;
  }
  for (size_t i = 0; i < images.size(); ++i) {
    if (std::find(images[i].names.begin(), images[i].names.end(), key) != images[i].names.end()) return i;
  }
  if (key.empty() || key.find(' ') != std::string::npos) return std::nullopt;
  std::optional<size_t> found;
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].id.compare(0, key.size(), key) != 0) continue;
    if (found) {
      ambiguous = true;
      return std::nullopt;
    }
    found = i;
  }
  return found;
}

/// containers/image transports: "NAME:..." with one of these is not a name but a transport reference.
constexpr const char* kTransports[] = {
    "docker", "docker-archive", "docker-daemon", "oci", "oci-archive", "containers-storage",
    "dir",    "tarball",        "ostree",        "sif", "atomic"};

std::optional<std::vector<std::string>> Strings(const json& v) {
  if (v.is_null()) return std::vector<std::string>{};
  if (!v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json& s : v) {
    if (!s.is_string()) return std::nullopt;
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::optional<json> ParseObject(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  return doc;
}

std::string Base64(const std::string& in) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

}  // namespace

std::optional<std::vector<StoredImage>> ParseImageIndexJson(const std::string& text) try {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) return std::nullopt;
  std::vector<StoredImage> out;
  std::set<std::string> names_seen;
  for (const json& entry : doc) {
    if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string()) return std::nullopt;
    StoredImage image;
    image.id = entry["id"].get<std::string>();
    if (!IsHex64(image.id)) return std::nullopt;
    auto names = Strings(entry.value("names", json())), digests = Strings(entry.value("digests", json())),
         big = Strings(entry.value("big-data-names", json()));
    if (!names || !digests || !big) return std::nullopt;
    image.names = *names;
    image.big_data_names = *big;
    for (const std::string& name : image.names) {
      if (!names_seen.insert(name).second || !Repository(name)) return std::nullopt;
    }
    // containers/storage recomputes an image's digests on load, replacing the stored "digests": "digest",
    // then the digest of every big data item whose key starts with "manifest".
    std::vector<std::string> all;
    json digest = entry.value("digest", json());
    if (!digest.is_null() && !digest.is_string()) return std::nullopt;
    if (digest.is_string() && !digest.get<std::string>().empty()) all.push_back(digest.get<std::string>());
    json item_digests = entry.value("big-data-digests", json());
    if (!item_digests.is_null() && !item_digests.is_object()) return std::nullopt;
    if (item_digests.is_object()) {
      for (auto it = item_digests.begin(); it != item_digests.end(); ++it) {
        if (!it.value().is_string()) return std::nullopt;
        if (it.key().rfind("manifest", 0) == 0) all.push_back(it.value().get<std::string>());
      }
    }
    for (const std::string& d : all) {
      if (d.rfind("sha256:", 0) != 0 || !IsHex64(d.substr(7))) return std::nullopt;
      if (std::find(image.digests.begin(), image.digests.end(), d) == image.digests.end()) image.digests.push_back(d);
    }
    out.push_back(std::move(image));
  }
  std::set<std::string> ids;
  for (const StoredImage& image : out) {
    if (!ids.insert(image.id).second) return std::nullopt;
  }
  return out;
} catch (const json::exception&) {
  return std::nullopt;
}

std::string BigDataFileName(const std::string& key) {
  // containers/storage reads the key rune by rune and stops at the first one that is not '.', a digit or a
  // lower-case letter (or that is not one byte); the key is encoded when anything follows that rune.
  size_t i = 0;
  while (i < key.size()) {
    unsigned char c = key[i];
    size_t size = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + size > key.size()) size = 1;
    i += size;
    if (size != 1 || !(c == '.' || IsLowerAlnum(static_cast<char>(c)))) break;
  }
  return i < key.size() ? "=" + Base64(key) : key;
}

std::optional<size_t> ResolveLocalImage(const std::vector<StoredImage>& images, const std::string& reference,
                                        const std::function<bool(const std::string&)>& may_be_alias) {
  if (reference.empty() || reference.find('@') != std::string::npos) return std::nullopt;
  size_t colon = reference.find(':');
  if (colon != std::string::npos && reference.substr(0, colon).find('/') == std::string::npos) {
    std::string prefix = reference.substr(0, colon);
    for (const char* t : kTransports) {
      if (prefix == t) return std::nullopt;
    }
  }
  bool ambiguous = false;
  if (reference.rfind("sha256:", 0) == 0 || IsHex64(reference)) {
    std::string id = reference.rfind("sha256:", 0) == 0 ? reference.substr(7) : reference;
    if (!IsHex64(id)) return std::nullopt;
    return StoreLookup(images, id, ambiguous);
  }
  std::optional<Reference> ref = ParseReference(reference);
  if (!ref) return std::nullopt;
  if (!ref->domain.empty()) {
    // A fully-qualified name is its only candidate.
    std::optional<size_t> found = StoreLookup(images, ref->domain + "/" + ref->path + ":" + ref->tag, ambiguous);
    return found;
  }
  // A short name: the candidates are its alias, localhost/NAME, NAME under each search registry, then
  // docker.io's spelling; all but the alias end in "/NAME:TAG".
  if (may_be_alias(ref->path)) return std::nullopt;
  std::string suffix = "/" + ref->path + ":" + ref->tag, local = "localhost" + suffix,
              docker = std::string("docker.io/") + (ref->path.find('/') == std::string::npos ? "library/" : "") +
                       ref->path + ":" + ref->tag;
  std::vector<std::pair<size_t, std::string>> matches;
  for (size_t i = 0; i < images.size(); ++i) {
    for (const std::string& name : images[i].names) {
      if (name == local) return i;
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        matches.emplace_back(i, name);
      }
    }
  }
  if (matches.size() == 1 && matches[0].second == docker) return matches[0].first;
  if (!matches.empty()) return std::nullopt;  // a search registry's name: registries.conf decides
  // No candidate: the reference may be an image id's prefix (or a name stored as written).
  std::optional<size_t> found = StoreLookup(images, reference, ambiguous);
  return ambiguous ? std::nullopt : found;
}

std::vector<std::string> RepoDigests(const StoredImage& image) {
  std::set<std::string> out;
  for (const std::string& name : image.names) {
    std::optional<std::string> repo = Repository(name);
    if (!repo) continue;
    for (const std::string& d : image.digests) out.insert(*repo + "@" + d);
  }
  return {out.begin(), out.end()};
}

std::optional<LocalImage> ImageFromItems(const StoredImage& image, const std::string& manifest_text,
                                         const std::string& config_text, const std::string& arch) try {
  std::optional<json> manifest = ParseObject(manifest_text), config = ParseObject(config_text);
  if (!manifest || !config) return std::nullopt;
  std::string media = manifest->value("mediaType", "");
  if (manifest->value("schemaVersion", 0) != 2 || manifest->contains("manifests") ||
      (media != "" && media != "application/vnd.docker.distribution.manifest.v2+json" &&
       media != "application/vnd.oci.image.manifest.v1+json")) {
    return std::nullopt;
  }
  const json& ref = manifest->value("config", json());
  if (!ref.is_object() || ref.value("digest", "") != "sha256:" + image.id) return std::nullopt;
  if (config->value("os", "") != "linux" || config->value("architecture", "") != arch) return std::nullopt;
  LocalImage out;
  out.config.id = "sha256:" + image.id;
  std::vector<std::string> repo_digests = RepoDigests(image);
  if (!repo_digests.empty()) out.config.digest = repo_digests.front();
  json c = config->value("config", json());
  if (c.is_null()) return out;
  if (!c.is_object()) return std::nullopt;
  auto entrypoint = Strings(c.value("Entrypoint", json())), cmd = Strings(c.value("Cmd", json())),
       env = Strings(c.value("Env", json()));
  json user = c.value("User", json("")), workdir = c.value("WorkingDir", json(""));
  if (!entrypoint || !cmd || !env || !user.is_string() || !workdir.is_string()) return std::nullopt;
  out.config.entrypoint = *entrypoint;
  out.config.cmd = *cmd;
  out.config.user = user.get<std::string>();
  out.env = *env;
  out.workdir = workdir.get<std::string>();
  return out;
} catch (const json::exception&) {  // a field of another type than podman writes
  return std::nullopt;
}

bool MentionsWord(const std::string& text, const std::string& word) {
  if (text.find("\\u") != std::string::npos || text.find("\\U") != std::string::npos) return true;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (line.find(word) != std::string::npos) return true;
  }
  return false;
}

namespace {

/// The files that may hold short-name aliases: registries.conf (the one named by CONTAINERS_REGISTRIES_CONF or
/// REGISTRIES_CONFIG_PATH, the system's, the user's) with their drop-in folders, and the alias caches that
/// pulls write. More files than podman reads is only more careful.
std::vector<std::string> AliasFiles(const Getenv& env) {
  std::vector<std::string> files, dirs;
  for (const char* var : {"CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH"}) {
    if (auto v = env(var); v && !v->empty()) files.push_back(*v);
  }
  std::vector<std::string> config_homes = {"/etc/containers"}, cache_homes = {"/var/cache/containers"};
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) config_homes.push_back(*x + "/containers");
  if (auto x = env("XDG_CACHE_HOME"); x && !x->empty()) cache_homes.push_back(*x + "/containers");
  if (auto h = env("HOME"); h && !h->empty()) {
    config_homes.push_back(*h + "/.config/containers");
    cache_homes.push_back(*h + "/.cache/containers");
  }
  for (const std::string& home : config_homes) {
    files.push_back(home + "/registries.conf");
    dirs.push_back(home + "/registries.conf.d");
  }
  for (const std::string& home : cache_homes) files.push_back(home + "/short-name-aliases.conf");
  for (const std::string& dir : dirs) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") files.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  return files;
}

/// Whether an alias for `repo` may be configured: a file that mentions it, or one that exists but cannot be
/// read.
bool MayBeAliased(const std::vector<std::string>& files, const std::string& repo) {
  for (const std::string& path : files) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    if (!S_ISREG(st.st_mode)) return true;
    try {
      if (MentionsWord(ReadFile(path, 1 << 20), repo)) return true;
    } catch (const Error&) {
      return true;
    }
  }
  return false;
}

std::string HostArchitecture() {
  struct utsname u;
  if (::uname(&u) != 0) return "";
  std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  return "";  // other machines: the GOARCH spelling was not checked here
}

std::optional<std::string> ReadItem(const StoreLocation& store, const StoredImage& image, const std::string& key) {
  if (std::find(image.big_data_names.begin(), image.big_data_names.end(), key) == image.big_data_names.end()) {
    return std::nullopt;
  }
  try {
    return ReadFile(store.ImagesDir() + "/" + image.id + "/" + BigDataFileName(key), 64 << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
}

/// podman run's options that may make it use another image than the local one a name resolves to.
bool MayChooseOtherImage(const RunCommand& run) {
  std::string pull = run.Last("pull").value_or("missing");
  if (pull != "missing" && pull != "never") return true;
  for (const char* name : {"platform", "arch", "os", "variant", "rootfs"}) {
    if (run.Last(name) || run.Flag(name)) return true;
  }
  return false;
}

}  // namespace

std::optional<LocalImage> ReadLocalImage(const RunCommand& run, const Getenv& env, uid_t euid) {
  // A podman that is not there is asked anyway, so that record says so (engine_query.h) before any run.
  if (MayChooseOtherImage(run) || ResolveProgram(run.program, env).empty()) return std::nullopt;
  std::optional<StoreLocation> store = LocateImageStore(run, env, euid);
  std::string arch = HostArchitecture();
  if (!store || arch.empty()) return std::nullopt;
  std::optional<std::vector<StoredImage>> images;
  try {
    images = ParseImageIndexJson(ReadFile(store->ImagesDir() + "/images.json", 64 << 20));
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!images) return std::nullopt;
  std::vector<std::string> alias_files;
  bool listed = false;
  auto may_be_alias = [&](const std::string& repo) {
    if (!listed) alias_files = AliasFiles(env), listed = true;
    return MayBeAliased(alias_files, repo);
  };
  std::optional<size_t> found = ResolveLocalImage(*images, run.image, may_be_alias);
  if (!found) return std::nullopt;
  const StoredImage& image = (*images)[*found];
  std::optional<std::string> manifest = ReadItem(*store, image, "manifest");
  std::optional<std::string> config = ReadItem(*store, image, "sha256:" + image.id);
  if (!manifest || !config) return std::nullopt;
  return ImageFromItems(image, *manifest, *config, arch);
}

}  // namespace profilegen::engines
