#pragma once
/// The subcommands: each cli/<name>.cpp wires one with CLI11 and calls into the libraries. No logic here.
#include <CLI/CLI.hpp>
#include <functional>

namespace profilegen::cli {

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

}  // namespace profilegen::cli
