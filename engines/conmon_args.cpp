#include "engines/conmon_args.h"

#include <dirent.h>

#include <cctype>
#include <fstream>
#include <iterator>

namespace profilegen::engines {
namespace {

/// The value of option `name` (or `alias`) in `words`: "--name VALUE" or "--name=VALUE"; the last one wins.
std::optional<std::string> Value(const std::vector<std::string>& words, const std::string& name,
                                 const std::string& alias = "") {
  std::optional<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if ((w == name || (!alias.empty() && w == alias)) && i + 1 < words.size()) {
      out = words[++i];
    } else if (w.rfind(name + "=", 0) == 0) {
      out = w.substr(name.size() + 1);
    }
  }
  return out;
}

/// GRAPHROOT/DRIVER-images/images.json when `bundle` is GRAPHROOT/DRIVER-containers/ID/userdata; "" otherwise.
std::string ImageIndex(const std::string& bundle, const std::string& graph_root, const std::string& id) {
  const std::string tail = "/" + id + "/userdata", suffix = "-containers";
  if (graph_root.empty() || graph_root[0] != '/' || bundle.rfind(graph_root + "/", 0) != 0 ||
      bundle.size() < tail.size() || bundle.compare(bundle.size() - tail.size(), tail.size(), tail) != 0) {
    return "";
  }
  std::string dir = bundle.substr(graph_root.size() + 1, bundle.size() - tail.size() - graph_root.size() - 1);
  if (dir.size() <= suffix.size() || dir.find('/') != std::string::npos ||
      dir.compare(dir.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  return graph_root + "/" + dir.substr(0, dir.size() - suffix.size()) + "-images/images.json";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> SplitNul(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<ConmonView> ParseConmonArgs(const std::vector<std::string>& argv) {
  std::vector<std::string> own, exit_args;  // conmon's options, and the words of its cleanup command
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--exit-command-arg" && i + 1 < argv.size()) {
      exit_args.push_back(argv[++i]);
    } else if (argv[i].rfind("--exit-command-arg=", 0) == 0) {
      exit_args.push_back(argv[i].substr(19));
    } else {
      own.push_back(argv[i]);
    }
  }
  ConmonView v;
  v.container_id = Value(own, "--cid", "-c").value_or("");
  v.runtime_path = Value(own, "--runtime", "-r").value_or("");
  // As `podman info` names it: a runtime given as a path (`podman --runtime /usr/bin/runc`) keeps the path there
  // too (podman 4.3.1 here).
  v.runtime = Value(exit_args, "--runtime").value_or("");
  if (v.container_id.empty() || v.runtime_path.empty() || v.runtime.empty()) return std::nullopt;
  v.image_index =
      ImageIndex(Value(own, "--bundle", "-b").value_or(""), Value(exit_args, "--root").value_or(""), v.container_id);
  return v;
}

std::optional<ConmonView> FindConmon(const std::string& container_id, const std::string& proc) {
  DIR* d = ::opendir(proc.c_str());
  if (!d) return std::nullopt;
  std::optional<ConmonView> found;
  while (dirent* e = ::readdir(d)) {
    std::string pid = e->d_name;
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    // comm first: one short read per process, and the command line only of conmons.
    if (ReadAll(proc + "/" + pid + "/comm") != "conmon\n") continue;
    auto view = ParseConmonArgs(SplitNul(ReadAll(proc + "/" + pid + "/cmdline")));
    if (view && view->container_id == container_id) {
      found = view;
      break;
    }
  }
  ::closedir(d);
  return found;
}

}  // namespace profilegen::engines
