#include "engines/run_command.h"

#include <string_view>

#include "base/error.h"
#include "engines/option_table.h"

namespace profilegen::engines {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw Error(what, kExitInternal); }

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::optional<Engine> EngineOf(const std::string& program) {
  std::string base = BaseName(program);
  if (base == "docker") return Engine::kDocker;
  if (base == "podman") return Engine::kPodman;
  return std::nullopt;
}

using Lookup = std::optional<OptionSpec> (*)(Engine, std::string_view);
using ShortLookup = std::optional<OptionSpec> (*)(Engine, char);

// Reads one option starting at argv[i] (which begins with '-' and is not "-" or "--"); advances i past it.
RunOption ReadOption(Engine engine, const std::vector<std::string>& argv, size_t& i, Lookup by_long,
                     ShortLookup by_short, const char* where) {
  const std::string& word = argv[i];
  RunOption opt;
  opt.words.push_back(word);
  ++i;
  if (word.rfind("--", 0) == 0) {
    std::string body = word.substr(2);
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    auto spec = by_long(engine, name);
    if (!spec && eq != std::string::npos) spec = OptionSpec{name, OptionKind::kValue};  // unambiguous when unknown
    if (!spec) {
      Fail(std::string("unknown ") + EngineName(engine) + " " + where + " option --" + name +
           ": profilegen cannot tell whether it takes a value (write it as --" + name +
           "=VALUE if it does, or record the engine itself with --host)");
    }
    opt.name = spec->name;
    if (eq != std::string::npos) {
      opt.value = body.substr(eq + 1);
    } else if (spec->kind == OptionKind::kValue) {
      if (i >= argv.size()) Fail(std::string("option --") + name + " needs a value");
      opt.value = argv[i];
      opt.words.push_back(argv[i++]);
    }
    return opt;
  }
  // A cluster of one-letter options: flags, then at most one that takes a value (the rest of the word, or the
  // next word): -it, -dit, -eFOO=bar, -v /a:/b.
  for (size_t k = 1; k < word.size(); ++k) {
    auto spec = by_short(engine, word[k]);
    if (!spec) {
      Fail(std::string("unknown ") + EngineName(engine) + " " + where + " option -" + word[k] + " in " + word);
    }
    if (spec->kind == OptionKind::kFlag) {
      if (k + 1 == word.size()) {
        opt.name = spec->name;
      } else if (word[k + 1] == '=') {  // -d=false
        opt.name = spec->name;
        opt.value = word.substr(k + 2);
        return opt;
      }
      // Earlier flags of a cluster are not recorded separately; Flag() scans clusters for them.
      continue;
    }
    opt.name = spec->name;
    if (k + 1 < word.size()) {
      opt.value = word.substr(word[k + 1] == '=' ? k + 2 : k + 1);
    } else {
      if (i >= argv.size()) Fail(std::string("option -") + word[k] + " needs a value");
      opt.value = argv[i];
      opt.words.push_back(argv[i++]);
    }
    return opt;
  }
  return opt;
}

bool IsOptionWord(const std::string& w) { return w.size() > 1 && w[0] == '-' && w != "--"; }

// Skips the program's own options; returns the index of the first other word.
size_t SkipGlobals(Engine engine, const std::vector<std::string>& argv, std::vector<std::string>* words) {
  size_t i = 1;
  while (i < argv.size() && IsOptionWord(argv[i])) {
    RunOption opt = ReadOption(engine, argv, i, GlobalOptionByLong, GlobalOptionByShort, "global");
    if (words) words->insert(words->end(), opt.words.begin(), opt.words.end());
  }
  return i;
}

// Short flag letters a cluster word turns on ("-dit" -> d, i, t), for Flag().
bool ClusterHas(const RunOption& o, Engine engine, const std::string& name) {
  const std::string& w = o.words.front();
  if (w.rfind("--", 0) == 0 || w.size() < 2) return false;
  for (size_t k = 1; k < w.size(); ++k) {
    auto spec = RunOptionByShort(engine, w[k]);
    if (!spec || spec->kind != OptionKind::kFlag) return false;
    if (spec->name == name) return true;
  }
  return false;
}

}  // namespace

const char* EngineName(Engine e) { return e == Engine::kDocker ? "docker" : "podman"; }

std::optional<std::string> RunCommand::Last(const std::string& name) const {
  std::optional<std::string> out;
  for (const RunOption& o : options)
    if (o.name == name && o.value) out = o.value;
  return out;
}

std::vector<std::string> RunCommand::All(const std::string& name) const {
  std::vector<std::string> out;
  for (const RunOption& o : options)
    if (o.name == name && o.value) out.push_back(*o.value);
  return out;
}

bool RunCommand::Flag(const std::string& name) const {
  bool on = false;
  for (const RunOption& o : options) {
    if (o.name == name) {
      on = !o.value || *o.value == "true" || *o.value == "1";
    } else if (ClusterHas(o, engine, name)) {
      on = true;
    }
  }
  return on;
}

bool IsContainerRun(const std::vector<std::string>& argv) {
  if (argv.empty()) return false;
  auto engine = EngineOf(argv[0]);
  if (!engine) return false;
  size_t i;
  try {
    i = SkipGlobals(*engine, argv, nullptr);
  } catch (const Error&) {
    return false;  // not a form we understand: recorded as a plain command
  }
  if (i < argv.size() && argv[i] == "run") return true;
  return i + 1 < argv.size() && argv[i] == "container" && argv[i + 1] == "run";
}

RunCommand ParseRunCommand(const std::vector<std::string>& argv) {
  RunCommand rc;
  rc.program = argv.at(0);
  rc.engine = *EngineOf(rc.program);
  size_t i = SkipGlobals(rc.engine, argv, &rc.global_words);
  if (argv[i] == "container") rc.subcommand.push_back(argv[i++]);
  rc.subcommand.push_back(argv[i++]);
  while (i < argv.size() && IsOptionWord(argv[i])) {
    rc.options.push_back(ReadOption(rc.engine, argv, i, RunOptionByLong, RunOptionByShort, "run"));
  }
  if (i < argv.size() && argv[i] == "--") {
    rc.dash_dash = true;
    ++i;
  }
  if (i >= argv.size())
    Fail(std::string(EngineName(rc.engine)) + " run needs an image: " + rc.program +
         " run [OPTIONS] IMAGE [COMMAND...]");
  rc.image = argv[i++];
  rc.command.assign(argv.begin() + static_cast<long>(i), argv.end());
  return rc;
}

}  // namespace profilegen::engines
