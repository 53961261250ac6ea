#include "engines/run_facts.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "base/atomic_file.h"
#include "base/error.h"
#include "engines/conmon_args.h"
#include "engines/subprocess.h"

namespace profilegen::engines {
namespace {

/// How long the watch waits between looks: 5 ms at first (conmon appears 0.1-0.3 s into a run here and lives
/// as long as its container, however short), then longer and longer, up to a quarter second, so that a run
/// whose conmon is never seen (a podman that passes other arguments) does not cost a /proc scan every 5 ms
/// for as long as a service container runs.
std::chrono::milliseconds PollInterval(std::chrono::steady_clock::duration watched) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(watched).count();
  return std::chrono::milliseconds(std::min<long long>(250, 5 + ms / 10));
}

/// The container id podman wrote to `cidfile`; "" until it has (the file is created empty, then written).
std::string ContainerId(const std::string& cidfile) {
  std::string id;
  try {
    id = ReadFile(cidfile, 4096);
  } catch (const Error&) {
    return "";
  }
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

/// The version a `PROGRAM --version` prints ("runc version 1.1.5+ds1", "podman version 4.3.1"); "" when it fails.
std::string VersionOf(const std::string& program) {
  Captured v = RunCapture({program, "--version"}, ProcessGroup::kOwn);
  return v.status == 0 ? ParseRuntimeVersion(v.out) : "";
}

void RemoveCidfile(const std::string& cidfile) {
  ::unlink(cidfile.c_str());
  ::rmdir(cidfile.substr(0, cidfile.rfind('/')).c_str());
}

}  // namespace

std::string NewCidfilePath() {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && tmp[0] == '/' ? tmp : "/tmp") + "/profilegen-run.XXXXXX";
  if (!::mkdtemp(dir.data())) return "";
  return dir + "/cid";
}

std::future<EngineInfo> WatchRunFacts(const RunCommand& run, const std::string& cidfile, bool remove_cidfile,
                                      std::shared_ptr<RunSignal> signal,
                                      std::function<void(const EngineInfo&)> on_answer) {
  return std::async(std::launch::async, [run, cidfile, remove_cidfile, signal, on_answer] {
    BlockForegroundSignals();
    std::optional<ConmonView> conmon;
    RunPhase phase;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      phase = signal->phase.load();  // read before looking, so that a look after the run's end is the last one
      if (phase == RunPhase::kAbandoned) break;
      if (std::string id = ContainerId(cidfile); !id.empty() && (conmon = FindConmon(id))) break;
      if (phase == RunPhase::kOver) break;
      std::this_thread::sleep_for(PollInterval(std::chrono::steady_clock::now() - start));
    }
    if (remove_cidfile) RemoveCidfile(cidfile);
    EngineInfo info;
    if (signal->phase.load() == RunPhase::kAbandoned) return info;
    if (conmon) {
      info.facts.engine = EngineName(run.engine);
      info.facts.runtime = conmon->runtime;
      info.facts.runtime_version = VersionOf(conmon->runtime_path);
      info.facts.engine_version = VersionOf(run.program);
      info.runtime_path = conmon->runtime_path;
      info.image_index = conmon->image_index;
    }
    if (!conmon || info.facts.runtime_version.empty() || info.facts.engine_version.empty()) {
      info = QueryEngine(run, ProcessGroup::kOwn);
    }
    if (on_answer) on_answer(info);
    return info;
  });
}

}  // namespace profilegen::engines
