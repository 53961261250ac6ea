#include "profile/parse.h"

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"

namespace profilegen::profile {

std::string Diagnostic::Format(const std::string& file) const {
  std::string s = file + ": ";
  if (!path.empty()) s += path + ": ";
  s += severity == Severity::kError ? "error: " : "warning: ";
  return s + message;
}

bool ParseResult::HasErrors() const {
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

ParseResult ParseProfile(const std::string& text) {
  // Placeholder until the strict parser lands: reads well-formed profiles leniently.
  ParseResult r;
  nlohmann::json j;
  try {
    j = ParseJson(text, "");
  } catch (const Error& e) {
    r.diagnostics.push_back({Severity::kError, "", e.what()});
    return r;
  }
  try {
    Profile& p = r.profile;
    if (j.contains("defaultAction")) p.default_action = ActionFromString(j["defaultAction"].get<std::string>());
    if (j.contains("defaultErrnoRet")) p.default_errno_ret = j["defaultErrnoRet"].get<uint64_t>();
    if (j.contains("architectures")) p.architectures = j["architectures"].get<std::vector<std::string>>();
    if (j.contains("archMap")) {
      for (const auto& e : j["archMap"]) {
        p.arch_map.push_back({e["architecture"].get<std::string>(), e["subArchitectures"].is_array() ? e["subArchitectures"].get<std::vector<std::string>>() : std::vector<std::string>{}});
      }
    }
    if (j.contains("flags")) p.flags = j["flags"].get<std::vector<std::string>>();
    for (const auto& s : j.value("syscalls", nlohmann::json::array())) {
      Rule rule;
      rule.names = s.value("names", std::vector<std::string>{});
      if (s.contains("name")) rule.names.push_back(s["name"].get<std::string>());
      rule.action = ActionFromString(s["action"].get<std::string>()).value();
      if (s.contains("errnoRet")) rule.errno_ret = s["errnoRet"].get<uint64_t>();
      for (const auto& a : s.value("args", nlohmann::json::array())) {
        rule.args.push_back({a["index"].get<uint32_t>(), a["value"].get<uint64_t>(), a.value("valueTwo", uint64_t{0}),
                             OpFromString(a["op"].get<std::string>()).value()});
      }
      rule.comment = s.value("comment", "");
      for (auto [key, f] : {std::pair{"includes", &rule.includes}, std::pair{"excludes", &rule.excludes}}) {
        if (!s.contains(key)) continue;
        const auto& o = s[key];
        f->caps = o.value("caps", std::vector<std::string>{});
        f->arches = o.value("arches", std::vector<std::string>{});
        f->min_kernel = o.value("minKernel", "");
      }
      p.syscalls.push_back(std::move(rule));
    }
  } catch (const std::exception& e) {
    r.diagnostics.push_back({Severity::kError, "", std::string("cannot read profile: ") + e.what()});
  }
  return r;
}

ParseResult LoadProfile(const std::string& path) { return ParseProfile(ReadFile(path)); }

Profile LoadProfileOrThrow(const std::string& path) {
  ParseResult r = LoadProfile(path);
  std::string message;
  for (const auto& d : r.diagnostics) {
    if (d.severity != Severity::kError) continue;
    if (!message.empty()) message += "\n";
    message += d.Format(path);
  }
  if (!message.empty()) throw Error(message);
  return r.profile;
}

}  // namespace profilegen::profile
