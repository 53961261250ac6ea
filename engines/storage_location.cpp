#include "engines/storage_location.h"

#include <dirent.h>
#include <sys/stat.h>

#include <array>
#include <sstream>

#include "base/atomic_file.h"
#include "base/error.h"

namespace profilegen::engines {
namespace {

/// podman's global options (they stand before `run`) that leave the image store where it is; any other one
/// may move it (--storage-opt, --imagestore, a remote connection...), so the store is then not read.
constexpr const char* kHarmlessValued[] = {
    "--runtime", "--log-level",        "--cgroup-manager",     "--events-backend", "--conmon",    "--runroot",
    "--tmpdir",  "--network-cmd-path", "--network-config-dir", "--cni-config-dir", "--hooks-dir", "--runtime-flag"};
constexpr const char* kHarmlessFlags[] = {"--syslog"};

/// The drivers containers/storage knows; their state under the graph root is a folder named for them.
constexpr const char* kDrivers[] = {"overlay", "vfs", "btrfs", "zfs", "devicemapper", "aufs"};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// The line without a trailing comment; a '#' inside a quoted string is not one.
std::string StripComment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

/// A one-line TOML string without escapes ("..." or '...'); nullopt for anything else.
std::optional<std::string> PlainString(const std::string& value) {
  if (value.size() < 2 || (value[0] != '"' && value[0] != '\'') || value.back() != value[0]) return std::nullopt;
  std::string inner = value.substr(1, value.size() - 2);
  if (inner.find(value[0]) != std::string::npos || inner.find('\\') != std::string::npos) return std::nullopt;
  return inner;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// The single driver whose state is under `graph_root`, as containers/storage picks a driver that was not
/// configured: the prior one, when there is exactly one (vfs is never picked that way).
std::optional<std::string> PriorDriver(const std::string& graph_root) {
  std::optional<std::string> found;
  for (const char* driver : kDrivers) {
    std::string d = driver;
    if (!Exists(graph_root + "/" + d) && !Exists(graph_root + "/" + d + "-images")) continue;
    if (found) return std::nullopt;
    found = d;
  }
  if (!found || *found == "vfs" || !Exists(graph_root + "/" + *found)) return std::nullopt;
  return found;
}

/// podman's --root and --storage-driver when given; nullopt when another global option may move the store.
struct GlobalStoreOptions {
  std::string root, driver;
};
std::optional<GlobalStoreOptions> ReadGlobalOptions(const std::vector<std::string>& words) {
  GlobalStoreOptions out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    size_t eq = w.find('=');
    std::string name = w.substr(0, eq);
    bool inline_value = eq != std::string::npos;
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return w.substr(eq + 1);
      if (i + 1 >= words.size()) return std::nullopt;
      return words[++i];
    };
    bool known = false;
    for (const char* flag : kHarmlessFlags) known = known || name == flag;
    if (known) continue;
    for (const char* option : kHarmlessValued) known = known || name == option;
    if (known) {
      if (!value()) return std::nullopt;
      continue;
    }
    if (name != "--root" && name != "--storage-driver") return std::nullopt;
    std::optional<std::string> v = value();
    if (!v || v->empty()) return std::nullopt;
    (name == "--root" ? out.root : out.driver) = *v;
  }
  return out;
}

/// Whether any containers.conf podman may read (facts_cache.h PodmanConfigPaths, drop-in folders included)
/// mentions `word` outside comment lines, or cannot be read.
bool ContainersConfMentions(const Getenv& env, const std::string& word) {
  std::vector<std::string> files;
  for (const std::string& path : PodmanConfigPaths(env)) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    if (!S_ISDIR(st.st_mode)) {
      files.push_back(path);
      continue;
    }
    DIR* d = ::opendir(path.c_str());
    if (!d) return true;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") files.push_back(path + "/" + name);
    }
    ::closedir(d);
  }
  for (const std::string& file : files) {
    try {
      std::istringstream in(ReadFile(file, 1 << 20));
      for (std::string line; std::getline(in, line);) {
        size_t first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] != '#' && line.find(word) != std::string::npos) return true;
      }
    } catch (const Error&) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool DatabaseAgrees(const std::string& db, const std::string& graph_root, const std::string& driver, bool root_given,
                    bool driver_given) {
  static const std::string kDriverKey = "graph-driver-name", kRootKey = "graph-root", kNextKey = "os";
  // Whether `value` (or nothing: not recorded) and then `next` stand at `at`.
  auto holds = [&db](size_t at, const std::string& value, const std::string& next) {
    return db.compare(at, next.size(), next) == 0 || db.compare(at, value.size() + next.size(), value + next) == 0;
  };
  size_t copies = 0;
  for (size_t at = db.find(kDriverKey); at != std::string::npos; at = db.find(kDriverKey, at + 1)) {
    size_t value = at + kDriverKey.size(), root = db.find(kRootKey, value);
    if (root == std::string::npos || root - value > 64) return false;
    if (!driver_given && !holds(value, driver, kRootKey)) return false;
    // The root is matched, not searched for its end: a path may itself hold "os".
    size_t root_value = root + kRootKey.size();
    if (!root_given && !holds(root_value, graph_root, kNextKey)) return false;
    ++copies;
  }
  return copies > 0;
}

std::optional<StorageConf> ParseStorageConf(const std::string& text) {
  StorageConf out;
  std::istringstream in(text);
  std::string raw, table;
  while (std::getline(in, raw)) {
    std::string line = Trim(StripComment(raw));
    if (line.empty()) continue;
    if (line[0] == '[') {
      if (line.back() != ']' || line.find('"') != std::string::npos) return std::nullopt;
      table = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) return std::nullopt;
    std::string key = Trim(line.substr(0, eq)), value = Trim(line.substr(eq + 1));
    if (key.empty() || key.find_first_of("\"'. ") != std::string::npos || value.empty()) return std::nullopt;
    if (value[0] == '[') {
      // An array, maybe over several lines; only an empty one is followed (additionalimagestores = []).
      std::string items = value.substr(1);
      while (items.find(']') == std::string::npos && std::getline(in, raw)) items += " " + StripComment(raw);
      size_t close = items.find(']');
      if (close == std::string::npos || !Trim(items.substr(close + 1)).empty()) return std::nullopt;
      bool empty = Trim(items.substr(0, close)).empty();
      if (!empty && table == "storage.options" && (key == "additionalimagestores" || key == "additionallayerstores")) {
        return std::nullopt;
      }
      continue;
    }
    if (value[0] == '"' || value[0] == '\'') {
      std::optional<std::string> s = PlainString(value);
      if (!s) return std::nullopt;
      if (table == "storage" && key == "driver") out.driver = *s;
      if (table == "storage" && key == "graphroot") out.graph_root = *s;
      if (table == "storage" && key == "imagestore" && !s->empty()) return std::nullopt;
      continue;
    }
    bool relevant = (table == "storage" && (key == "driver" || key == "graphroot" || key == "imagestore")) ||
                    (table == "storage.options" && (key == "additionalimagestores" || key == "additionallayerstores"));
    if (value[0] == '{') {
      // A one-line inline table (pull_options = {enable_partial_images = "false", ...}): not about the store.
      if (relevant || value.back() != '}' || value.find('}') != value.size() - 1) return std::nullopt;
      continue;
    }
    // Numbers and booleans; the only ones that matter for the store's place are strings and arrays.
    if (relevant || value.find_first_of("\"'[{") != std::string::npos) return std::nullopt;
  }
  if (!out.graph_root.empty() && out.graph_root[0] != '/') return std::nullopt;
  return out;
}

std::optional<StoreLocation> LocateImageStore(const RunCommand& run, const Getenv& env, uid_t euid) {
  if (run.engine != Engine::kPodman || euid != 0 || IsRemotePodman(run, env)) return std::nullopt;
  std::optional<GlobalStoreOptions> global = ReadGlobalOptions(run.global_words);
  if (!global) return std::nullopt;
  if (auto opts = env("STORAGE_OPTS"); opts && !opts->empty()) return std::nullopt;
  // containers/storage reads CONTAINERS_STORAGE_CONF, else /etc/containers/storage.conf when it exists, else
  // the distribution's /usr/share/containers/storage.conf; without any file its defaults hold.
  std::string conf_path;
  if (auto v = env("CONTAINERS_STORAGE_CONF")) {
    if (!Exists(*v)) return std::nullopt;
    conf_path = *v;
  } else if (Exists("/etc/containers/storage.conf")) {
    conf_path = "/etc/containers/storage.conf";
  } else if (Exists("/usr/share/containers/storage.conf")) {
    conf_path = "/usr/share/containers/storage.conf";
  }
  StorageConf conf;
  if (!conf_path.empty()) {
    std::optional<StorageConf> parsed;
    try {
      parsed = ParseStorageConf(ReadFile(conf_path, 1 << 20));
    } catch (const Error&) {
      return std::nullopt;
    }
    if (!parsed) return std::nullopt;
    conf = *parsed;
  }
  StoreLocation out;
  out.graph_root = !global->root.empty()      ? global->root
                   : !conf.graph_root.empty() ? conf.graph_root
                                              : "/var/lib/containers/storage";
  if (out.graph_root[0] != '/') return std::nullopt;
  while (out.graph_root.size() > 1 && out.graph_root.back() == '/') out.graph_root.pop_back();
  std::optional<std::string> env_driver = env("STORAGE_DRIVER");
  out.driver = !global->driver.empty()              ? global->driver
               : env_driver && !env_driver->empty() ? *env_driver
                                                    : conf.driver;
  if (out.driver.empty()) {
    std::optional<std::string> prior = PriorDriver(out.graph_root);
    if (!prior) return std::nullopt;
    out.driver = *prior;
  }
  // "overlay2" is an alias whose folder naming was not checked here.
  if (out.driver == "overlay2" || out.driver.find('/') != std::string::npos) return std::nullopt;
  // libpod's database, in its static folder (<graph root>/libpod unless containers.conf moves it), overrides
  // storage.conf with what it recorded; a database that is not there yet is made from the settings above.
  if (ContainersConfMentions(env, "static_dir") || ContainersConfMentions(env, "database_backend")) return std::nullopt;
  std::string libpod = out.graph_root + "/libpod";
  if (Exists(libpod + "/db.sql")) return std::nullopt;  // a later podman's other database: not read here
  if (Exists(libpod + "/bolt_state.db")) {
    std::string db;
    try {
      db = ReadFile(libpod + "/bolt_state.db", 256 << 20);
    } catch (const Error&) {
      return std::nullopt;
    }
    if (!DatabaseAgrees(db, out.graph_root, out.driver, !global->root.empty(), !global->driver.empty())) {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace profilegen::engines
