#include "engines/engine_query.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/json_io.h"
#include "engines/subprocess.h"

namespace profilegen::engines {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error(what, kExitInternal); }

std::vector<std::string> Words(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (const auto& w : v)
      if (w.is_string()) out.push_back(w.get<std::string>());
  }
  return out;
}

std::string Str(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string FirstLine(const std::string& text) {
  size_t start = text.find_first_not_of(" \n");
  if (start == std::string::npos) return "";
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The msg="..." of a logrus line (time="..." level=error msg="..."), unquoted; the whole line if it has none.
std::string LoggedMessage(const std::string& line) {
  size_t at = line.find(" msg=\"");
  if (at == std::string::npos) return line;
  std::string out;
  for (size_t i = at + 6; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      out += line[++i];
    } else if (line[i] == '"') {
      break;
    } else {
      out += line[i];
    }
  }
  return out;
}

}  // namespace

std::string ErrorLine(const std::string& err) {
  std::string logged_error, fallback;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    start = end + 1;
    if (line.rfind("Error: ", 0) == 0) return line;
    bool logged = line.rfind("time=\"", 0) == 0 && line.find(" level=") != std::string::npos;
    if (logged && logged_error.empty() &&
        (line.find(" level=error ") != std::string::npos || line.find(" level=fatal ") != std::string::npos)) {
      logged_error = LoggedMessage(line);
    }
    bool warning = (logged && line.find(" level=error ") == std::string::npos &&
                    line.find(" level=fatal ") == std::string::npos) ||
                   line.rfind("WARN", 0) == 0;
    if (fallback.empty() && !warning && line.find_first_not_of(' ') != std::string::npos) fallback = line;
  }
  if (!logged_error.empty()) return logged_error;
  return fallback.empty() ? FirstLine(err) : fallback;
}

namespace {

std::vector<std::string> Client(const RunCommand& run, std::initializer_list<std::string> words) {
  std::vector<std::string> argv{run.program};
  argv.insert(argv.end(), run.global_words.begin(), run.global_words.end());
  argv.insert(argv.end(), words);
  return argv;
}

}  // namespace

ImageConfig ParseImageInspect(const std::string& json_text) {
  nlohmann::json doc = ParseJson(json_text, "image inspect output");
  if (doc.is_array()) {
    if (doc.empty()) Fail("image inspect printed no image");
    doc = doc[0];
  }
  ImageConfig c;
  const nlohmann::json& config = doc.contains("Config") ? doc["Config"] : nlohmann::json();
  if (config.is_object()) {
    if (config.contains("Entrypoint")) c.entrypoint = Words(config["Entrypoint"]);
    if (config.contains("Cmd")) c.cmd = Words(config["Cmd"]);
    c.user = Str(config, "User");
  }
  c.id = Str(doc, "Id");
  if (!c.id.empty() && c.id.find(':') == std::string::npos) c.id = "sha256:" + c.id;  // podman prints bare hex
  if (doc.contains("RepoDigests")) {
    std::vector<std::string> digests = Words(doc["RepoDigests"]);
    if (!digests.empty()) c.digest = digests.front();
  }
  return c;
}

std::string ParseRuntimeVersion(const std::string& version_output) {
  std::string line = FirstLine(version_output);
  size_t at = line.find("version ");
  if (at == std::string::npos) return "";
  std::string v = line.substr(at + 8);
  size_t space = v.find(' ');
  return space == std::string::npos ? v : v.substr(0, space);
}

trace::ContainerFacts ParseEngineInfo(Engine engine, const std::string& json_text,
                                      const std::optional<std::string>& run_runtime) {
  nlohmann::json doc = ParseJson(json_text, std::string(EngineName(engine)) + " info output");
  trace::ContainerFacts f;
  f.engine = EngineName(engine);
  if (engine == Engine::kDocker) {
    f.engine_version = Str(doc, "ServerVersion");
    f.runtime = run_runtime.value_or(Str(doc, "DefaultRuntime"));
    // Docker reports the version of its runc only (RuncCommit), not of other runtimes.
    if (f.runtime == "runc" && doc.contains("RuncCommit")) f.runtime_version = Str(doc["RuncCommit"], "ID");
  } else {
    if (doc.contains("version")) f.engine_version = Str(doc["version"], "Version");
    nlohmann::json oci =
        doc.contains("host") && doc["host"].contains("ociRuntime") ? doc["host"]["ociRuntime"] : nlohmann::json();
    f.runtime = Str(oci, "name");
    f.runtime_version = ParseRuntimeVersion(Str(oci, "version"));
  }
  if (f.runtime.empty()) Fail(std::string(EngineName(engine)) + " info did not name the OCI runtime");
  return f;
}

std::string ParseRuntimePath(Engine engine, const std::string& json_text) {
  if (engine != Engine::kPodman) return "";
  nlohmann::json doc = ParseJson(json_text, "podman info output");
  if (!doc.is_object() || !doc.contains("host") || !doc["host"].is_object()) return "";
  return doc["host"].contains("ociRuntime") ? Str(doc["host"]["ociRuntime"], "path") : "";
}

std::string ParseImageIndex(Engine engine, const std::string& json_text) {
  if (engine != Engine::kPodman) return "";
  nlohmann::json doc = ParseJson(json_text, "podman info output");
  if (!doc.is_object() || !doc.contains("store")) return "";
  std::string root = Str(doc["store"], "graphRoot"), driver = Str(doc["store"], "graphDriverName");
  if (root.empty() || root[0] != '/' || driver.empty() || driver.find('/') != std::string::npos) return "";
  return root + "/" + driver + "-images/images.json";
}

std::vector<std::string> ContainerCommand(const RunCommand& run, const ImageConfig& image) {
  std::vector<std::string> entry = image.entrypoint, args = run.command.empty() ? image.cmd : run.command;
  if (auto ep = run.Last("entrypoint")) {
    // --entrypoint replaces the image's entrypoint and clears its CMD; podman also takes a JSON array.
    entry.clear();
    if (run.engine == Engine::kPodman && !ep->empty() && (*ep)[0] == '[') {
      entry = Words(ParseJson(*ep, "--entrypoint"));
    } else if (!ep->empty()) {
      entry.push_back(*ep);
    }
    args = run.command;
  }
  entry.insert(entry.end(), args.begin(), args.end());
  if (entry.empty()) {
    Fail("no command to record: the image " + run.image + " has no ENTRYPOINT or CMD and none was given (" +
         run.program + " run [OPTIONS] IMAGE COMMAND)");
  }
  return entry;
}

EngineInfo QueryEngine(const RunCommand& run, ProcessGroup group) {
  const char* name = EngineName(run.engine);
  Captured info = run.engine == Engine::kDocker ? RunCapture(Client(run, {"info", "--format", "{{json .}}"}), group)
                                                : RunCapture(Client(run, {"info", "--format", "json"}), group);
  if (info.status == kExitNotFound && info.err.empty()) {
    Fail(run.program + " is not installed (not found in PATH): install " + name + " or record it with --host");
  }
  if (info.status != 0 || FirstLine(info.out).empty()) {
    std::string why = ErrorLine(info.err);
    std::string what = run.engine == Engine::kDocker ? "docker is not reachable" : "podman does not work here";
    Fail(what + " (" + run.program + " info failed" + (why.empty() ? "" : ": " + why) + ")" +
         (run.engine == Engine::kDocker ? ": is the daemon running, and DOCKER_HOST or -H right?" : ""));
  }
  EngineInfo out;
  out.facts = ParseEngineInfo(run.engine, info.out, run.Last("runtime"));
  if (out.facts.runtime_version.empty()) {
    // The runtime's own answer, when it is a program in PATH (docker's runc and crun are).
    std::string program = out.facts.runtime == "io.containerd.runc.v2" ? "runc" : out.facts.runtime;
    Captured v = RunCapture({program, "--version"}, group);
    if (v.status == 0) out.facts.runtime_version = ParseRuntimeVersion(v.out);
  }
  out.runtime_path = ParseRuntimePath(run.engine, info.out);
  out.image_index = ParseImageIndex(run.engine, info.out);
  return out;
}

ImageConfig QueryImage(const RunCommand& run) {
  Captured c = RunCapture(Client(run, {"image", "inspect", run.image}));
  if (c.status != 0) {
    // As `run` would: pull a missing image, unless told not to.
    std::string why = ErrorLine(c.err);
    if (run.Last("pull").value_or("missing") != "never") {
      Captured pull = RunCapture(Client(run, {"pull", run.image}));
      if (pull.status == 0) c = RunCapture(Client(run, {"image", "inspect", run.image}));
      if (pull.status != 0) why = ErrorLine(pull.err);
    }
    if (c.status != 0) {
      Fail("image " + run.image + " is not in " + EngineName(run.engine) + "'s store and could not be pulled (" + why +
           ")");
    }
  }
  return ParseImageInspect(c.out);
}

}  // namespace profilegen::engines
