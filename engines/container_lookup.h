#pragma once
/// `profilegen learn --container`: which running or finished container a name or id means (`docker inspect`,
/// `podman inspect`), and whether a process belongs to it. The kernel's seccomp records carry no container id,
/// only the pid in the initial pid namespace, so a record is matched by time (the container's start to its end)
/// and, for processes still alive, by pid namespace (the container init's); a process that has exited since
/// cannot be checked and is matched by time alone.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engines/run_command.h"
#include "trace/audit_record.h"
#include "trace/log_learn.h"

namespace profilegen::engines {

struct ContainerRun {
  Engine engine = Engine::kDocker;
  std::string id;    ///< full id
  std::string name;  ///< without docker's leading "/"
  int64_t pid = 0;   ///< the init process in the host pid namespace; 0 when not running
  bool running = false;
  double started = 0;               ///< wall-clock seconds
  std::optional<double> finished;  ///< when it stopped; nullopt while it runs
};

/// Parses `docker container inspect X` / `podman container inspect X` output (a JSON array of one object).
/// Throws Error (exit 2) naming `what` when it is not one.
ContainerRun ParseContainerInspect(Engine engine, const std::string& json_text, const std::string& what);

/// Asks `engine`, or when none is given docker and then podman, about `id_or_name`. Throws Error (exit 2) when
/// no engine knows it.
ContainerRun QueryContainer(std::optional<Engine> engine, const std::string& id_or_name);

/// The pid namespace check for live processes.
class ContainerProcesses {
 public:
  explicit ContainerProcesses(const ContainerRun& run);
  /// true: `pid` runs in the container's pid namespace now; false: it runs elsewhere; nullopt: it is gone (or the
  /// container is not running), so only the time window can say.
  std::optional<bool> Contains(int64_t pid) const;
  /// For a record whose process is gone: false when the container runs and its filesystem has no file at `exe`
  /// (the path the kernel printed, as the process saw it): a process of the host or of another container, which
  /// the time window alone would have taken in. True when that cannot be told (not running, no exe printed, the
  /// file deleted since).
  bool ExeCouldBeInside(const std::string& exe) const;

 private:
  std::string ns_;    ///< readlink of the init's /proc/PID/ns/pid; empty when not running
  std::string root_;  ///< /proc/PID/root of the init: the container's filesystem; empty when not running
};

/// How the records of a container were told apart, for the summary.
struct ContainerMatch {
  uint64_t by_namespace = 0;  ///< the process is alive and in the container's pid namespace
  uint64_t by_time = 0;       ///< the process is gone: kept because it falls in the container's lifetime
  uint64_t elsewhere = 0;     ///< alive in another pid namespace, or gone with an executable the running
                              ///< container does not have: left out
};

/// Narrows `filter` to the container: its time window cut to the container's lifetime (a second either side,
/// the log has milliseconds, the engines nanoseconds) and `keep` set to the namespace check, counting into
/// `counts` (which must outlive the filter).
void RestrictToContainer(trace::LogFilter& filter, const ContainerRun& run, ContainerMatch& counts);

/// "container 3f2a6c1b9d0e (name, docker)" for the trace's source and messages.
std::string DescribeContainer(const ContainerRun& run);

}  // namespace profilegen::engines
