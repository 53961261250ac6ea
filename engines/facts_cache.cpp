#include "engines/facts_cache.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/error.h"

namespace profilegen::engines {
namespace {

constexpr const char* kFormat = "engine-facts";
constexpr int kFormatVersion = 1;

/// Environment variables podman's configuration depends on (containers/common and podman itself).
constexpr const char* kConfigEnvironment[] = {"CONTAINERS_CONF",
                                              "CONTAINERS_CONF_OVERRIDE",
                                              "CONTAINERS_STORAGE_CONF",
                                              "XDG_CONFIG_HOME",
                                              "HOME",
                                              "XDG_RUNTIME_DIR",
                                              "PATH"};

/// Global options and variables that send podman's questions to another machine: its facts are not ours.
constexpr const char* kRemoteOptions[] = {"--remote", "-r", "--url", "--connection", "-c", "--identity"};
constexpr const char* kRemoteEnvironment[] = {"CONTAINER_HOST", "CONTAINER_CONNECTION"};

}  // namespace

bool IsRemotePodman(const RunCommand& run, const Getenv& env) {
  for (const char* name : kRemoteEnvironment) {
    if (auto v = env(name); v && !v->empty()) return true;
  }
  for (const std::string& word : run.global_words) {
    std::string name = word.substr(0, word.find('='));
    for (const char* remote : kRemoteOptions) {
      if (name == remote) return true;
    }
  }
  return false;
}

namespace {

std::string UserConfigHome(const Getenv& env) {
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) return *x;
  if (auto h = env("HOME"); h && !h->empty()) return *h + "/.config";
  return "";
}

bool IsFolder(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// The entries of a folder, sorted, with their paths.
std::vector<std::string> FolderEntries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

/// 64-bit FNV-1a: not cryptographic; the entry holds its whole key, so a collision is only a miss.
std::string Hash(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

nlohmann::ordered_json KeyJson(const CacheKey& key) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array(), files = nlohmann::ordered_json::array();
  for (const auto& [name, value] : key.values) values.push_back({name, value});
  for (const auto& [path, stamp] : key.files) files.push_back({path, StampText(stamp)});
  return {{"values", values}, {"files", files}};
}

void MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') ::mkdir(dir.substr(0, i).c_str(), 0755);
  }
}

}  // namespace

Getenv ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

void MarkRacy(CacheKey& key) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  int64_t now_ns = static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
  for (const auto& [path, stamp] : key.files) key.racy |= stamp.exists && stamp.ctime_ns > now_ns - kRacyNs;
}

std::string EngineCacheDir(const Getenv& env, uid_t euid) {
  if (auto x = env("XDG_CACHE_HOME"); x && !x->empty() && (*x)[0] == '/') return *x + "/profilegen/engines";
  if (euid == 0) return "/var/cache/profilegen/engines";
  if (auto h = env("HOME"); h && !h->empty() && (*h)[0] == '/') return *h + "/.cache/profilegen/engines";
  return "";
}

std::vector<std::string> PodmanConfigPaths(const Getenv& env) {
  std::vector<std::string> out;
  for (const char* var : {"CONTAINERS_CONF", "CONTAINERS_CONF_OVERRIDE"}) {
    if (auto v = env(var); v && !v->empty()) out.push_back(*v);
  }
  for (const char* base : {"/usr/share/containers/containers", "/etc/containers/containers",
                           "/usr/share/containers/containers.rootless", "/etc/containers/containers.rootless"}) {
    out.push_back(std::string(base) + ".conf");
    out.push_back(std::string(base) + ".conf.d");
  }
  if (std::string home = UserConfigHome(env); !home.empty()) {
    out.push_back(home + "/containers/containers.conf");
    out.push_back(home + "/containers/containers.conf.d");
  }
  return out;
}

std::string ResolveProgram(const std::string& program, const Getenv& env) {
  std::vector<std::string> candidates;
  if (program.find('/') != std::string::npos) {
    candidates.push_back(program);
  } else {
    std::string path = env("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      std::string dir = path.substr(start, end - start);
      candidates.push_back((dir.empty() ? "." : dir) + "/" + program);
      start = end + 1;
    }
  }
  for (const std::string& c : candidates) {
    char real[PATH_MAX];
    if (::access(c.c_str(), X_OK) == 0 && !IsFolder(c) && ::realpath(c.c_str(), real)) return real;
  }
  return "";
}

std::optional<CacheKey> PodmanCacheKey(const RunCommand& run, const Getenv& env, uid_t euid) {
  if (run.engine != Engine::kPodman || IsRemotePodman(run, env)) return std::nullopt;
  std::string program = ResolveProgram(run.program, env);
  if (program.empty()) return std::nullopt;
  CacheKey key;
  key.values.emplace_back("engine", "podman");
  key.values.emplace_back("program", program);
  key.values.emplace_back("euid", std::to_string(euid));
  std::string global = nlohmann::json(run.global_words).dump();
  key.values.emplace_back("global", global);
  for (const char* var : kConfigEnvironment) {
    auto v = env(var);
    key.values.emplace_back(std::string("env.") + var, v ? "=" + *v : "unset");
  }
  key.files.emplace_back(program, StampOf(program));
  for (const std::string& path : PodmanConfigPaths(env)) {
    key.files.emplace_back(path, StampOf(path));
    // A drop-in folder: every file in it, so that an edit inside changes the key as adding one does.
    if (IsFolder(path)) {
      for (const std::string& entry : FolderEntries(path)) key.files.emplace_back(entry, StampOf(entry));
    }
  }
  MarkRacy(key);
  return key;
}

std::string CacheFileName(const CacheKey& key) { return "podman-" + Hash(KeyJson(key).dump()) + ".json"; }

std::string CacheEntryText(const CacheKey& key, const nlohmann::ordered_json& payload) {
  nlohmann::ordered_json doc = {
      {"profilegen", kFormat}, {"version", kFormatVersion}, {"key", KeyJson(key)}, {"answer", payload}};
  return doc.dump(4) + "\n";
}

std::optional<nlohmann::ordered_json> ParseCacheEntry(std::string_view text, const CacheKey& key) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  auto format = doc.find("profilegen"), version = doc.find("version"), k = doc.find("key"), a = doc.find("answer");
  if (format == doc.end() || *format != kFormat || version == doc.end() || *version != kFormatVersion ||
      k == doc.end() || *k != KeyJson(key) || a == doc.end()) {
    return std::nullopt;
  }
  return *a;
}

std::optional<nlohmann::ordered_json> LoadCacheEntry(const std::string& dir, const CacheKey& key) {
  if (dir.empty()) return std::nullopt;
  std::string text;
  try {
    text = ReadFile(dir + "/" + CacheFileName(key), size_t{1} << 20);
  } catch (const Error&) {
    return std::nullopt;  // no entry yet, or an unreadable one
  }
  return ParseCacheEntry(text, key);
}

void StoreCacheEntry(const std::string& dir, const CacheKey& key, const nlohmann::ordered_json& payload) {
  if (dir.empty() || key.racy) return;
  MakeDirs(dir);
  try {
    WriteFileAtomically(dir + "/" + CacheFileName(key), CacheEntryText(key, payload), kExitInternal);
  } catch (const Error&) {
    // an unwritable cache only costs time
  }
}

}  // namespace profilegen::engines
