#include "trace/trace.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"

namespace profilegen::trace {

using nlohmann::ordered_json;

void ArgValues::Add(uint64_t v) {
  if (overflow) return;
  values.insert(v);
  if (values.size() > kMaxArgValues) {
    overflow = true;
    values.clear();
  }
}

void ArgValues::Merge(const ArgValues& other) {
  if (other.overflow) {
    overflow = true;
    values.clear();
    return;
  }
  for (uint64_t v : other.values) Add(v);
}

std::string SyscallRecord::DisplayName() const { return name ? *name : "#" + std::to_string(nr); }

std::vector<std::string> Trace::Executables() const {
  std::set<std::string> exes;
  for (const auto& [key, rec] : syscalls) {
    if (!rec.first.exe.empty()) exes.insert(rec.first.exe);
  }
  return {exes.begin(), exes.end()};
}

std::vector<sys::ArchToken> Trace::Arches() const {
  std::vector<sys::ArchToken> out;
  if (host_arch) out.push_back(host_arch);
  for (const auto& [key, rec] : syscalls)
    if (std::find(out.begin(), out.end(), key.first) == out.end()) out.push_back(key.first);
  return out;
}

const std::vector<int>& CapturedArgs(std::string_view name) {
  static const std::unordered_map<std::string_view, std::vector<int>> table = {
      {"clone", {0}},       // flags: namespaces (CLONE_NEW*) are container-escape relevant
      {"unshare", {0}},     // flags
      {"setns", {1}},       // nstype
      {"socket", {0, 1}},   // domain, type
      {"socketpair", {0}},  // domain
      {"personality", {0}}, {"prctl", {0}},  // option
      {"ioctl", {1}},                        // request
  };
  static const std::vector<int> none;
  auto it = table.find(name);
  return it == table.end() ? none : it->second;
}

namespace {

ordered_json ArgValuesJson(const ArgValues& a) {
  ordered_json v;
  v["values"] = ordered_json::array();
  for (uint64_t x : a.values) v["values"].push_back(x);
  if (a.overflow) v["overflow"] = true;
  return v;
}

}  // namespace

std::string SerializeTrace(const Trace& t) {
  ordered_json doc;
  doc["profilegen"] = "trace";
  doc["version"] = t.reachable ? kReachableSchemaVersion : kSchemaVersion;
  doc["command"] = t.command;
  doc["started"] = t.started;
  doc["host"] = {{"kernel", t.kernel}, {"arch", std::string(sys::ArchByToken(t.host_arch) ? sys::ArchByToken(t.host_arch)->scmp : "")}};
  ordered_json exit = ordered_json::object();
  if (t.exit.code) exit["code"] = *t.exit.code;
  if (t.exit.signal) exit["signal"] = *t.exit.signal;
  doc["exit"] = exit;
  doc["tasks"] = t.tasks;
  if (t.runs != 1) doc["runs"] = t.runs;
  for (const ContainerFacts& c : t.containers) doc["containers"].push_back(ContainerFactsJson(c));
  for (const LogSource& s : t.sources) doc["sources"].push_back(LogSourceJson(s));

  std::vector<const SyscallRecord*> recs;
  for (const auto& [key, rec] : t.syscalls) recs.push_back(&rec);
  std::sort(recs.begin(), recs.end(), [](const SyscallRecord* a, const SyscallRecord* b) {
    auto an = sys::ArchByToken(a->arch)->scmp, bn = sys::ArchByToken(b->arch)->scmp;
    if (an != bn) return an < bn;
    if (a->name.has_value() != b->name.has_value()) return a->name.has_value();
    if (a->name && *a->name != *b->name) return *a->name < *b->name;
    return a->nr < b->nr;
  });
  ordered_json list = ordered_json::array();
  for (const SyscallRecord* rec : recs) {
    ordered_json e;
    e["arch"] = std::string(sys::ArchByToken(rec->arch)->scmp);
    e["name"] = rec->name ? ordered_json(*rec->name) : ordered_json(nullptr);
    e["nr"] = rec->nr;
    e["count"] = rec->count;
    if (t.runs != 1 || rec->runs != 1) e["runs"] = rec->runs;
    e["first"] = {{"pid", rec->first.pid}, {"exe", rec->first.exe}};
    if (!rec->args.empty()) {
      ordered_json args;
      for (const auto& [idx, values] : rec->args) args[std::to_string(idx)] = ArgValuesJson(values);
      e["args"] = args;
    }
    list.push_back(std::move(e));
  }
  doc["syscalls"] = std::move(list);
  if (!t.mapped.empty()) doc["mapped"] = MappedJson(t.mapped);
  if (t.reachable) doc["reachable"] = ReachableJson(*t.reachable);  // schema v2
  return DumpCanonical(doc);
}

void SaveTrace(const Trace& trace, const std::string& path, int exit_code) {
  WriteFileAtomically(path, SerializeTrace(trace), exit_code);
}

void Merge(Trace& into, const Trace& from) {
  for (const auto& [key, rec] : from.syscalls) {
    auto [it, inserted] = into.syscalls.emplace(key, rec);
    if (inserted) continue;
    SyscallRecord& dst = it->second;
    dst.count += rec.count;
    dst.runs += rec.runs;
    if (!dst.name && rec.name) dst.name = rec.name;
    // Provenance must not depend on the order of the inputs: keep the smallest (exe, pid).
    if (std::tie(rec.first.exe, rec.first.pid) < std::tie(dst.first.exe, dst.first.pid)) dst.first = rec.first;
    for (const auto& [idx, values] : rec.args) dst.args[idx].Merge(values);
  }
  MergeContainers(into.containers, from.containers);
  MergeSources(into.sources, from.sources);
  into.runs += from.runs;
  into.tasks += from.tasks;
  MergeReachable(into.reachable, from.reachable);
  into.mapped.insert(from.mapped.begin(), from.mapped.end());
}

Trace MergeAll(const std::vector<Trace>& traces) {
  Trace out;
  out.runs = 0;
  for (const Trace& t : traces) {
    if (!out.host_arch) out.host_arch = t.host_arch;
    if (out.kernel.empty()) out.kernel = t.kernel;
    Merge(out, t);
  }
  if (!out.host_arch) out.host_arch = sys::HostArch();
  return out;
}

}  // namespace profilegen::trace
