#pragma once
/// The subcommands: each cli/<name>.cpp wires one with CLI11 and calls into the libraries. No logic here.
#include <CLI/CLI.hpp>

#include "base/error.h"
#include <functional>
#include <string>
#include <vector>

namespace profilegen::cli {

/// For commands that run a program (record, run): everything after the first "--" on the command line, which
/// main() takes away before CLI11 parses the rest. Empty when there was no "--".
std::vector<std::string>& CommandAfterDashDash();

/// The command to run: the words after "--", or, without "--", the words from the first one that is not an
/// option (CLI11's prefix_command remainder). Throws Error for an unknown option before the command.
std::vector<std::string> CommandToRun(CLI::App& sub);

/// Adds --target, --arch, --caps and --kernel: the container a profile is evaluated for (diff, audit).
template <typename TargetOptions>
void AddTargetOptions(CLI::App& sub, TargetOptions& target) {
  sub.add_option("--target", target.engine, "Engine whose loading rules apply: docker or podman")
      ->capture_default_str();
  sub.add_option("--arch", target.arch, "Host architecture to evaluate for: host (this machine), amd64, arm64, ...")
      ->capture_default_str();
  sub.add_option("--caps", target.caps, "Capability bounding set: default, all, none or CAP_X,CAP_Y,...")
      ->capture_default_str();
  sub.add_option("--kernel", target.kernel, "Kernel version for minKernel: X.Y or host")->capture_default_str();
}

/// Adds the subcommand's options to `sub` and sets `run` to the action to take when it is chosen.
/// `run` returns the process exit code; user errors are thrown as profilegen::Error.
using Setup = void (*)(CLI::App& sub, std::function<int()>& run);

void SetupRecord(CLI::App& sub, std::function<int()>& run);
void SetupGenerate(CLI::App& sub, std::function<int()>& run);
void SetupMerge(CLI::App& sub, std::function<int()>& run);
void SetupValidate(CLI::App& sub, std::function<int()>& run);
void SetupRun(CLI::App& sub, std::function<int()>& run);
void SetupDiff(CLI::App& sub, std::function<int()>& run);
void SetupAudit(CLI::App& sub, std::function<int()>& run);
void SetupExport(CLI::App& sub, std::function<int()>& run);
void SetupScan(CLI::App& sub, std::function<int()>& run);
void SetupLearn(CLI::App& sub, std::function<int()>& run);

}  // namespace profilegen::cli
