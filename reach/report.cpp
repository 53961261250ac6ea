#include "reach/report.h"

#include <cstdio>
#include <set>
#include <sstream>

#include "base/hex.h"
#include "syscalls/syscalls.h"

namespace profilegen::reach {
namespace {

std::set<sys::ArchToken> Arches(const Reachability& r) {
  std::set<sys::ArchToken> a;
  for (const SyscallNumber& n : r.syscalls) a.insert(n.arch);
  return a;
}

}  // namespace

std::vector<std::string> SyscallNames(const Reachability& r, sys::ArchToken arch) {
  std::set<std::string> names;
  for (const SyscallNumber& n : r.syscalls) {
    if (n.arch != arch) continue;
    auto name = sys::NameOf(arch, n.nr);
    names.insert(name ? *name : "#" + std::to_string(n.nr));
  }
  return {names.begin(), names.end()};
}

nlohmann::ordered_json ReachabilityJson(const Reachability& r) {
  nlohmann::ordered_json j;
  j["binaries"] = nlohmann::ordered_json::array();
  for (const BinaryStats& b : r.binaries) {
    j["binaries"].push_back({{"path", b.path},
                             {"cached", b.cached},
                             {"instructions", b.instructions},
                             {"functions", b.functions},
                             {"reachable_functions", b.reachable_functions}});
  }
  j["missing_libraries"] = r.missing_libraries;
  j["syscalls"] = nlohmann::ordered_json::object();
  for (sys::ArchToken a : Arches(r)) j["syscalls"][sys::ArchLabel(a)] = SyscallNames(r, a);
  j["unresolved"] = nlohmann::ordered_json::array();
  for (const UnresolvedSite& u : r.unresolved) {
    j["unresolved"].push_back({{"binary", u.binary}, {"function", u.function}, {"address", Hex(u.addr)}});
  }
  j["unresolved_imports"] = r.unresolved_imports;
  return j;
}

std::string ReachabilityText(const Reachability& r) {
  std::ostringstream out;
  out << "binaries (" << r.binaries.size() << "):\n";
  for (const BinaryStats& b : r.binaries) {
    out << "  " << b.path << ": " << b.reachable_functions << " of " << b.functions << " functions reachable"
        << (b.cached ? " (cached)" : "") << "\n";
  }
  for (const std::string& m : r.missing_libraries) out << "  missing library: " << m << "\n";
  for (sys::ArchToken a : Arches(r)) {
    std::vector<std::string> names = SyscallNames(r, a);
    out << "reachable syscalls, " << sys::ArchLabel(a) << " (" << names.size() << "):\n ";
    size_t col = 1;
    for (const std::string& n : names) {
      if (col + n.size() + 1 > 100) {
        out << "\n ";
        col = 1;
      }
      out << " " << n;
      col += n.size() + 1;
    }
    out << "\n";
  }
  out << "unresolved syscall sites in reachable code (" << r.unresolved.size() << ")";
  out << (r.unresolved.empty() ? "\n" : ": their numbers are not known statically, so the set may lack them\n");
  for (const UnresolvedSite& u : r.unresolved) {
    out << "  " << u.binary << " " << Hex(u.addr) << (u.function.empty() ? "" : " in " + u.function) << "\n";
  }
  return out.str();
}

}  // namespace profilegen::reach
