#pragma once
/// What a `docker run` / `docker container run` / `podman run` command line says: the engine, the options
/// before `run` (which select the daemon, context or runtime, and so must also be given to `inspect`/`info`),
/// the run options as written, the image and the command. Pure code: no engine is asked anything here.
#include <optional>
#include <string>
#include <vector>

namespace profilegen::engines {

enum class Engine { kDocker, kPodman };

/// "docker" or "podman".
const char* EngineName(Engine e);

/// One run option as written: its words (`-v`, `/a:/b` or `--volume=/a:/b` or `-itv/a:/b`), and its
/// canonical long name ("volume") and value when it has one, so that the rewrite can look at it.
struct RunOption {
  std::vector<std::string> words;
  std::string name;                  ///< long name without dashes: "volume", "detach", "interactive"
  std::optional<std::string> value;  ///< nullopt for a flag written without "=value"
};

struct RunCommand {
  Engine engine = Engine::kDocker;
  std::string program;                    ///< argv[0] as written ("docker", "/usr/bin/podman")
  std::vector<std::string> global_words;  ///< the words between the program and `run` (`-H unix:///s`)
  std::vector<std::string> subcommand;    ///< {"run"} or {"container", "run"}
  std::vector<RunOption> options;         ///< the run options, in order
  std::string image;                      ///< the image (podman --rootfs: the root folder)
  std::vector<std::string> command;       ///< COMMAND [ARG...] after the image; empty when none was given
  bool dash_dash = false;                 ///< a "--" stood between the options and the image

  /// The last value of option `name` (e.g. "entrypoint"); nullopt when absent.
  std::optional<std::string> Last(const std::string& name) const;
  /// Every value of option `name`, in order.
  std::vector<std::string> All(const std::string& name) const;
  /// Whether the boolean flag `name` is on (given without a value, or with =true/=1).
  bool Flag(const std::string& name) const;
};

/// Whether `argv` is a container run profilegen records inside the container: the program is docker or
/// podman (by base name) and the first word after the global options is `run`, or `container run`.
bool IsContainerRun(const std::vector<std::string>& argv);

/// Parses a container run command line (IsContainerRun must hold). Throws Error (exit 125) for what the
/// engine would refuse too (an option missing its value, no image) and for an option this table does not
/// know, since whether it takes a value decides which word is the image.
RunCommand ParseRunCommand(const std::vector<std::string>& argv);

}  // namespace profilegen::engines
