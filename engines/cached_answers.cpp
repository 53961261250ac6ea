#include "engines/cached_answers.h"

namespace profilegen::engines {
namespace {

std::optional<std::string> Str(const nlohmann::ordered_json& obj, const char* name) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
}

std::optional<std::vector<std::string>> Words(const nlohmann::ordered_json& obj, const char* name) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& w : *it) {
    if (!w.is_string()) return std::nullopt;
    out.push_back(w.get<std::string>());
  }
  return out;
}

}  // namespace

nlohmann::ordered_json CachedFactsJson(const CachedFacts& facts) {
  return {{"engineVersion", facts.engine_version},          {"runtime", facts.runtime},
          {"runtimeVersion", facts.runtime_version},        {"runtimePath", facts.runtime_path},
          {"runtimeStamp", StampText(facts.runtime_stamp)}, {"imageIndex", facts.image_index}};
}

std::optional<CachedFacts> ParseCachedFacts(const nlohmann::ordered_json& json) {
  auto engine_version = Str(json, "engineVersion"), runtime = Str(json, "runtime"),
       runtime_version = Str(json, "runtimeVersion"), runtime_path = Str(json, "runtimePath"),
       runtime_stamp = Str(json, "runtimeStamp"), image_index = Str(json, "imageIndex");
  if (!engine_version || !runtime || runtime->empty() || !runtime_version || !runtime_path || !runtime_stamp ||
      !image_index) {
    return std::nullopt;
  }
  std::optional<FileStamp> stamp = ParseStampText(*runtime_stamp);
  if (!stamp) return std::nullopt;
  return CachedFacts{*engine_version, *runtime, *runtime_version, *runtime_path, *stamp, *image_index};
}

bool RuntimeUnchanged(const CachedFacts& facts, const std::function<FileStamp(const std::string&)>& stamp) {
  return facts.runtime_path.empty() || stamp(facts.runtime_path) == facts.runtime_stamp;
}

std::optional<CacheKey> PodmanImageKey(const CacheKey& engine_key, const CachedFacts& facts, const RunCommand& run,
                                       const Getenv& env) {
  std::string pull = run.Last("pull").value_or("missing");
  if (facts.image_index.empty() || pull == "always" || pull == "newer" || pull == "true") return std::nullopt;
  FileStamp index = StampOf(facts.image_index);
  if (!index.exists) return std::nullopt;
  CacheKey key = engine_key;
  key.values.emplace_back("answer", "image inspect");
  key.values.emplace_back("image", run.image);
  std::vector<std::string> storage_conf = {"/usr/share/containers/storage.conf", "/etc/containers/storage.conf"};
  if (auto v = env("CONTAINERS_STORAGE_CONF"); v && !v->empty()) storage_conf.push_back(*v);
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) {
    storage_conf.push_back(*x + "/containers/storage.conf");
  } else if (auto h = env("HOME"); h && !h->empty()) {
    storage_conf.push_back(*h + "/.config/containers/storage.conf");
  }
  for (const std::string& path : storage_conf) key.files.emplace_back(path, StampOf(path));
  key.files.emplace_back(facts.image_index, index);
  MarkRacy(key);
  return key;
}

nlohmann::ordered_json ImageConfigJson(const ImageConfig& image) {
  return {{"entrypoint", image.entrypoint},
          {"cmd", image.cmd},
          {"id", image.id},
          {"digest", image.digest},
          {"user", image.user}};
}

std::optional<ImageConfig> ParseCachedImage(const nlohmann::ordered_json& json) {
  auto entrypoint = Words(json, "entrypoint"), cmd = Words(json, "cmd");
  auto id = Str(json, "id"), digest = Str(json, "digest"), user = Str(json, "user");
  if (!entrypoint || !cmd || !id || id->empty() || !digest || !user) return std::nullopt;
  return ImageConfig{*entrypoint, *cmd, *id, *digest, *user};
}

}  // namespace profilegen::engines
