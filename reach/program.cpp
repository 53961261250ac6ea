#include "reach/program.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "base/error.h"
#include "reach/cache.h"

namespace profilegen::reach {
namespace {

void ReadLdConf(const std::string& file, std::vector<std::string>& out, int depth) {
  std::ifstream in(file);
  std::string line;
  while (depth < 8 && std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    line = line.substr(b);
    if (line.rfind("include", 0) == 0) {
      std::string pattern = line.substr(7);
      pattern = pattern.substr(pattern.find_first_not_of(" \t"));
      glob_t g{};
      if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) ReadLdConf(g.gl_pathv[i], out, depth + 1);
      }
      globfree(&g);
    } else {
      out.push_back(line);
    }
  }
}

bool IsElfOfClass(const std::string& path, bool is64) {
  std::ifstream in(path, std::ios::binary);
  char h[5] = {};
  if (!in.read(h, 5)) return false;
  return h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == (is64 ? 2 : 1);
}

std::string Canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

class Program {
 public:
  explicit Program(const ScanOptions& options) : options_(options) {}

  Reachability Run(const std::vector<std::string>& files, const std::vector<std::string>& mapped) {
    for (const std::string& f : files) {
      size_t b = Load(f);
      if (b != SIZE_MAX) explicit_.push_back(b);
    }
    size_t i = 0;
    for (; i < bins_.size(); ++i) LoadDependencies(i);  // breadth-first, as the loader does
    AddMapped(mapped);
    for (; i < bins_.size(); ++i) LoadDependencies(i);  // what the dlopen'd libraries need
    for (size_t b = 0; b < bins_.size(); ++b) SeedRoots(b);
    Walk();
    for (size_t b = 0; b < bins_.size(); ++b) {
      result_.binaries.push_back({bins_[b].summary.path, bins_[b].cached, bins_[b].summary.instructions,
                                  bins_[b].summary.functions.size(), bins_[b].reached_count});
    }
    return std::move(result_);
  }

 private:
  struct Bin {
    BinarySummary summary;
    bool cached = false;
    std::vector<bool> reached;
    size_t reached_count = 0;
    std::vector<std::pair<int64_t, int64_t>> import_target;  ///< per import name: (bin, function) or (-1, -1)
    bool resolved = false;
  };

  size_t Load(const std::string& path) {
    std::string canonical = Canonical(path);
    auto it = by_path_.find(canonical);
    if (it != by_path_.end()) return it->second;
    SummaryLoad load = LoadSummary(path, options_.cache_dir);
    Bin bin;
    bin.summary = std::move(load.summary);
    bin.cached = load.cached;
    bin.reached.assign(bin.summary.functions.size(), false);
    bins_.push_back(std::move(bin));
    by_path_[canonical] = bins_.size() - 1;
    return bins_.size() - 1;
  }

  std::string FindLibrary(const std::string& name, const Bin& from) {
    if (name.find('/') != std::string::npos) return name;
    bool is64 = from.summary.is64;
    std::vector<std::string> dirs;
    for (std::string d : from.summary.runpath) {
      size_t o = d.find("$ORIGIN");
      if (o != std::string::npos) d.replace(o, 7, DirName(Canonical(from.summary.path)));
      dirs.push_back(d);
    }
    const std::vector<std::string>& rest = options_.library_path.empty() ? Default(is64) : options_.library_path;
    dirs.insert(dirs.end(), rest.begin(), rest.end());
    for (const std::string& d : dirs) {
      std::string candidate = d + "/" + name;
      if (access(candidate.c_str(), R_OK) == 0 && IsElfOfClass(candidate, is64)) return candidate;
    }
    return "";
  }

  const std::vector<std::string>& Default(bool is64) {
    auto& v = is64 ? default64_ : default32_;
    if (v.empty()) v = DefaultLibraryPath(is64);
    return v;
  }

  void LoadDependencies(size_t b) {
    std::vector<std::string> names = bins_[b].summary.needed;
    std::string interp = bins_[b].summary.interp;
    if (!interp.empty()) names.push_back(interp);
    for (const std::string& n : names) {
      std::string path = FindLibrary(n, bins_[b]);
      if (path.empty()) {
        result_.missing_libraries.push_back(n);
        continue;
      }
      try {
        Load(path);
      } catch (const Error&) {
        result_.missing_libraries.push_back(n + " (" + path + ": not a usable ELF file)");
      }
    }
  }

  /// The mapped files that nothing loaded so far accounts for: dlopen'd libraries and their own dependencies.
  /// Those no other of them needs are roots (what dlopen was called on); the others wait to be loaded as
  /// dependencies, as they were at run time. In a cycle of mutual needs all are roots.
  void AddMapped(const std::vector<std::string>& mapped) {
    static constexpr std::string_view kDeleted = " (deleted)";
    std::vector<size_t> fresh;
    for (const std::string& m : mapped) {
      if (m.size() > kDeleted.size() && m.compare(m.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
        result_.unreadable_mapped.push_back(m.substr(0, m.size() - kDeleted.size()) + ": deleted since it was mapped");
        continue;
      }
      if (by_path_.count(Canonical(m))) continue;
      try {
        fresh.push_back(Load(m));
      } catch (const Error& e) {
        result_.unreadable_mapped.push_back(e.what());
      }
    }
    std::set<size_t> needed;
    for (size_t b : fresh) {
      std::vector<std::string> names = bins_[b].summary.needed;
      for (const std::string& n : names) {
        std::string path = FindLibrary(n, bins_[b]);
        auto it = path.empty() ? by_path_.end() : by_path_.find(Canonical(path));
        if (it != by_path_.end() && it->second != b) needed.insert(it->second);
      }
    }
    bool cycle = !fresh.empty() && std::all_of(fresh.begin(), fresh.end(), [&](size_t b) { return needed.count(b); });
    for (size_t b : fresh) {
      if (cycle || !needed.count(b)) {
        explicit_.push_back(b);
        result_.dlopened.push_back(bins_[b].summary.path);
      }
    }
  }

  void ResolveImports(size_t b) {
    Bin& bin = bins_[b];
    if (bin.resolved) return;
    bin.resolved = true;
    bin.import_target.assign(bin.summary.import_names.size(), {-1, -1});
    for (size_t i = 0; i < bin.summary.import_names.size(); ++i) {
      const std::string& name = bin.summary.import_names[i];
      for (size_t o = 0; o < bins_.size(); ++o) {  // global scope, load order
        auto e = bins_[o].summary.exports.find(name);
        if (e != bins_[o].summary.exports.end()) {
          bin.import_target[i] = {static_cast<int64_t>(o), e->second};
          break;
        }
      }
    }
  }

  void Reach(size_t b, uint32_t f) {
    Bin& bin = bins_[b];
    if (f >= bin.reached.size() || bin.reached[f]) return;
    bin.reached[f] = true;
    ++bin.reached_count;
    queue_.push_back({b, f});
  }

  void ReachImport(size_t b, uint32_t import) {
    ResolveImports(b);
    auto [tb, tf] = bins_[b].import_target[import];
    if (tb < 0) {
      result_.unresolved_imports.insert(bins_[b].summary.import_names[import]);
      return;
    }
    Reach(static_cast<size_t>(tb), static_cast<uint32_t>(tf));
  }

  void SeedRoots(size_t b) {
    const BinarySummary& s = bins_[b].summary;
    for (uint32_t r : s.roots) Reach(b, r);
    for (uint32_t i : s.imported_roots) ReachImport(b, i);
    for (const std::string& name : s.dlsym_names) {
      for (Bin& other : bins_) {
        auto e = other.summary.exports.find(name);
        if (e != other.summary.exports.end()) Reach(static_cast<size_t>(&other - bins_.data()), e->second);
      }
    }
    bool is_explicit = std::find(explicit_.begin(), explicit_.end(), b) != explicit_.end();
    if (is_explicit) {
      for (const auto& [name, f] : s.exports) Reach(b, f);
    }
  }

  void Walk() {
    sys::ArchToken x86_64 = sys::ArchByNativeName("amd64")->token;
    while (!queue_.empty()) {
      auto [b, f] = queue_.front();
      queue_.pop_front();
      const Function& fn = bins_[b].summary.functions[f];
      for (const SyscallNumber& n : fn.syscalls) result_.syscalls.insert(n);
      for (uint64_t a : fn.unresolved) result_.unresolved.insert({bins_[b].summary.path, fn.name, a});
      for (uint32_t c : fn.callees) Reach(b, c);
      for (const ImportCall& c : fn.imports) {
        ReachImport(b, c.name);
        auto [tb, tf] = bins_[b].import_target[c.name];
        if (tb < 0) continue;
        int reg = bins_[tb].summary.functions[tf].wrapper_reg;
        if (reg < 0) continue;
        const Value* v = reg == kRax ? &c.rax : reg == kRdi ? &c.rdi : reg == kRsi ? &c.rsi : nullptr;
        if (v && v->kind == Value::kImm) {
          result_.syscalls.insert({x86_64, v->v});
        } else {
          // A PLT stub passes its caller's registers on: its real callers were recorded as import calls.
          bool stub = v && v->kind == Value::kEntry && fn.imports.size() == 1 && fn.callees.empty() &&
                      fn.syscalls.empty() && v->v == reg;
          if (!stub) result_.unresolved.insert({bins_[b].summary.path, fn.name, fn.addr});
        }
      }
    }
  }

  const ScanOptions& options_;
  std::vector<Bin> bins_;
  std::map<std::string, size_t> by_path_;
  std::vector<size_t> explicit_;
  std::deque<std::pair<size_t, uint32_t>> queue_;
  std::vector<std::string> default64_, default32_;
  Reachability result_;
};

}  // namespace

std::vector<std::string> DefaultLibraryPath(bool is64) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("LD_LIBRARY_PATH"); env && *env) {
    std::string all = env;
    for (size_t s = 0; s <= all.size();) {
      size_t c = all.find(':', s);
      if (c == std::string::npos) c = all.size();
      if (c > s) dirs.push_back(all.substr(s, c - s));
      s = c + 1;
    }
  }
  ReadLdConf("/etc/ld.so.conf", dirs, 0);
  if (is64) {
    for (const char* d : {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"}) {
      dirs.push_back(d);
    }
  } else {
    for (const char* d : {"/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu", "/lib32", "/usr/lib32"}) {
      dirs.push_back(d);
    }
  }
  dirs.push_back("/lib");
  dirs.push_back("/usr/lib");
  return dirs;
}

Reachability AnalyseProgram(const std::vector<std::string>& files, const ScanOptions& options,
                            const std::vector<std::string>& mapped) {
  return Program(options).Run(files, mapped);
}

}  // namespace profilegen::reach
