#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <string>

#include "base/error.h"
#include "base/log.h"
#include "cli/commands.h"

namespace {

struct Command {
  const char* name;
  const char* help;
  profilegen::cli::Setup setup;
};

constexpr Command kCommands[] = {
    {"record", "Run a command under the tracer and record every syscall it makes", profilegen::cli::SetupRecord},
    {"generate", "Merge traces into a least-privilege Docker-format seccomp profile", profilegen::cli::SetupGenerate},
    {"merge", "Union of allow-list profiles", profilegen::cli::SetupMerge},
    {"validate", "Check a profile as Docker, podman and runc read it; compile and load it",
     profilegen::cli::SetupValidate},
    {"run", "Run a command under a profile, as the container runtime would enforce it", profilegen::cli::SetupRun},
    {"diff", "Compare the effective policies of two profiles (a review aid and CI gate)", profilegen::cli::SetupDiff},
    {"audit", "What a profile allows that deserves a look", profilegen::cli::SetupAudit},
    {"export", "Write a profile as an OCI linux.seccomp object or a Kubernetes SeccompProfile",
     profilegen::cli::SetupExport},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"profilegen: turn what a program really does into a least-privilege seccomp profile", "profilegen"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("profilegen ") + PROFILEGEN_VERSION);
  app.footer("Run `profilegen COMMAND --help` for a command's options.");
  std::function<int()> run;
  for (const Command& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    c.setup(*sub, run);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string hint = "run `profilegen --help`";
    for (CLI::App* sub : app.get_subcommands())
      hint = "run `profilegen " + sub->get_name() + " --help`";
    profilegen::PrintError(std::string(e.what()) + " (" + hint + ")");
    return profilegen::kExitUsage;
  }
  try {
    return run ? run() : profilegen::kExitUsage;
  } catch (const profilegen::Error& e) {
    profilegen::PrintError(e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    profilegen::PrintError("out of memory");
    return profilegen::kExitInternal;
  } catch (const std::exception& e) {
    profilegen::PrintError(std::string("internal error: ") + e.what());
    return profilegen::kExitInternal;
  }
}
