#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <functional>
#include <algorithm>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "cli/commands.h"
#include "syscalls/syscalls.h"

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
    {"scan", "Static reachability: the syscalls binaries can make", profilegen::cli::SetupScan},
    {"learn", "Read the kernel's seccomp audit records (a LOG profile in production) into a trace",
     profilegen::cli::SetupLearn},
};

/// stdout is buffered: a write error (a full disk, /dev/full) may only show when it is flushed at exit. Say so
/// and fail, instead of exiting 0 with the output lost. `code` is the command's exit code so far.
int CheckStdout(int code, bool record_or_run) {
  std::cout.flush();
  errno = 0;
  bool failed = std::fflush(stdout) != 0;
  int err = errno;
  failed = failed || std::ferror(stdout) != 0 || !std::cout.good();
  if (!failed) return code;
  std::string reason = err != 0 ? std::string(": ") + std::strerror(err) : "";
  profilegen::PrintError("cannot write to stdout" + reason);
  if (record_or_run) return profilegen::kExitInternal;
  return code > profilegen::kExitUsage ? code : profilegen::kExitUsage;
}

}  // namespace

namespace profilegen::cli {

std::vector<std::string>& CommandAfterDashDash() {
  static std::vector<std::string> words;
  return words;
}

std::vector<std::string> CommandToRun(CLI::App& sub) {
  if (!CommandAfterDashDash().empty()) {
    if (!sub.remaining().empty()) {
      throw Error("unexpected argument '" + sub.remaining().front() + "' before --");
    }
    return CommandAfterDashDash();
  }
  std::vector<std::string> words = sub.remaining();
  if (!words.empty() && words.front().size() > 1 && words.front()[0] == '-') {
    throw Error("unknown option '" + words.front() + "' (run `profilegen " + sub.get_name() +
                " --help`; put the command after --)");
  }
  return words;
}

}  // namespace profilegen::cli

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
  // `record -- CMD ARGS` and `run ... -- CMD ARGS`: the command's words are never parsed as our options.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "record" || args[0] == "run")) {
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--") {
        profilegen::cli::CommandAfterDashDash().assign(args.begin() + static_cast<long>(i) + 1, args.end());
        args.resize(i);
        break;
      }
    }
  }
  if (!args.empty() && args[0].size() > 0 && args[0][0] != '-') {
    std::vector<std::string> names;
    for (const Command& c : kCommands) names.push_back(c.name);
    if (std::find(names.begin(), names.end(), args[0]) == names.end()) {
      std::string msg = "unknown command '" + args[0] + "'";
      if (auto near = profilegen::sys::Suggest(args[0], names)) msg += " (did you mean " + *near + "?)";
      profilegen::PrintError(msg + "; run `profilegen --help` for the list");
      return profilegen::kExitUsage;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes its arguments in reverse order
  try {
    app.parse(args);
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
    int code = run ? run() : profilegen::kExitUsage;
    return CheckStdout(code, !args.empty() && (args.back() == "record" || args.back() == "run"));
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
