#include "engines/container_lookup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "engines/subprocess.h"
#include "trace/log_learn.h"

namespace profilegen::engines {
namespace {

std::string PidNamespace(int64_t pid) {
  char buf[128];
  std::string link = "/proc/" + std::to_string(pid) + "/ns/pid";
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Engines print Go's zero time ("0001-01-01T00:00:00Z") for "never".
std::optional<double> Time(const nlohmann::json& state, const char* key, const std::string& what) {
  auto it = state.find(key);
  if (it == state.end() || !it->is_string() || it->get<std::string>().rfind("0001-01-01", 0) == 0) return std::nullopt;
  return trace::ParseTimeArg(it->get<std::string>(), 0, what + ": State." + key);
}

}  // namespace

ContainerRun ParseContainerInspect(Engine engine, const std::string& json_text, const std::string& what) {
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.size() != 1 || !doc[0].is_object()) {
    throw Error(what + ": expected a JSON array of one container", kExitUsage);
  }
  const nlohmann::json& c = doc[0];
  const nlohmann::json& state = c.contains("State") ? c["State"] : nlohmann::json::object();
  ContainerRun r;
  r.engine = engine;
  r.id = c.value("Id", "");
  r.name = c.value("Name", "");
  if (!r.name.empty() && r.name[0] == '/') r.name.erase(0, 1);
  if (r.id.empty() || !state.is_object()) throw Error(what + ": no Id or State", kExitUsage);
  r.running = state.value("Running", false);
  r.pid = state.value("Pid", int64_t{0});
  auto started = Time(state, "StartedAt", what);
  if (!started) throw Error(what + ": container " + r.id.substr(0, 12) + " has never started", kExitUsage);
  r.started = *started;
  if (!r.running) r.finished = Time(state, "FinishedAt", what);
  return r;
}

ContainerRun QueryContainer(std::optional<Engine> engine, const std::string& id_or_name) {
  std::string why;
  for (Engine e : {Engine::kDocker, Engine::kPodman}) {
    if (engine && *engine != e) continue;
    Captured c = RunCapture({EngineName(e), "container", "inspect", id_or_name});
    if (c.status == 0) {
      return ParseContainerInspect(e, c.out, std::string(EngineName(e)) + " container inspect " + id_or_name);
    }
    std::string first = c.status == 127 ? "not installed" : c.err.substr(0, c.err.find('\n'));
    why += (why.empty() ? "" : "; ") + std::string(EngineName(e)) + ": " + first;
  }
  throw Error("--container " + id_or_name + ": no engine knows this container (" + why + ")", kExitUsage);
}

ContainerProcesses::ContainerProcesses(const ContainerRun& run) {
  if (run.running && run.pid > 0) {
    ns_ = PidNamespace(run.pid);
    if (!ns_.empty()) root_ = "/proc/" + std::to_string(run.pid) + "/root";
  }
}

bool ContainerProcesses::ExeCouldBeInside(const std::string& exe) const {
  constexpr std::string_view kDeleted = " (deleted)";
  if (root_.empty() || exe.empty() || exe[0] != '/') return true;
  if (exe.size() > kDeleted.size() && exe.compare(exe.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
    return true;
  }
  struct stat st {};
  return ::stat((root_ + exe).c_str(), &st) == 0 || errno != ENOENT;
}

std::optional<bool> ContainerProcesses::Contains(int64_t pid) const {
  if (ns_.empty()) return std::nullopt;
  std::string ns = PidNamespace(pid);
  if (ns.empty()) return std::nullopt;
  return ns == ns_;
}

void RestrictToContainer(trace::LogFilter& filter, const ContainerRun& run, ContainerMatch& counts) {
  const double from = run.started - 1, to = run.finished ? *run.finished + 1 : 0;
  filter.since = filter.since ? std::max(*filter.since, from) : from;
  if (run.finished) filter.until = filter.until ? std::min(*filter.until, to) : to;
  auto processes = std::make_shared<ContainerProcesses>(run);
  filter.keep = [processes, &counts](const trace::SeccompRecord& r) {
    std::optional<bool> in = processes->Contains(r.pid);
    if ((in && !*in) || (!in && !processes->ExeCouldBeInside(r.exe))) {
      ++counts.elsewhere;
      return false;
    }
    ++(in ? counts.by_namespace : counts.by_time);
    return true;
  };
}

std::string DescribeContainer(const ContainerRun& run) {
  return "container " + run.id.substr(0, 12) + " (" + (run.name.empty() ? "" : run.name + ", ") +
         EngineName(run.engine) + ")";
}

}  // namespace profilegen::engines
