#include <memory>
#include <string>
#include <vector>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"
#include "cli/commands.h"
#include "reach/cache.h"
#include "reach/program.h"
#include "reach/report.h"

namespace profilegen::cli {

namespace {

struct ScanOptions {
  std::vector<std::string> files;
  std::string format = "text";
  std::string cache_dir = reach::DefaultCacheDir();
  bool no_cache = false;
};

}  // namespace

void SetupScan(CLI::App& sub, std::function<int()>& run) {
  auto o = std::make_shared<ScanOptions>();
  sub.add_option("FILE", o->files, "Executables and the libraries they dlopen, analysed as one program")
      ->required();
  sub.add_option("--format", o->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub.add_option("--cache-dir", o->cache_dir, "Where analyses are cached by file content ($PROFILEGEN_CACHE_DIR)")
      ->capture_default_str();
  sub.add_flag("--no-cache", o->no_cache, "Analyse every binary again; read and write no cache");
  sub.footer("Prints the syscalls the code of FILE and its libraries can make, and the sites whose number is not "
             "known statically.");
  sub.callback([o, &run] {
    run = [o]() -> int {
      reach::ScanOptions options;
      options.cache_dir = o->no_cache ? "" : o->cache_dir;
      reach::Reachability r = reach::AnalyseProgram(o->files, options);
      WriteFileAtomically("-", o->format == "json" ? DumpCanonical(reach::ReachabilityJson(r))
                                                   : reach::ReachabilityText(r));
      return kExitOk;
    };
  });
}

}  // namespace profilegen::cli
